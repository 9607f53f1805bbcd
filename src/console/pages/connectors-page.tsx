import type { Connector } from '../api-types.js';
import { scheduleText, time } from '../format.js';
import { useLiveEvents } from '../live-events.js';
import { useApi, usePaged } from '../parts/api-context.js';
import { ErrorNote, Loading, PageTitle, StatusBadge, TableBox } from '../parts/common.js';
import { href } from '../router.js';

/** Every connector with its last run and its next scheduled run; refreshed live as runs end. */
export function ConnectorsPage() {
  const api = useApi();
  const list = usePaged<Connector>('/connectors');
  useLiveEvents(api, {}, (e) => {
    if (
      e.type === 'run.started' ||
      e.type === 'run.finished' ||
      e.type === 'run.queued' ||
      e.type === 'run.skipped'
    )
      list.reload();
  });
  return (
    <>
      <PageTitle sub="Each connector loads one API into one table per endpoint.">Connectors</PageTitle>
      <p class="actions">
        <a class="button primary" href={href('/connectors/new')}>
          New connector
        </a>
      </p>
      <ErrorNote error={list.error} />
      {!list.items && list.loading && <Loading what="connectors" />}
      {list.items && list.items.length === 0 && (
        <p class="empty">
          No connectors yet. <a href={href('/connectors/new')}>Create one from YAML</a>.
        </p>
      )}
      {list.items && list.items.length > 0 && (
        <TableBox label="Connectors">
          <table class="list">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Endpoints</th>
                <th scope="col">Schedule</th>
                <th scope="col">Last run</th>
                <th scope="col">Next run</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((c) => (
                <tr key={c.id} data-connector={c.name}>
                  <th scope="row">
                    <a href={href(`/connectors/${c.id}`)}>{c.name}</a>
                    {c.dialect !== 'native' && <span class="tag">{c.dialect}</span>}
                  </th>
                  <td>{c.endpoints.map((e) => e.name).join(', ')}</td>
                  <td>{scheduleText(c.schedule)}</td>
                  <td class="last-run">
                    {c.last_run ? (
                      <a
                        href={href(`/runs/${c.last_run.id}`)}
                        aria-label={`Last run ${c.last_run.status}, ${time(c.last_run.created_at)}`}
                      >
                        <StatusBadge status={c.last_run.status} />{' '}
                        <span class="muted">{time(c.last_run.finished_at ?? c.last_run.created_at)}</span>
                      </a>
                    ) : (
                      <span class="muted">never</span>
                    )}
                  </td>
                  <td class="next-run">
                    {c.schedule ? time(c.schedule.next_fire_at) : <span class="muted">—</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
      )}
      {list.hasMore && (
        <button type="button" onClick={list.more}>
          Show more
        </button>
      )}
    </>
  );
}
