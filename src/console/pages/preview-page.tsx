import { useState } from 'preact/hooks';
import { ApiFailure } from '../api-client.js';
import type { ColumnSelection, Connector, Preview } from '../api-types.js';
import { cell, count } from '../format.js';
import { useApi, useLoad } from '../parts/api-context.js';
import { ErrorNote, Loading, PageTitle, TableBox } from '../parts/common.js';
import { href, navigate } from '../router.js';

interface Pick {
  readonly name: string;
  readonly type: string;
  include: boolean;
  rename: string;
}

/**
 * Test extraction: the first page of one endpoint, every inferred column with its type and sample
 * values; tick columns in or out and rename them inline, see the rows as the table will get them,
 * then save the selection into the connector (the server tries it on the same page first).
 */
export function PreviewPage({ id, endpoint }: { id: string; endpoint: string | undefined }) {
  const api = useApi();
  const connector = useLoad<Connector>(`/connectors/${id}`);
  const [preview, setPreview] = useState<Preview | undefined>(undefined);
  const [picks, setPicks] = useState<Pick[]>([]);
  const [busy, setBusy] = useState<'extract' | 'save' | undefined>(undefined);
  const [failure, setFailure] = useState<ApiFailure | undefined>(undefined);
  const [saved, setSaved] = useState<string | undefined>(undefined);

  if (connector.error) return <ErrorNote error={connector.error} title="Could not load the connector" />;
  const c = connector.data;
  if (!c) return <Loading what="the connector" />;
  const chosen = endpoint ?? c.endpoints[0]?.name ?? '';

  const extract = async (): Promise<void> => {
    setBusy('extract');
    setFailure(undefined);
    setSaved(undefined);
    try {
      const p = await api.send<Preview>('POST', `/connectors/${id}/preview`, { endpoint: chosen, rows: 10 });
      setPreview(p);
      setPicks(
        p.inferred_columns.map((col) => ({
          name: col.name,
          type: col.type,
          include: col.selected_as !== null,
          rename: col.selected_as && col.selected_as !== col.name ? col.selected_as : '',
        })),
      );
    } catch (e) {
      setPreview(undefined);
      setFailure(e as ApiFailure);
    } finally {
      setBusy(undefined);
    }
  };

  const finalName = (p: Pick): string => p.rename.trim() || p.name;
  const kept = picks.filter((p) => p.include);
  const clashes = new Set(kept.map(finalName).filter((n, i, all) => all.indexOf(n) !== i));
  const update = (i: number, change: Partial<Pick>): void =>
    setPicks(picks.map((p, j) => (j === i ? { ...p, ...change } : p)));

  const save = async (): Promise<void> => {
    const selection: ColumnSelection = {};
    const exclude = picks.filter((p) => !p.include).map((p) => p.name);
    const rename = Object.fromEntries(
      kept.filter((p) => p.rename.trim() && p.rename.trim() !== p.name).map((p) => [p.name, p.rename.trim()]),
    );
    if (exclude.length) selection.exclude = exclude;
    if (Object.keys(rename).length) selection.rename = rename;
    setBusy('save');
    setFailure(undefined);
    try {
      const p = await api.send<Preview>('POST', `/connectors/${id}/preview`, {
        endpoint: chosen,
        rows: 10,
        columns: selection,
        apply: true,
      });
      setSaved(
        `Saved: table ${p.table} gets ${p.columns.length} columns (${p.columns.map((x) => x.name).join(', ')}).`,
      );
    } catch (e) {
      setFailure(e as ApiFailure);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <>
      <PageTitle sub={<a href={href(`/connectors/${id}`)}>← {c.name}</a>}>Test extraction</PageTitle>
      <div class="toolbar">
        <div class="field">
          <label for="preview-endpoint">Endpoint</label>
          <select
            id="preview-endpoint"
            value={chosen}
            onChange={(e) => {
              setPreview(undefined);
              navigate(`/connectors/${id}/preview`, { endpoint: e.currentTarget.value });
            }}
          >
            {c.endpoints.map((e) => (
              <option key={e.name} value={e.name}>
                {e.name} ({e.method} {e.path})
              </option>
            ))}
          </select>
        </div>
        <button type="button" class="primary" onClick={() => void extract()} disabled={busy !== undefined}>
          {busy === 'extract'
            ? 'Fetching the first page…'
            : preview
              ? 'Extract again'
              : 'Run test extraction'}
        </button>
      </div>
      <ErrorNote error={failure} title="The test extraction failed" />
      {preview && (
        <>
          <p class="muted" role="status">
            {count(preview.records)} records from <code>{preview.url}</code> (HTTP {preview.status})
            {preview.has_next_page ? '; more pages follow' : '; no further pages'}. Table{' '}
            <code>{preview.table}</code>.
          </p>
          <section aria-labelledby="columns-h">
            <h2 id="columns-h">Inferred columns</h2>
            <p class="hint">Untick a column to leave it out of the table; type a new name to rename it.</p>
            <TableBox label="Inferred columns">
              <table class="list columns-table">
                <thead>
                  <tr>
                    <th scope="col">Include</th>
                    <th scope="col">Column</th>
                    <th scope="col">Type</th>
                    <th scope="col">Rename to</th>
                    <th scope="col">Sample</th>
                  </tr>
                </thead>
                <tbody>
                  {picks.map((p, i) => (
                    <tr key={p.name} class={p.include ? '' : 'excluded'} data-column={p.name}>
                      <td>
                        <input
                          type="checkbox"
                          id={`inc-${i}`}
                          checked={p.include}
                          onChange={(e) => update(i, { include: e.currentTarget.checked })}
                        />
                        <label for={`inc-${i}`} class="sr-only">
                          Include {p.name}
                        </label>
                      </td>
                      <th scope="row">
                        <code>{p.name}</code>
                      </th>
                      <td>{p.type}</td>
                      <td>
                        <input
                          class="rename"
                          aria-label={`Rename ${p.name}`}
                          value={p.rename}
                          placeholder={p.name}
                          disabled={!p.include}
                          aria-invalid={clashes.has(finalName(p)) && p.include}
                          onInput={(e) => update(i, { rename: e.currentTarget.value })}
                        />
                        {p.include && clashes.has(finalName(p)) && (
                          <p class="field-error">Two columns would be named {finalName(p)}.</p>
                        )}
                      </td>
                      <td class="sample-values">
                        {preview.inferred_sample
                          .slice(0, 3)
                          .map((r) => cell(r[p.name]))
                          .filter((v) => v !== '')
                          .join(' · ')}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableBox>
          </section>
          <section aria-labelledby="rows-h">
            <h2 id="rows-h">Sample rows as the table gets them</h2>
            <TableBox label="Sample rows">
              <table class="list sample-table">
                <thead>
                  <tr>
                    {kept.map((p) => (
                      <th scope="col" key={p.name}>
                        {finalName(p)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {preview.inferred_sample.map((r, n) => (
                    <tr key={n}>
                      {kept.map((p) => (
                        <td key={p.name}>{cell(r[p.name])}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableBox>
          </section>
          <div class="actions">
            <button
              type="button"
              class="primary"
              onClick={() => void save()}
              disabled={busy !== undefined || clashes.size > 0 || kept.length === 0}
            >
              {busy === 'save' ? 'Saving…' : 'Save column selection'}
            </button>
            {saved && (
              <span class="note-ok" role="status">
                {saved}
              </span>
            )}
          </div>
        </>
      )}
    </>
  );
}
