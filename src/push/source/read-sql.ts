/**
 * Pure SQL for reading an output's rows. DuckDB: the rows are numbered once into a temp table in
 * key order (ties broken by the row's text, so the order is total) and read back in pages by that
 * number. Snowflake: one SELECT (the driver returns the whole result), ordered client-side.
 * Values always travel as binds; names are quoted.
 */
import type { RowOrigin } from './row-reader.js';

export type Bind = bigint | number | string | boolean | null;

export interface ReadStatement {
  readonly sql: string;
  readonly binds: readonly Bind[];
}

/** Temp table holding one push's numbered rows (DuckDB). */
export const SNAPSHOT_TABLE = '_floe_push_rows';
/** Row number column of the snapshot. */
export const ROW_NUMBER = '_floe_rn';

export function duckIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function duckLiteral(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** What a DuckDB read selects from. */
export function duckFrom(origin: RowOrigin, schema: string): string {
  switch (origin.kind) {
    case 'table':
      return `${duckIdent(schema)}.${duckIdent(origin.table)}`;
    case 'query':
      return `(${origin.query})`;
    case 'file':
      return origin.format === 'parquet'
        ? `read_parquet(${duckLiteral(origin.file)})`
        : `read_json(${duckLiteral(origin.file)}, format = 'newline_delimited')`;
  }
}

/** Numbers the rows to push, in key order, into the snapshot table. */
export function duckSnapshot(from: string, key: readonly string[], cursor: string | undefined, since: Bind | undefined): ReadStatement {
  const order = [...key.map((k) => `_floe_src.${duckIdent(k)}`), 'CAST(_floe_src AS VARCHAR)'].join(', ');
  const where = cursor !== undefined && since !== undefined ? ` WHERE _floe_src.${duckIdent(cursor)} >= ?` : '';
  return {
    sql: `CREATE OR REPLACE TEMP TABLE ${SNAPSHOT_TABLE} AS SELECT _floe_src.*, row_number() OVER (ORDER BY ${order}) AS ${ROW_NUMBER} FROM ${from} AS _floe_src${where}`,
    binds: where ? [since ?? null] : [],
  };
}

/** Column names and types of the rows. */
export function duckDescribe(from: string): ReadStatement {
  return { sql: `DESCRIBE SELECT * FROM ${from} AS _floe_src`, binds: [] };
}

/** The page of rows after row number `after`. */
export function duckPage(after: number, limit: number): ReadStatement {
  return {
    sql: `SELECT * EXCLUDE (${ROW_NUMBER}) FROM ${SNAPSHOT_TABLE} WHERE ${ROW_NUMBER} > ? ORDER BY ${ROW_NUMBER} LIMIT ${Math.trunc(limit)}`,
    binds: [after],
  };
}

export function duckDropSnapshot(): ReadStatement {
  return { sql: `DROP TABLE IF EXISTS ${SNAPSHOT_TABLE}`, binds: [] };
}

/** Snowflake's stored form of an unquoted name (floe's case policy: upper case, always quoted). */
export function sfIdent(name: string): string {
  return `"${name.toUpperCase().replaceAll('"', '""')}"`;
}

/** The Snowflake read: the table (qualified) or the query, filtered by the cursor. */
export function sfSelect(origin: RowOrigin, qualifiedTable: (table: string) => string, cursor: string | undefined, since: Bind | undefined): ReadStatement {
  let from: string;
  switch (origin.kind) {
    case 'table':
      from = qualifiedTable(origin.table);
      break;
    case 'query':
      from = `(${origin.query})`;
      break;
    case 'file':
      throw new Error('files are read with DuckDB');
  }
  const where = cursor !== undefined && since !== undefined ? ` WHERE ${sfIdent(cursor)} >= ?` : '';
  return { sql: `SELECT * FROM ${from} AS "_FLOE_SRC"${where}`, binds: where ? [since ?? null] : [] };
}
