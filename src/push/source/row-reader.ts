import type { JsonReady } from '../json-text.js';

/** The rows an output pushes: a table or query on the destination, or a local file. */
export type RowOrigin =
  | { readonly kind: 'table'; readonly table: string }
  | { readonly kind: 'query'; readonly query: string }
  | { readonly kind: 'file'; readonly file: string; readonly format: 'parquet' | 'jsonl' };

/** Which rows to read, in what order. */
export interface ReadRequest {
  readonly origin: RowOrigin;
  /** Key columns: rows come in key order (ties broken by the whole row, so the order is total). */
  readonly key?: readonly string[];
  /** Incremental: only rows whose `cursor` column is at or past `since` (a value as `cursorValue` returns). */
  readonly cursor?: string;
  readonly since?: bigint | number | string | boolean | null;
  readonly signal?: AbortSignal;
}

/** One row: column name → value ready for JSON, in the column order of the source. */
export type JsonRow = Readonly<Record<string, JsonReady>>;

/**
 * Reads rows from where an output's rows live, in a deterministic order, page by page, so the
 * same data always forms the same batches. Implementations hold the warehouse only while reading.
 */
export interface RowReader {
  rows(req: ReadRequest): AsyncIterable<readonly JsonRow[]>;
  close(): Promise<void>;
}
