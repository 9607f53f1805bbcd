import { fail, obj, str, type Json } from './check.js';

/**
 * dlt's `write_disposition` (a name, or `{ disposition, strategy }`) → floe's. `merge` with the
 * `delete-insert` (dlt's default) or `upsert` strategy is floe's merge on `primary_key`: the same
 * rows for unique keys, the last row winning for duplicates. `skip` and other strategies are
 * refused.
 */
export function translateWriteDisposition(w: unknown, path: string): Json {
  const x: Json = typeof w === 'string' ? { disposition: w } : obj(w, path);
  for (const k of Object.keys(x)) {
    if (k !== 'disposition' && k !== 'strategy') fail(`${path}.${k}`, `"${k}" is not supported (floe takes disposition and strategy: delete-insert or upsert)`);
  }
  const d = str(x.disposition, `${path}.disposition`);
  if (d !== 'append' && d !== 'replace' && d !== 'merge') fail(`${path}.disposition`, `"${d}" is not one of append, replace, merge`);
  if (x.strategy !== undefined && x.strategy !== null) {
    if (d !== 'merge') fail(`${path}.strategy`, 'a strategy goes with disposition: merge');
    const s = str(x.strategy, `${path}.strategy`);
    if (s !== 'delete-insert' && s !== 'upsert') fail(`${path}.strategy`, `merge strategy "${s}" is not supported; floe merges upsert-style (delete-insert and upsert)`);
  }
  return { write_disposition: d };
}
