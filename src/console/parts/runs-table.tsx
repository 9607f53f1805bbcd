import type { Connector, Run } from '../api-types.js';
import { between, count, duration, time } from '../format.js';
import { href } from '../router.js';
import { StatusBadge, TableBox } from './common.js';

/** Runs, newest first: status, trigger, rows, when and how long. */
export function RunsTable({
  runs,
  connectors,
}: {
  runs: readonly Run[];
  connectors?: ReadonlyMap<string, Connector>;
}) {
  if (runs.length === 0) return <p class="empty">No runs yet.</p>;
  return (
    <TableBox label="Runs">
      <table class="list runs-table">
        <thead>
          <tr>
            <th scope="col">Run</th>
            {connectors && <th scope="col">Connector</th>}
            <th scope="col">Status</th>
            <th scope="col">Trigger</th>
            <th scope="col" class="num">
              Rows
            </th>
            <th scope="col">Created</th>
            <th scope="col" class="num">
              Duration
            </th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id} data-run={r.id}>
              <th scope="row">
                <a href={href(`/runs/${r.id}`)}>
                  <code>{r.id}</code>
                </a>
              </th>
              {connectors && (
                <td>
                  <a href={href(`/connectors/${r.connector_id}`)}>
                    {connectors.get(r.connector_id)?.name ?? r.connector_id}
                  </a>
                </td>
              )}
              <td>
                <StatusBadge status={r.status} />
              </td>
              <td>{r.trigger.replace('_', ' ')}</td>
              <td class="num">{count(r.rows)}</td>
              <td>{time(r.created_at)}</td>
              <td class="num">{duration(between(r.started_at, r.finished_at))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableBox>
  );
}
