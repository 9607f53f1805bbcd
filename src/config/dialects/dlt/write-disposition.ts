import { fail, obj, str, type Json } from './check.js';

/**
 * dlt's `write_disposition` (a name, or `{ disposition, strategy }`) → floe's. `merge` with the
 * `delete-insert` (dlt's default) or `upsert` strategy is floe's merge on `primary_key`: the same
 * rows for unique keys, the last row winning for duplicates; `scd2` is floe's SCD2 merge (history
 * kept, dlt's `_dlt_valid_from`/`_dlt_valid_to` columns unless `validity_column_names` says
 * otherwise; floe needs `primary_key`). `skip` is refused.
 */
export function translateWriteDisposition(w: unknown, path: string): Json {
  const x: Json = typeof w === 'string' ? { disposition: w } : obj(w, path);
  for (const k of Object.keys(x)) {
    if (k !== 'disposition' && k !== 'strategy' && k !== 'validity_column_names') {
      fail(`${path}.${k}`, `"${k}" is not supported (floe takes disposition, strategy: delete-insert, upsert or scd2, and validity_column_names)`);
    }
  }
  const d = str(x.disposition, `${path}.disposition`);
  if (d !== 'append' && d !== 'replace' && d !== 'merge') fail(`${path}.disposition`, `"${d}" is not one of append, replace, merge`);
  if (x.strategy !== undefined && x.strategy !== null) {
    if (d !== 'merge') fail(`${path}.strategy`, 'a strategy goes with disposition: merge');
    const s = str(x.strategy, `${path}.strategy`);
    if (s === 'scd2') {
      const names = x.validity_column_names ?? ['_dlt_valid_from', '_dlt_valid_to'];
      if (!Array.isArray(names) || names.length !== 2 || names.some((n) => typeof n !== 'string' || n === '')) {
        fail(`${path}.validity_column_names`, 'expected two column names [from, to]');
      }
      return { write_disposition: 'merge', merge_strategy: 'scd2', validity_columns: names };
    }
    if (s !== 'delete-insert' && s !== 'upsert') fail(`${path}.strategy`, `merge strategy "${s}" is not supported; floe merges upsert-style (delete-insert, upsert) or keeps history (scd2)`);
  }
  if (x.validity_column_names !== undefined) fail(`${path}.validity_column_names`, 'goes with strategy: scd2');
  return { write_disposition: d };
}
