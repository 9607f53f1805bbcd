import { useState } from 'preact/hooks';
import { ApiFailure } from '../api-client.js';
import type { Backfill, Connector, Page, Run, ScheduleSpec, StateEntry } from '../api-types.js';
import { cell, scheduleText, time } from '../format.js';
import { useLiveEvents } from '../live-events.js';
import { useApi, useLoad } from '../parts/api-context.js';
import { ErrorNote, Loading, PageTitle, StatusBadge, TableBox } from '../parts/common.js';
import { RowsChart } from '../parts/rows-chart.js';
import { RunsTable } from '../parts/runs-table.js';
import { FieldError, ScheduleFields } from '../parts/schedule-fields.js';
import { href, navigate } from '../router.js';

/** One connector: its endpoints, schedule, state, recent runs (with the rows chart) and backfills. */
export function ConnectorPage({ id }: { id: string }) {
  const api = useApi();
  const connector = useLoad<Connector>(`/connectors/${id}`);
  const runs = useLoad<Page<Run>>(`/runs?connector_id=${encodeURIComponent(id)}&limit=30`);
  const [actionError, setActionError] = useState<ApiFailure | undefined>(undefined);
  useLiveEvents(api, { connector_id: id }, (e) => {
    if (e.type.startsWith('run.')) {
      runs.reload();
      connector.reload();
    }
  });
  if (connector.error) return <ErrorNote error={connector.error} title="Could not load the connector" />;
  const c = connector.data;
  if (!c) return <Loading what="the connector" />;

  const startRun = async (endpoints?: string[]): Promise<void> => {
    setActionError(undefined);
    try {
      const run = await api.send<Run>('POST', `/connectors/${id}/runs`, endpoints ? { endpoints } : {});
      navigate(`/runs/${run.id}`);
    } catch (e) {
      setActionError(e as ApiFailure);
    }
  };
  const remove = async (): Promise<void> => {
    if (!confirm(`Delete connector ${c.name} and its run history? Loaded tables stay.`)) return;
    try {
      await api.send('DELETE', `/connectors/${id}`);
      navigate('/');
    } catch (e) {
      setActionError(e as ApiFailure);
    }
  };

  return (
    <>
      <PageTitle
        sub={
          <>
            {c.dialect !== 'native' ? `${c.dialect} config · ` : ''}created {time(c.created_at)}
          </>
        }
      >
        {c.name}
      </PageTitle>
      <div class="actions">
        <button type="button" class="primary" onClick={() => void startRun()}>
          Run now
        </button>
        <a class="button" href={href(`/connectors/${id}/preview`)}>
          Test extraction
        </a>
        <a class="button" href={href(`/connectors/${id}/edit`)}>
          Edit YAML
        </a>
        <button type="button" class="danger" onClick={() => void remove()}>
          Delete
        </button>
      </div>
      <ErrorNote error={actionError} />

      <section aria-labelledby="endpoints-h">
        <h2 id="endpoints-h">Endpoints</h2>
        <TableBox label="Endpoints">
          <table class="list">
            <thead>
              <tr>
                <th scope="col">Endpoint</th>
                <th scope="col">Table</th>
                <th scope="col">Request</th>
                <th scope="col">Pagination</th>
                <th scope="col">Incremental cursor</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {c.endpoints.map((e) => (
                <tr key={e.name}>
                  <th scope="row">{e.name}</th>
                  <td>
                    <code>{e.table}</code>
                  </td>
                  <td>
                    <code>
                      {e.method} {e.path}
                    </code>
                  </td>
                  <td>{e.pagination ?? 'one request'}</td>
                  <td>
                    {e.incremental_cursor_path ? (
                      <code>{e.incremental_cursor_path}</code>
                    ) : (
                      <span class="muted">full load</span>
                    )}
                  </td>
                  <td>
                    <div class="row-actions">
                      <a
                        href={href(`/connectors/${id}/preview`, { endpoint: e.name })}
                        aria-label={`Test extraction of ${e.name}`}
                      >
                        Test
                      </a>
                      <button
                        type="button"
                        class="link-button"
                        onClick={() => void startRun([e.name])}
                        aria-label={`Run only ${e.name}`}
                      >
                        Run
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
      </section>

      <div class="two-col">
        <ScheduleSection connector={c} onSaved={connector.reload} />
        <StateSection id={id} />
      </div>

      <section aria-labelledby="runs-h">
        <h2 id="runs-h">Recent runs</h2>
        <ErrorNote error={runs.error} />
        {runs.data && <RowsChart runs={runs.data.data} />}
        {runs.data && <RunsTable runs={runs.data.data.slice(0, 10)} />}
        <p>
          <a href={href('/runs', { connector: id })}>All runs of {c.name}</a>
        </p>
      </section>

      <BackfillSection connector={c} />
    </>
  );
}

function ScheduleSection({ connector, onSaved }: { connector: Connector; onSaved: () => void }) {
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

function StateSection({ id }: { id: string }) {
  const state = useLoad<{ data: StateEntry[] }>(`/connectors/${id}/state`);
  return (
    <section aria-labelledby="state-h">
      <h2 id="state-h">Incremental state</h2>
      <ErrorNote error={state.error} />
      {!state.data && state.loading && <Loading what="state" />}
      {state.data && (
        <TableBox label="Incremental state">
          <table class="list">
            <thead>
              <tr>
                <th scope="col">Endpoint</th>
                <th scope="col">Cursor</th>
                <th scope="col">Committed state</th>
              </tr>
            </thead>
            <tbody>
              {state.data.data.map((s) => (
                <tr key={s.endpoint}>
                  <th scope="row">{s.endpoint}</th>
                  <td>{s.cursor_path ? <code>{s.cursor_path}</code> : <span class="muted">none</span>}</td>
                  <td>
                    {s.state === null ? (
                      <span class="muted">{s.cursor_path ? 'not started' : '—'}</span>
                    ) : (
                      <code>{cell(s.state)}</code>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
      )}
    </section>
  );
}

function BackfillSection({ connector }: { connector: Connector }) {
  const api = useApi();
  const list = useLoad<Page<Backfill>>(
    `/backfills?connector_id=${encodeURIComponent(connector.id)}&limit=10`,
  );
  const [form, setForm] = useState({ from: '', to: '', step: '7d' });
  const [errors, setErrors] = useState<Map<string, string>>(new Map());
  const [failure, setFailure] = useState<ApiFailure | undefined>(undefined);
  const start = async (e: Event): Promise<void> => {
    e.preventDefault();
    setFailure(undefined);
    try {
      const b = await api.send<Backfill>('POST', `/connectors/${connector.id}/backfills`, form);
      navigate(`/backfills/${b.id}`);
    } catch (err) {
      if (err instanceof ApiFailure && err.details.length)
        setErrors(new Map(err.details.map((d) => [d.field, d.message])));
      else setFailure(err as ApiFailure);
    }
  };
  const field = (name: 'from' | 'to' | 'step', label: string, hint: string) => (
    <div class="field">
      <label for={`bf-${name}`}>{label}</label>
      <input
        id={`bf-${name}`}
        value={form[name]}
        placeholder={hint}
        aria-invalid={errors.has(name)}
        aria-describedby={errors.has(name) ? `bf-${name}-error` : undefined}
        onInput={(e) => setForm({ ...form, [name]: e.currentTarget.value })}
      />
      <FieldError id={`bf-${name}-error`} message={errors.get(name)} />
    </div>
  );
  return (
    <section aria-labelledby="backfills-h">
      <h2 id="backfills-h">Backfills</h2>
      {list.data && list.data.data.length > 0 && (
        <ul class="plain">
          {list.data.data.map((b) => (
            <li key={b.id}>
              <a href={href(`/backfills/${b.id}`)}>
                {String(b.from)} → {String(b.to)} by {String(b.step)}
              </a>{' '}
              <StatusBadge status={b.status} />{' '}
              <span class="muted">
                {b.counts.succeeded}/{b.counts.total} windows done
                {b.counts.failed ? `, ${b.counts.failed} failed` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
      <form class="inline-form" onSubmit={(e) => void start(e)} noValidate aria-label="Start a backfill">
        {field('from', 'From', '2024-01-01')}
        {field('to', 'To (exclusive)', '2025-01-01')}
        {field('step', 'Window', '7d')}
        <button type="submit">Start backfill</button>
      </form>
      <ErrorNote error={failure} />
    </section>
  );
}
