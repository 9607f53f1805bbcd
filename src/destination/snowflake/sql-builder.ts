/**
 * The pure SQL builder for floe's bookkeeping on Snowflake: session setup, the schema/stage/ledger/
 * state DDL, and the ledger and state reads and writes. Every function returns a frozen
 * `{ sql, binds }`; values always travel as binds, never spliced into SQL text.
 */
import { qualified, quote } from './identifiers.js';

/** A positional bind value (`?`). */
export type Bind = string | number | boolean | null;

/** A statement and its binds; always frozen. */
export interface Sql {
  readonly sql: string;
  readonly binds: readonly Bind[];
}

/** Builds a frozen statement. */
export function sql(text: string, binds: readonly Bind[] = []): Sql {
  return Object.freeze({ sql: text, binds: Object.freeze([...binds]) });
}

/** Stored (already case-folded) names of where floe writes. */
export interface Target {
  readonly database: string;
  readonly schema: string;
  readonly stage: string;
}

/** The loads ledger table. */
export const LEDGER_TABLE = '_FLOE_LOADS';
/** The endpoint state table. */
export const STATE_TABLE = '_FLOE_STATE';

/** Snowflake format for the ISO-8601 instants floe writes and reads back (UTC, milliseconds). */
export const TIMESTAMP_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.FF3TZH:TZM';

