import { useState } from 'preact/hooks';
import type { ApiFailure } from '../api-client.js';
import type { Connector, Page, Run } from '../api-types.js';
import { time } from '../format.js';
import { useLiveEvents } from '../live-events.js';
import { useApi, useLoad } from '../parts/api-context.js';
import { BackfillSection } from '../parts/backfill-section.js';
import { ErrorNote, Loading, PageTitle, TableBox } from '../parts/common.js';
import { RowsChart } from '../parts/rows-chart.js';
import { RunsTable } from '../parts/runs-table.js';
import { ScheduleSection } from '../parts/schedule-section.js';
import { StateSection } from '../parts/state-section.js';
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
