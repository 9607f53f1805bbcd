import type { Connector, Run } from '../api-types.js';
import { useLiveEvents } from '../live-events.js';
import { useApi, usePaged } from '../parts/api-context.js';
import { ErrorNote, Loading, PageTitle } from '../parts/common.js';
import { RowsChart } from '../parts/rows-chart.js';
import { RunsTable } from '../parts/runs-table.js';
import { navigate } from '../router.js';

const STATUSES = ['queued', 'running', 'succeeded', 'partially_failed', 'failed', 'cancelled', 'skipped'];

/** Every run, newest first, filtered by connector and status, with rows per run over time. */
export function RunsPage({
  connector,
  status,
}: {
  connector: string | undefined;
  status: string | undefined;
}) {
  const api = useApi();
  const q = new URLSearchParams();
  if (connector) q.set('connector_id', connector);
  if (status) q.set('status', status);
  const runs = usePaged<Run>(`/runs?${q.toString()}`);
  const connectors = usePaged<Connector>('/connectors', 100);
  const byId = new Map((connectors.items ?? []).map((c) => [c.id, c]));
  useLiveEvents(api, {}, (e) => {
    if (e.type.startsWith('run.')) runs.reload();
  });
  const filter = (next: { connector?: string | undefined; status?: string | undefined }): void =>
    navigate('/runs', {
      connector: 'connector' in next ? next.connector : connector,
      status: 'status' in next ? next.status : status,
    });
  return (
    <>
      <PageTitle>Runs</PageTitle>
      <form class="toolbar" onSubmit={(e) => e.preventDefault()} aria-label="Filter runs">
        <div class="field">
          <label for="runs-connector">Connector</label>
          <select
            id="runs-connector"
            value={connector ?? ''}
            onChange={(e) => filter({ connector: e.currentTarget.value || undefined })}
          >
            <option value="">All connectors</option>
            {(connectors.items ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="runs-status">Status</label>
          <select
            id="runs-status"
            value={status ?? ''}
            onChange={(e) => filter({ status: e.currentTarget.value || undefined })}
          >
            <option value="">Any status</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.replace('_', ' ')}
              </option>
            ))}
          </select>
        </div>
      </form>
      <ErrorNote error={runs.error} />
      {!runs.items && runs.loading && <Loading what="runs" />}
      {runs.items && (
        <>
          <RowsChart runs={runs.items} />
          <RunsTable runs={runs.items} connectors={byId} />
          {runs.hasMore && (
            <button type="button" onClick={runs.more}>
              Show older runs
            </button>
          )}
        </>
      )}
    </>
  );
}
