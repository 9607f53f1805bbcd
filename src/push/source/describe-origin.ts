import type { ReadRequest } from './row-reader.js';

/** `table users`, `the query`, `file x.parquet`: where rows come from, for messages. */
export function describeOrigin(req: Pick<ReadRequest, 'origin'>): string {
  const o = req.origin;
  return o.kind === 'table' ? `table ${o.table}` : o.kind === 'query' ? 'the query' : `file ${o.file}`;
}
