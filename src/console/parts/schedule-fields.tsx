import type { ScheduleMode, ScheduleSpec } from '../api-types.js';

interface Props {
  readonly idPrefix: string;
  readonly value: ScheduleSpec | null;
  readonly onChange: (s: ScheduleSpec | null) => void;
  /** Messages by API field (`schedule.every`, `schedule.offset_minutes`, `schedule`). */
  readonly errors: ReadonlyMap<string, string>;
  readonly legend?: string;
}

const MODES: { value: ScheduleMode | 'none'; label: string }[] = [
  { value: 'none', label: 'On request only' },
  { value: 'minutes', label: 'Every N minutes (from creation)' },
  { value: 'hours', label: 'Every N hours (at :00 + offset)' },
  { value: 'days', label: 'Every N days (at 00:00 UTC + offset)' },
];

/** The schedule as the API takes it: mode, every, offset_minutes; each error under its field. */
export function ScheduleFields({ idPrefix, value, onChange, errors, legend = 'Schedule' }: Props) {
  const err = (f: string): string | undefined =>
    errors.get(`schedule.${f}`) ?? (f === 'mode' ? errors.get('schedule') : undefined);
  const num = (s: string): number => (s.trim() === '' ? Number.NaN : Number(s));
  return (
    <fieldset class="schedule-fields">
      <legend>{legend}</legend>
      <div class="field">
        <label for={`${idPrefix}-mode`}>Runs</label>
        <select
          id={`${idPrefix}-mode`}
          value={value?.mode ?? 'none'}
          aria-invalid={err('mode') !== undefined}
          onChange={(e) => {
            const mode = e.currentTarget.value as ScheduleMode | 'none';
            onChange(
              mode === 'none'
                ? null
                : {
                    mode,
                    every: value?.every ?? 1,
                    offset_minutes: mode === 'minutes' ? 0 : (value?.offset_minutes ?? 0),
                  },
            );
          }}
        >
          {MODES.map((m) => (
            <option key={m.value} value={m.value}>
              {m.label}
            </option>
          ))}
        </select>
        <FieldError id={`${idPrefix}-mode-error`} message={err('mode')} />
      </div>
      {value && (
        <div class="field-row">
          <div class="field">
            <label for={`${idPrefix}-every`}>Every (N)</label>
            <input
              id={`${idPrefix}-every`}
              type="number"
              min={1}
              inputMode="numeric"
              value={Number.isNaN(value.every) ? '' : value.every}
              aria-invalid={err('every') !== undefined}
              aria-describedby={err('every') ? `${idPrefix}-every-error` : undefined}
              onInput={(e) => onChange({ ...value, every: num(e.currentTarget.value) })}
            />
            <FieldError id={`${idPrefix}-every-error`} message={err('every')} />
          </div>
          {value.mode !== 'minutes' && (
            <div class="field">
              <label for={`${idPrefix}-offset`}>Offset (minutes)</label>
              <input
                id={`${idPrefix}-offset`}
                type="number"
                min={0}
                inputMode="numeric"
                value={Number.isNaN(value.offset_minutes) ? '' : value.offset_minutes}
                aria-invalid={err('offset_minutes') !== undefined}
                aria-describedby={err('offset_minutes') ? `${idPrefix}-offset-error` : undefined}
                onInput={(e) => onChange({ ...value, offset_minutes: num(e.currentTarget.value) })}
              />
              <FieldError id={`${idPrefix}-offset-error`} message={err('offset_minutes')} />
            </div>
          )}
        </div>
      )}
    </fieldset>
  );
}

export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p class="field-error" id={id}>
      {message}
    </p>
  );
}