/** A Snowflake string literal: Snowflake reads backslash escapes, so backslashes are doubled too. */
export function literal(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

/** `2026-01-01T00:00:00.000+00:00` for an epoch-millisecond instant. */
export function isoInstant(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}

const ts = (placeholder = '?'): string => `TO_TIMESTAMP_TZ(${placeholder}, ${literal(TIMESTAMP_FORMAT)})`;
const tsText = (column: string): string =>
  `TO_VARCHAR(${quote(column)}, ${literal(TIMESTAMP_FORMAT)}) AS ${quote(column)}`;

/** A name qualified with the target database and schema. */
export function objectName(t: Target, name: string): string {
  return qualified(t.database, t.schema, name);
}

/**
 * Session settings: instants in UTC (Parquet timestamps load in the session time zone), and a
 * crashed loader's running statement is aborted rather than left burning credits.
 */
export function alterSession(): Sql {
  return sql(`ALTER SESSION SET TIMEZONE = 'UTC' ABORT_DETACHED_QUERY = TRUE`);
}

/** The target schema, if missing. */
export function createSchema(t: Target): Sql {
  return sql(`CREATE SCHEMA IF NOT EXISTS ${quote(t.database)}.${quote(t.schema)}`);
}

/** floe's named internal stage, if missing (no properties: COPY names its file format). */
export function createStage(t: Target): Sql {
  return sql(`CREATE STAGE IF NOT EXISTS ${objectName(t, t.stage)}`);
}

/** The loads ledger: one row per committed (run, endpoint), written in the data's transaction. */
export function createLedger(t: Target): Sql {
  return sql(
    `CREATE TABLE IF NOT EXISTS ${objectName(t, LEDGER_TABLE)} (` +
      `"RUN_ID" VARCHAR NOT NULL, "ENDPOINT" VARCHAR NOT NULL, "TABLE_NAME" VARCHAR NOT NULL, ` +
      `"WRITE_DISPOSITION" VARCHAR NOT NULL, "FILE_COUNT" NUMBER(38,0) NOT NULL, "ROW_COUNT" NUMBER(38,0) NOT NULL, ` +
      `"STATUS" VARCHAR NOT NULL, "STARTED_AT" TIMESTAMP_TZ(3) NOT NULL, "FINISHED_AT" TIMESTAMP_TZ(3) NOT NULL)`,
  );
}

/** Endpoint state (e.g. incremental cursors) as JSON text, one row per endpoint. */
export function createState(t: Target): Sql {
  return sql(
    `CREATE TABLE IF NOT EXISTS ${objectName(t, STATE_TABLE)} (` +
      `"ENDPOINT" VARCHAR NOT NULL, "VALUE" VARCHAR NOT NULL, "RUN_ID" VARCHAR, "UPDATED_AT" TIMESTAMP_TZ(3) NOT NULL)`,
  );
}

/** The committed ledger row of (run id, endpoint), instants as ISO text. */
export function selectLedgerEntry(t: Target, runId: string, endpoint: string): Sql {
  return sql(
    `SELECT "RUN_ID", "ENDPOINT", "TABLE_NAME", "FILE_COUNT", "ROW_COUNT", "STATUS", ${tsText('STARTED_AT')}, ${tsText('FINISHED_AT')} ` +
      `FROM ${objectName(t, LEDGER_TABLE)} WHERE "RUN_ID" = ? AND "ENDPOINT" = ? AND "STATUS" = 'committed' ` +
      `ORDER BY "FINISHED_AT" DESC LIMIT 1`,
    [runId, endpoint],
  );
}

/** A ledger row to write; instants in epoch milliseconds. */
export interface LedgerRow {
  readonly runId: string;
  readonly endpoint: string;
  readonly table: string;
  readonly writeDisposition: string;
  readonly files: number;
  readonly rows: number;
  readonly startedAt: number;
  readonly finishedAt: number;
}

/** Records a committed load; runs inside the load transaction. */
export function insertLedger(t: Target, e: LedgerRow): Sql {
  return sql(
    `INSERT INTO ${objectName(t, LEDGER_TABLE)} ("RUN_ID", "ENDPOINT", "TABLE_NAME", "WRITE_DISPOSITION", "FILE_COUNT", ` +
      `"ROW_COUNT", "STATUS", "STARTED_AT", "FINISHED_AT") VALUES (?, ?, ?, ?, ?, ?, 'committed', ${ts()}, ${ts()})`,
    [
      e.runId,
      e.endpoint,
      e.table,
      e.writeDisposition,
      e.files,
      e.rows,
      isoInstant(e.startedAt),
      isoInstant(e.finishedAt),
    ],
  );
}

/** An endpoint's state JSON. */
export function selectState(t: Target, endpoint: string): Sql {
  return sql(`SELECT "VALUE" FROM ${objectName(t, STATE_TABLE)} WHERE "ENDPOINT" = ?`, [endpoint]);
}

/** Clears an endpoint's state (before writing the new value). */
export function deleteState(t: Target, endpoint: string): Sql {
  return sql(`DELETE FROM ${objectName(t, STATE_TABLE)} WHERE "ENDPOINT" = ?`, [endpoint]);
}

/** Writes an endpoint's state JSON. */
export function insertState(
  t: Target,
  endpoint: string,
  valueJson: string,
  runId: string | null,
  at: number,
): Sql {
  return sql(
    `INSERT INTO ${objectName(t, STATE_TABLE)} ("ENDPOINT", "VALUE", "RUN_ID", "UPDATED_AT") VALUES (?, ?, ?, ${ts()})`,
    [endpoint, valueJson, runId, isoInstant(at)],
  );
}

/** The table's columns in order; no rows means the table does not exist. */
export function selectColumns(t: Target, table: string): Sql {
  return sql(
    `SELECT "COLUMN_NAME", "DATA_TYPE" FROM ${quote(t.database)}.INFORMATION_SCHEMA.COLUMNS ` +
      `WHERE "TABLE_SCHEMA" = ? AND "TABLE_NAME" = ? ORDER BY "ORDINAL_POSITION"`,
    [t.schema, table],
  );
}

/** Transaction control. */
export const begin = (): Sql => sql('BEGIN');
export const commit = (): Sql => sql('COMMIT');
export const rollback = (): Sql => sql('ROLLBACK');

/**
 * The statement-level QUERY_TAG: JSON so it can be queried in QUERY_HISTORY
 * (`PARSE_JSON(query_tag):run_id`), capped at Snowflake's 2000 characters.
 */
export function queryTag(tag: string | undefined, runId?: string, endpoint?: string): string {
  const clip = (s: string | undefined): string | undefined => (s === undefined ? undefined : s.slice(0, 500));
  return JSON.stringify({ app: 'floe', tag: clip(tag), run_id: clip(runId), endpoint: clip(endpoint) }).slice(
    0,
    2000,
  );
}
