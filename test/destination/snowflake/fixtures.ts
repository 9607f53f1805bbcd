/**
 * Load requests over Parquet files generated with DuckDB, shared by the destination, exactly-once
 * and real-account tests.
 */
import type { Column, LoadRequest, StageFile, WriteDisposition } from '../../../src/types.js';
import { parquet } from './helpers.js';

export const ORDER_COLUMNS: readonly Column[] = [
  { name: 'id', type: 'long' },
  { name: 'name', type: 'string' },
  { name: 'amount', type: 'double' },
  { name: 'tags', type: 'json' },
  { name: 'created_at', type: 'timestamp' },
];

/** `n` order rows with ids from `first`; `name` carries a version tag so updates are visible. */
export function ordersSelect(first: number, n: number, version = 'v1'): string {
  return (
    `SELECT (${first} + i)::BIGINT AS id, '${version}-' || (${first} + i) AS name, (${first} + i) * 1.5 AS amount, ` +
    `'["a","b"]' AS tags, TIMESTAMPTZ '2024-03-10 12:00:00+00' + INTERVAL (${first} + i) MINUTE AS created_at FROM range(${n}) t(i)`
  );
}

export async function orderFiles(
  dir: string,
  parts: readonly { first: number; n: number; version?: string }[],
  prefix = 'orders',
): Promise<StageFile[]> {
  const files: StageFile[] = [];
  for (const [i, p] of parts.entries()) {
    files.push(
      await parquet(dir, `${prefix}-${i}.parquet`, ordersSelect(p.first, p.n, p.version), ORDER_COLUMNS),
    );
  }
  return files;
}

export function request(
  files: readonly StageFile[],
  opts: {
    runId?: string;
    endpoint?: string;
    table?: string;
    disposition?: WriteDisposition;
    primaryKey?: string[];
    columns?: readonly Column[];
    state?: unknown;
  } = {},
): LoadRequest {
  const endpoint = opts.endpoint ?? opts.table ?? 'orders';
  return {
    runId: opts.runId ?? 'run-1',
    connector: 'test',
    endpoint,
    table: opts.table ?? 'orders',
    columns: opts.columns ?? ORDER_COLUMNS,
    files,
    rows: files.reduce((n, f) => n + f.rows, 0),
    writeDisposition: opts.disposition ?? 'append',
    ...(opts.primaryKey ? { primaryKey: opts.primaryKey } : {}),
    ...(opts.state !== undefined ? { state: { endpoint, value: opts.state } } : {}),
  };
}
