import type { StateEntry } from '../api-types.js';
import { cell } from '../format.js';
import { useLoad } from './api-context.js';
import { ErrorNote, Loading, TableBox } from './common.js';

/** Each endpoint's committed incremental state, as the destination holds it. */
export function StateSection({ id }: { id: string }) {
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
