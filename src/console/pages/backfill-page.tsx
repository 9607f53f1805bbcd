import { useState } from 'preact/hooks';
import { ApiFailure } from '../api-client.js';
import type { Backfill, BackfillWindow, Connector } from '../api-types.js';
import { count, time } from '../format.js';
import { useLiveEvents } from '../live-events.js';
import { useApi, useLoad } from '../parts/api-context.js';
import { ErrorNote, Loading, PageTitle, StatusBadge, TableBox } from '../parts/common.js';
import { href } from '../router.js';

const ACTIVE = new Set(['queued', 'running']);
const RETRYABLE = new Set(['failed', 'partially_failed', 'cancelled']);

/** A backfill as a grid: one row per endpoint, one cell per window, done / failed / pending; retry failed. */
export function BackfillPage({ id }: { id: string }) {
  const api = useApi();
  const bf = useLoad<Backfill>(`/backfills/${id}`);
  const connector = useLoad<Connector>(bf.data ? `/connectors/${bf.data.connector_id}` : undefined);
  const [picked, setPicked] = useState<BackfillWindow | undefined>(undefined);
  const [failure, setFailure] = useState<ApiFailure | undefined>(undefined);
  const { reload } = bf;
  // Each unit that starts, succeeds or fails (backfill.window) and the end re-read the grid.
  useLiveEvents(api, { backfill_id: id }, (e) => {
    if (e.type.startsWith('backfill.')) reload();
  });

  if (bf.error && !bf.data) return <ErrorNote error={bf.error} title="Could not load the backfill" />;
  const b = bf.data;
  if (!b) return <Loading what="the backfill" />;
  const active = ACTIVE.has(b.status);
  const windows = [...new Set(b.windows.map((w) => w.window))];
  const endpoints = [...new Set(b.windows.map((w) => w.endpoint))];
  const cellOf = new Map(b.windows.map((w) => [`${w.endpoint}|${w.window}`, w]));
  const act = async (what: 'retry' | 'cancel'): Promise<void> => {
    setFailure(undefined);
    try {
      await api.send('POST', `/backfills/${id}/${what}`);
      reload();
    } catch (e) {
      setFailure(e as ApiFailure);
    }
  };

  return (
    <>
      <PageTitle
        sub={<a href={href(`/connectors/${b.connector_id}`)}>← {connector.data?.name ?? 'connector'}</a>}
      >
        Backfill {String(b.from)} → {String(b.to)}
      </PageTitle>
      <div class="run-header">
        <p role="status" aria-live="polite">
          <StatusBadge status={b.status} />{' '}
          <span class="counts">
            {b.counts.succeeded} done · {b.counts.failed} failed · {b.counts.pending} pending of{' '}
            {b.counts.total}
          </span>
        </p>
        <dl class="facts">
          <dt>Window</dt>
          <dd>{String(b.step)}</dd>
          <dt>Created</dt>
          <dd>{time(b.created_at)}</dd>
          <dt>Finished</dt>
          <dd>{time(b.finished_at)}</dd>
        </dl>
        <div class="actions">
          {RETRYABLE.has(b.status) && (
            <button type="button" class="primary" onClick={() => void act('retry')}>
              Retry failed
            </button>
          )}
          {active && (
            <button type="button" class="danger" onClick={() => void act('cancel')}>
              Cancel
            </button>
          )}
        </div>
      </div>
      <ErrorNote error={failure} />
      {b.windows.length === 0 ? (
        <p class="muted">{active ? 'Planning windows…' : 'No windows.'}</p>
      ) : (
        <>
          <ul class="legend" aria-label="Legend">
            <li>
              <span class="cell cell-succeeded" /> done
            </li>
            <li>
              <span class="cell cell-failed" /> failed
            </li>
            <li>
              <span class="cell cell-pending" /> pending
            </li>
          </ul>
          <TableBox label="Backfill windows">
            <table class="grid">
              <thead>
                <tr>
                  <th scope="col">Endpoint</th>
                  {windows.map((w) => (
                    <th scope="col" key={w} title={w}>
                      <span class="window-label">{w.split('..')[0]?.slice(0, 10) ?? w}</span>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {endpoints.map((ep) => (
                  <tr key={ep}>
                    <th scope="row">{ep}</th>
                    {windows.map((w) => {
                      const c = cellOf.get(`${ep}|${w}`);
                      const state =
                        c?.status === 'succeeded'
                          ? 'succeeded'
                          : c?.status === 'failed'
                            ? 'failed'
                            : 'pending';
                      const label = `${ep}, window ${w}: ${state === 'succeeded' ? 'done' : state}${c ? `, ${count(c.rows)} rows` : ''}`;
                      return (
                        <td key={w}>
                          <button
                            type="button"
                            class={`cell cell-${state}${picked === c && c ? ' picked' : ''}`}
                            aria-label={label}
                            title={label}
                            aria-pressed={picked !== undefined && picked === c}
                            onClick={() => setPicked(c)}
                          />
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableBox>
          {picked && (
            <div class="window-details" role="region" aria-label="Window details">
              <p>
                <strong>{picked.endpoint}</strong>, window <code>{picked.window}</code>:{' '}
                <StatusBadge status={picked.status} /> {count(picked.rows)} rows
                {picked.skipped ? ' (already loaded before; skipped)' : ''}
              </p>
              {picked.error && (
                <p class="wrap">
                  <code>{picked.error.code}</code> {picked.error.message}
                </p>
              )}
            </div>
          )}
        </>
      )}
    </>
  );
}
