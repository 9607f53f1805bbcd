import { useState } from 'preact/hooks';
import { ApiFailure } from '../api-client.js';
import type { Connector, EndpointError, LiveEvent, Run, RunEndpoint } from '../api-types.js';
import { between, bytes, count, duration, rate, time } from '../format.js';
import { useLiveEvents, type LiveState } from '../live-events.js';
import { useApi, useLoad } from '../parts/api-context.js';
import { ErrorNote, Loading, PageTitle, StatusBadge, TableBox } from '../parts/common.js';
import { ErrorDetails } from '../parts/error-details.js';
import { href } from '../router.js';

/** What the WebSocket said last about one endpoint while the run goes on. */
interface LiveEndpoint {
  status: string;
  pages: number;
  rows: number;
  bytes: number;
  rowsPerSecond: number | null;
  error?: EndpointError;
}

const ENDED = new Set(['succeeded', 'partially_failed', 'failed', 'cancelled', 'skipped']);

/**
 * One run: per-endpoint pages, rows, rate and status, live over the events WebSocket
 * (`?run_id=`) while it runs; each failed endpoint's error with its details.
 */
export function RunPage({ id }: { id: string }) {
  const api = useApi();
  const run = useLoad<Run>(`/runs/${id}`);
  const connector = useLoad<Connector>(run.data ? `/connectors/${run.data.connector_id}` : undefined);
  const [live, setLive] = useState<Record<string, LiveEndpoint>>({});
  const [liveStatus, setLiveStatus] = useState<string | undefined>(undefined);
  const [failure, setFailure] = useState<ApiFailure | undefined>(undefined);
  const socket = useLiveEvents(api, { run_id: id }, (e) => onEvent(e));

  function onEvent(e: LiveEvent): void {
    const name = typeof e.endpoint === 'string' ? e.endpoint : undefined;
    const num = (k: string): number => {
      const v = e[k];
      return typeof v === 'number' ? v : 0;
    };
    switch (e.type) {
      case 'run.snapshot':
        run.reload();
        return;
      case 'run.started':
        setLiveStatus('running');
        run.reload();
        return;
      case 'endpoint.progress':
        if (name) {
          setLive((l) => ({
            ...l,
            [name]: {
              status: 'running',
              pages: num('pages'),
              rows: num('rows'),
              bytes: num('bytes'),
              rowsPerSecond: typeof e.rows_per_second === 'number' ? e.rows_per_second : null,
            },
          }));
        }
        setLiveStatus('running');
        return;
      case 'endpoint.loading':
        if (name)
          setLive((l) => ({
            ...l,
            [name]: {
              ...(l[name] ?? { rowsPerSecond: null }),
              status: 'loading',
              pages: num('pages'),
              rows: num('rows'),
              bytes: num('bytes'),
            },
          }));
        return;
      case 'endpoint.succeeded':
      case 'endpoint.failed':
        if (name) {
          setLive((l) => ({
            ...l,
            [name]: {
              ...(l[name] ?? { rowsPerSecond: null, bytes: 0 }),
              status: e.type === 'endpoint.succeeded' ? 'succeeded' : 'failed',
              pages: num('pages'),
              rows: num('rows'),
              ...(e.error ? { error: e.error as EndpointError } : {}),
            },
          }));
        }
        return;
      case 'run.finished':
        setLiveStatus(typeof e.status === 'string' ? e.status : undefined);
        run.reload();
        return;
      default:
        return;
    }
  }

  if (run.error && !run.data) return <ErrorNote error={run.error} title="Could not load the run" />;
  const r = run.data;
  if (!r) return <Loading what="the run" />;
  const status = ENDED.has(r.status) ? r.status : (liveStatus ?? r.status);
  const running = !ENDED.has(status);
  const names = [
    ...new Set([...r.endpoints.map((e) => e.name), ...(r.endpoints_requested ?? []), ...Object.keys(live)]),
  ];
  const rows = names.map((name) =>
    merge(
      r.endpoints.find((e) => e.name === name),
      live[name],
      name,
      running,
    ),
  );
  const failed = rows.filter((e) => e.error);
  const cancel = async (): Promise<void> => {
    try {
      await api.send('POST', `/runs/${id}/cancel`);
      run.reload();
    } catch (e) {
      setFailure(e as ApiFailure);
    }
  };

  return (
    <>
      <PageTitle
        sub={<a href={href(`/connectors/${r.connector_id}`)}>← {connector.data?.name ?? 'connector'}</a>}
      >
        Run <code>{r.id}</code>
      </PageTitle>
      <div class="run-header">
        <p class="run-status" role="status" aria-live="polite">
          <StatusBadge status={status} /> <LiveDot state={socket} running={running} />
        </p>
        <dl class="facts">
          <dt>Trigger</dt>
          <dd>{r.trigger.replace('_', ' ')}</dd>
          <dt>Created</dt>
          <dd>{time(r.created_at)}</dd>
          <dt>Started</dt>
          <dd>{time(r.started_at)}</dd>
          <dt>Finished</dt>
          <dd>{time(r.finished_at)}</dd>
          <dt>Duration</dt>
          <dd>{duration(between(r.started_at, r.finished_at))}</dd>
          <dt>Rows</dt>
          <dd class="run-rows">{count(running ? rows.reduce((n, e) => n + e.rows, 0) : r.rows)}</dd>
          {r.attempts > 1 && (
            <>
              <dt>Attempts</dt>
              <dd>{r.attempts}</dd>
            </>
          )}
        </dl>
        {running && (
          <button type="button" class="danger" onClick={() => void cancel()}>
            Cancel run
          </button>
        )}
      </div>
      <ErrorNote error={failure} />
      {r.reason && <div class="note note-error">{r.reason}</div>}

      <section aria-labelledby="ep-h">
        <h2 id="ep-h">Endpoints</h2>
        <TableBox label="Endpoint progress">
          <table class="list progress-table">
            <thead>
              <tr>
                <th scope="col">Endpoint</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">
                  Pages
                </th>
                <th scope="col" class="num">
                  Rows
                </th>
                <th scope="col" class="num">
                  Rate
                </th>
                <th scope="col" class="num">
                  Staged
                </th>
                <th scope="col" class="num">
                  Extract / load
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <tr key={e.name} data-endpoint={e.name} class={`ep-${e.status}`}>
                  <th scope="row">
                    {e.name}
                    {e.table && e.table !== e.name && <span class="muted"> → {e.table}</span>}
                  </th>
                  <td>
                    <StatusBadge status={e.status} />
                  </td>
                  <td class="num pages">{count(e.pages)}</td>
                  <td class="num rows">{count(e.rows)}</td>
                  <td class="num rate">{e.rate}</td>
                  <td class="num">{bytes(e.bytes)}</td>
                  <td class="num">
                    {duration(e.extract_ms)} / {duration(e.load_ms)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
      </section>

      {failed.length > 0 && (
        <section aria-labelledby="errors-h">
          <h2 id="errors-h">Errors</h2>
          {failed.map((e) => (
            <ErrorDetails key={e.name} endpoint={e.name} error={e.error!} />
          ))}
        </section>
      )}
    </>
  );
}

interface Row extends Omit<RunEndpoint, 'table'> {
  readonly table: string | undefined;
  readonly rate: string;
}

function merge(
  stored: RunEndpoint | undefined,
  live: LiveEndpoint | undefined,
  name: string,
  running: boolean,
): Row {
  const useLive =
    live !== undefined && (running || !stored || stored.status === 'pending' || stored.status === 'running');
  const base = stored ?? { name, table: '', status: 'pending', rows: 0, pages: 0, files: 0, bytes: 0 };
  const error = base.error ?? live?.error;
  if (useLive) {
    return {
      ...base,
      table: stored?.table,
      status: live.status,
      pages: Math.max(live.pages, base.pages),
      rows: Math.max(live.rows, base.rows),
      bytes: Math.max(live.bytes, base.bytes),
      rate: live.rowsPerSecond !== null ? `${count(live.rowsPerSecond)}/s` : '—',
      ...(error ? { error } : {}),
    };
  }
  return {
    ...base,
    table: stored?.table,
    rate: rate(base.rows, base.extract_ms),
    ...(error ? { error } : {}),
  };
}

function LiveDot({ state, running }: { state: LiveState; running: boolean }) {
  if (!running) return null;
  const text = state === 'live' ? 'live' : state === 'connecting' ? 'connecting…' : 'reconnecting…';
  return <span class={`live-dot live-${state}`}>{text}</span>;
}
