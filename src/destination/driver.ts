/**
 * The narrow driver a dialect executes through (kysely's Driver): one statement at a time on one
 * session, so a transaction is simply BEGIN … COMMIT on it. The vendor SDK stays behind it.
 */
import type { FloeError } from '../util/errors.js';
import type { CompiledStatement } from './compiled-statement.js';

/** Rows (objects keyed by column name), rows changed by DML, and a warehouse query id. */
export interface ExecResult {
  readonly rows: readonly Readonly<Record<string, unknown>>[];
  readonly rowsChanged: number;
  readonly queryId?: string;
}

export interface ExecOptions {
  readonly signal?: AbortSignal;
  /** A statement-level tag (Snowflake QUERY_TAG). */
  readonly tag?: string;
}

/** Where a failure happened, for the message and the error details. */
export interface ErrorContext {
  readonly endpoint?: string;
  readonly table?: string;
  /** What floe was doing, e.g. `COPY INTO`. */
  readonly step: string;
  readonly file?: string;
  readonly firstError?: string;
}

export interface Driver {
  execute(statement: CompiledStatement, opts?: ExecOptions): Promise<ExecResult>;
  /** A failure of `ctx.step` as a FloeError (kind decides whether the runner retries). */
  error(e: unknown, code: FloeError['code'], ctx: ErrorContext): FloeError;
  /** Called before each destination operation (Snowflake: reconnect if the session died). */
  beforeOperation?(): Promise<void>;
  close(): Promise<void>;
}
