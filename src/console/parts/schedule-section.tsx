import { useState } from 'preact/hooks';
import { ApiFailure } from '../api-client.js';
import type { Connector, ScheduleSpec } from '../api-types.js';
import { scheduleText, time } from '../format.js';
import { useApi } from './api-context.js';
import { ScheduleFields } from './schedule-fields.js';

/** A connector's schedule and its next run, changed in place (errors under their fields). */
export function ScheduleSection({ connector, onSaved }: { connector: Connector; onSaved: () => void }) {
  const api = useApi();
  const current: ScheduleSpec | null = connector.schedule
    ? {
        mode: connector.schedule.mode,
        every: connector.schedule.every,
        offset_minutes: connector.schedule.offset_minutes,
      }
    : null;
  const [value, setValue] = useState<ScheduleSpec | null>(current);
  const [errors, setErrors] = useState<Map<string, string>>(new Map());
  const [note, setNote] = useState<string | undefined>(undefined);
  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    setNote(undefined);
    try {
      await api.send('PATCH', `/connectors/${connector.id}`, { schedule: value });
      setErrors(new Map());
      setNote('Schedule saved.');
      onSaved();
    } catch (err) {
      if (err instanceof ApiFailure) setErrors(new Map(err.details.map((d) => [d.field, d.message])));
      if (err instanceof ApiFailure && err.details.length === 0)
        setErrors(new Map([['schedule', err.message]]));
    }
  };
  return (
    <section aria-labelledby="schedule-h">
      <h2 id="schedule-h">Schedule</h2>
      <p>
        {scheduleText(connector.schedule)}
        {connector.schedule && (
          <>
            {' '}
            · next run <strong class="next-run">{time(connector.schedule.next_fire_at)}</strong>
            {connector.schedule.last_fired_at && <> · last fired {time(connector.schedule.last_fired_at)}</>}
          </>
        )}
      </p>
      <form onSubmit={(e) => void save(e)} noValidate>
        <ScheduleFields
          idPrefix="schedule"
          value={value}
          onChange={setValue}
          errors={errors}
          legend="Change the schedule"
        />
        <button type="submit">Save schedule</button>
        {note && (
          <span class="muted" role="status">
            {' '}
            {note}
          </span>
        )}
      </form>
    </section>
  );
}
