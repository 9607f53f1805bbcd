/**
 * DuckDB access for the emulator: running translated SQL with DuckDB errors turned into the
 * Snowflake errors a client would see, plus the catalog lookups statement handlers need.
 */
import type { DuckDBConnection, DuckDBResultReader } from '@duckdb/node-api';
import { SfError } from './sf-error.js';
import { duckString, duckIdent } from './lexer.js';
import type { QualifiedName } from './catalog.js';

export async function run(conn: DuckDBConnection, sql: string): Promise<DuckDBResultReader> {
  try {
    return await conn.runAndReadAll(sql);
  } catch (e) {
    throw toSfError(e);
  }
}

/** Maps a DuckDB error message onto the closest Snowflake error code and sqlState. */
export function toSfError(e: unknown): SfError {
  if (e instanceof SfError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  const first = msg.split('\n')[0] ?? msg;
  if (/^Catalog Error: Table with name (\S+) does not exist/.test(first)) {
    const name = /Table with name (\S+) does not exist/.exec(first)?.[1] ?? '?';
    return new SfError(
      '002003',
      '42S02',
      `SQL compilation error:\nObject '${name}' does not exist or not authorized.`,
    );
  }
  if (first.startsWith('Conversion Error'))
    return new SfError('100038', '22018', first.replace(/^Conversion Error: /, ''));
  if (first.startsWith('Constraint Error') && /NOT NULL/.test(first)) {
    return new SfError('100072', '22000', `NULL result in a non-nullable column`);
  }
  if (first.startsWith('Binder Error'))
    return new SfError('000904', '42000', `SQL compilation error:\n${first}`);
  if (first.startsWith('TransactionContext Error') || first.startsWith('Transaction Error')) {
    return new SfError('000603', '40001', `SQL execution error: ${first}`);
  }
  return new SfError('001003', '42000', `SQL compilation error:\n${first}`);
}

export function duckName(name: QualifiedName): string {
  return name.map(duckIdent).join('.');
}

export async function tableExists(
  conn: DuckDBConnection,
  [db, schema, name]: QualifiedName,
): Promise<boolean> {
  const r = await run(
    conn,
    `SELECT 1 FROM duckdb_tables() WHERE database_name = ${duckString(db)} AND schema_name = ${duckString(schema)} AND table_name = ${duckString(name)}`,
  );
  return r.currentRowCount > 0;
}

export async function schemaExists(conn: DuckDBConnection, db: string, schema: string): Promise<boolean> {
  const r = await run(
    conn,
    `SELECT 1 FROM duckdb_schemas() WHERE database_name = ${duckString(db)} AND schema_name = ${duckString(schema)}`,
  );
  return r.currentRowCount > 0;
}

export interface DuckColumn {
  readonly name: string;
  /** DuckDB type text, e.g. `DECIMAL(38,0)`, `TIMESTAMP WITH TIME ZONE`, `JSON`. */
  readonly type: string;
}

export async function tableColumns(
  conn: DuckDBConnection,
  [db, schema, name]: QualifiedName,
): Promise<DuckColumn[]> {
  const r = await run(
    conn,
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_catalog = ${duckString(db)} AND table_schema = ${duckString(schema)} AND table_name = ${duckString(name)} ORDER BY ordinal_position`,
  );
  return r.getRowsJS().map(([n, t]) => ({ name: asText(n), type: asText(t) }));
}

/** A DuckDB JS value as text, for names and messages. */
export function asText(v: unknown): string {
  return typeof v === 'string'
    ? v
    : typeof v === 'number' || typeof v === 'bigint'
      ? String(v)
      : JSON.stringify(v);
}
