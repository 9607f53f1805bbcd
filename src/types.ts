/**
 * Plain data exchanged between the middle modules (source → normalize → stage → destination).
 * Those modules never import each other; they import these types, and only `run/` wires them.
 */
import type { ColumnType, WriteDisposition } from './config/schema.js';

export type { ColumnType, WriteDisposition };

/**
 * A column's logical type: the spec's declared types, plus
 * - `json` for arrays (and values that mix objects with scalars) kept as JSON text; VARCHAR by default;
 * - `decimal` for integers beyond 64 bits (up to 38 digits), loaded exactly as DECIMAL(38,0) /
 *   NUMBER(38,0);
 * - `null` for a field that has only ever been null: it still gets a column (VARCHAR until a value
 *   arrives), and takes the real type when one does.
 */
export type LogicalType = ColumnType | 'json' | 'decimal' | 'null';

export interface Column {
  /** Final name (after flattening and rename), spelled as the source spelled it. */
  readonly name: string;
  readonly type: LogicalType;
}

/** One HTTP page of an endpoint, after the records path was applied. */
export interface Page {
  /** 0-based page number within this extraction. */
  readonly index: number;
  /** Sanitized URL of the request that produced the page. */
  readonly url: string;
  readonly status: number;
  readonly records: readonly unknown[];
  /** Size of the response body in bytes. */
  readonly bytes: number;
  /** Size of the body's JSON text when it differs from `bytes` (a compressed response). */
  readonly textBytes?: number;
  /** Invalid UTF-8 sequences in the body (each loaded as U+FFFD); absent when none. */
  readonly invalidUtf8?: number;
  /** Numbers beyond the double range (`1e400`), loaded as their JSON text; absent when none. */
  readonly nonFiniteNumbers?: number;
  /**
   * The request for the next page, as a serializable value (for checkpoints); undefined on the
   * last page.
   */
  readonly next?: unknown;
  /** Totals the API reported on this page through the configured stop signals. */
  readonly reported?: { readonly records?: number; readonly pages?: number };
  /** On the first page: what floe detected (records path, `pagination: auto`), to print and pin. */
  readonly detected?: { readonly records_path?: string; readonly pagination?: unknown };
  /** On the last page: why the extraction ended, and a warning when it looks short. */
  readonly end?: PageEnd;
  /**
   * `next` unmasked: what a resume must send (a secret in the base_url path, a credential the API
   * put in its next link). Only for the private checkpoint token file (mode 0600), never shown.
   */
  readonly resume?: unknown;
  /**
   * More records of the same response follow (a huge page read as a stream is handed out in
   * parts): only `index`, `url`, `status` and `records` are set; the response's last part is a
   * full Page. Checkpoints and page counts go by full pages.
   */
  readonly more?: true;
}

/** Why an extraction ended; `warning` when it ended short of what the API announced. */
export interface PageEnd {
  readonly reason: string;
  readonly warning?: string;
  /** The warning's code (`TOTAL_SHORT`, `MORE_SUGGESTED`) and counts, for the run record. */
  readonly code?: string;
  readonly expected?: number;
  readonly received?: number;
  /** What `expected`/`received` count. */
  readonly unit?: 'records' | 'pages';
}

/**
 * Rows in column-major form: `values[c][r]` is row r of column c; `null` is SQL NULL. Values are
 * already converted to the column's logical type: numbers for long/integer/float/double (a long
 * beyond ±2^53 is a bigint; a decimal is a number or a bigint; a null column holds only nulls),
 * booleans, strings (json columns hold the JSON text), ISO strings for timestamp/date, and
 * Uint8Array or base64 strings for binary.
 */
export interface ColumnBatch {
  readonly columns: readonly Column[];
  readonly length: number;
  readonly values: readonly (readonly unknown[])[];
}

/** A Parquet file written by the stage. */
export interface StageFile {
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
  /** The file's own schema; later files of the same endpoint may have more or wider columns. */
  readonly columns: readonly Column[];
}

/**
 * Which endpoint of which connector: state and ledger rows are keyed by both, so two connectors
 * with an endpoint of the same name (`github` and `stripe`, each with `events`) never share them.
 */
export interface EndpointKey {
  /** The connector's `name`. */
  readonly connector: string;
  readonly endpoint: string;
}

/** Everything a destination needs to load one endpoint's staged files, atomically. */
export interface LoadRequest {
  readonly runId: string;
  /** The connector's `name`; with `endpoint`, the key of the ledger and state rows. */
  readonly connector: string;
  readonly endpoint: string;
  readonly table: string;
  /** The union of all files' columns, widened: the table must end up with at least these. */
  readonly columns: readonly Column[];
  readonly files: readonly StageFile[];
  readonly rows: number;
  readonly writeDisposition: WriteDisposition;
  readonly primaryKey?: readonly string[];
  /**
   * merge only: keep history (SCD2) instead of updating rows in place. Each key's current version
   * has `validTo` NULL; a changed or vanished key's current version gets `validTo` = the load time
   * and a changed key a new version from then (`validFrom`).
   */
  readonly scd2?: { readonly validFrom: string; readonly validTo: string };
  /**
   * Endpoint state (e.g. an incremental cursor) committed in the same transaction as the data,
   * so a crash never separates them.
   */
  readonly state?: EndpointState;
}

export interface EndpointState {
  readonly endpoint: string;
  readonly value: unknown;
}

export interface LoadResult {
  readonly rowsLoaded: number;
  /** Warehouse query ids, for users to look up in their query history. */
  readonly queryIds: readonly string[];
  /**
   * True when the ledger showed this (run, connector, endpoint) was already committed — by an
   * earlier attempt or by another loader at the same time — so this load changed nothing.
   */
  readonly alreadyLoaded: boolean;
}

/** One row of the loads ledger (`_floe_loads`). */
export interface LedgerEntry {
  readonly runId: string;
  readonly connector: string;
  readonly endpoint: string;
  readonly table: string;
  readonly files: number;
  readonly rows: number;
  readonly status: 'committed';
  readonly startedAt: string;
  readonly finishedAt: string;
}

/** A loaded table as `floe tables` lists it. */
export interface TableInfo {
  /** As stored in the destination (Snowflake: upper case). */
  readonly table: string;
  readonly rows: number;
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  /** The newest ledger row that loaded this table, if any. */
  readonly lastLoad?: LedgerEntry;
}

/**
 * A destination loads staged Parquet files into one table per endpoint. `load` is atomic: the
 * table changes all at once (with its ledger row and state) or not at all, and exactly once per
 * (run id, connector, endpoint), even when several loaders race for it.
 */
export interface Destination {
  readonly type: 'duckdb' | 'snowflake';
  /** The committed ledger entry for (runId, connector, endpoint), if any. */
  ledgerEntry(runId: string, key: EndpointKey, signal?: AbortSignal): Promise<LedgerEntry | undefined>;
  load(request: LoadRequest, signal?: AbortSignal): Promise<LoadResult>;
  /** The committed state of an endpoint, if any. */
  readState(key: EndpointKey, signal?: AbortSignal): Promise<EndpointState | undefined>;
  /** Writes (or clears, with `undefined`) an endpoint's state outside a load: `floe state set/reset`. */
  writeState(key: EndpointKey, value: unknown, signal?: AbortSignal): Promise<void>;
  /** The tables floe loaded (those in the ledger), with row counts, columns and last load. */
  tables(signal?: AbortSignal): Promise<TableInfo[]>;
  close(): Promise<void>;
}
