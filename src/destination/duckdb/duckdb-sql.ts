import type { Column, LogicalType } from '../../types.js';

/**
 * Pure SQL for the DuckDB destination: every function returns a frozen `{ sql, binds }` and does
 * no I/O, so it is unit-tested as text and executed for real by the destination's tests.
 */
export interface Statement {
  readonly sql: string;
  readonly binds: readonly (string | number | boolean | null)[];
}

function stmt(sql: string, binds: Statement['binds'] = []): Statement {
  return Object.freeze({ sql, binds: Object.freeze([...binds]) });
}

/** Quotes an identifier; DuckDB keeps the spelling (and matches it case-insensitively). */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function qualified(schema: string, table: string): string {
  return `${ident(schema)}.${ident(table)}`;
}

function literal(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

export const DUCKDB_TYPES: Record<LogicalType, string> = {
  string: 'VARCHAR',
  json: 'VARCHAR',
  integer: 'INTEGER',
  long: 'BIGINT',
  decimal: 'DECIMAL(38,0)',
  null: 'VARCHAR',
  float: 'FLOAT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMPTZ',
  date: 'DATE',
  binary: 'BLOB',
};

const DECIMAL = 'DECIMAL(38,0)';
const NUMERIC_RANK: Record<string, number> = { INTEGER: 1, BIGINT: 2, [DECIMAL]: 2.5, FLOAT: 3, DOUBLE: 4 };

/**
 * The narrowest type both values fit in: numbers widen within numbers (INTEGER < BIGINT <
 * DECIMAL(38,0), INTEGER < BIGINT < DOUBLE), anything else that differs becomes VARCHAR, which
 * every value can be cast to — as does DECIMAL(38,0) with a float type, which holds neither
 * exactly.
 */
export function widenSqlType(a: string, b: string): string {
  const x = normalizeSqlType(a);
  const y = normalizeSqlType(b);
  if (x === y) return x;
  const rx = NUMERIC_RANK[x];
  const ry = NUMERIC_RANK[y];
  if (rx !== undefined && ry !== undefined) {
    if ((x === DECIMAL && ry >= 3) || (y === DECIMAL && rx >= 3)) return 'VARCHAR';
    // FLOAT with an integer type loses integer precision; DOUBLE keeps 53 bits.
    return rx >= 3 || ry >= 3 ? 'DOUBLE' : rx > ry ? x : y;
  }
  if ((x === 'DATE' && y === 'TIMESTAMPTZ') || (x === 'TIMESTAMPTZ' && y === 'DATE')) return 'TIMESTAMPTZ';
  return 'VARCHAR';
}

/** DuckDB reports some types by other names (`TIMESTAMP WITH TIME ZONE`, `INT64`…). */
export function normalizeSqlType(t: string): string {
  const u = t.toUpperCase();
  switch (u) {
    case 'TIMESTAMP WITH TIME ZONE':
      return 'TIMESTAMPTZ';
    case 'INT':
    case 'INT4':
    case 'INT32':
      return 'INTEGER';
    case 'INT8':
    case 'INT64':
    case 'LONG':
      return 'BIGINT';
    case 'REAL':
    case 'FLOAT4':
      return 'FLOAT';
    case 'FLOAT8':
      return 'DOUBLE';
    case 'BOOL':
      return 'BOOLEAN';
    case 'TEXT':
    case 'STRING':
      return 'VARCHAR';
    case 'HUGEINT':
    case 'INT128':
    case 'DECIMAL(38, 0)':
      return DECIMAL;
    default:
      return u;
  }
}

export function bookkeeping(schema: string, template: string): Statement[] {
  return [stmt(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`)].concat(
    template
      .replaceAll('{{schema}}', ident(schema))
      .split(';')
      .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
      .filter(Boolean)
      .map((s) => stmt(s)),
  );
}

export function tableColumns(schema: string, table: string): Statement {
  return stmt(
    `SELECT column_name, data_type FROM information_schema.columns ` +
      `WHERE table_schema = $1 AND lower(table_name) = lower($2) ORDER BY ordinal_position`,
    [schema, table],
  );
}

export function createTable(schema: string, table: string, columns: readonly { name: string; sqlType: string }[]): Statement {
  const cols = columns.map((c) => `${ident(c.name)} ${c.sqlType}`).join(', ');
  return stmt(`CREATE TABLE ${qualified(schema, table)} (${cols})`);
}

export function addColumn(schema: string, table: string, name: string, sqlType: string): Statement {
  return stmt(`ALTER TABLE ${qualified(schema, table)} ADD COLUMN ${ident(name)} ${sqlType}`);
}

export function alterColumnType(schema: string, table: string, name: string, sqlType: string): Statement {
  return stmt(`ALTER TABLE ${qualified(schema, table)} ALTER COLUMN ${ident(name)} TYPE ${sqlType}`);
}

function readParquet(files: readonly string[], extra = ''): string {
  return `read_parquet([${files.map(literal).join(', ')}], union_by_name = true${extra})`;
}

function columnList(columns: readonly Column[]): string {
  return columns.map((c) => ident(c.name)).join(', ');
}

/** Appends every staged row; columns are matched by name, absent ones stay NULL. */
export function insertFromFiles(schema: string, table: string, columns: readonly Column[], files: readonly string[]): Statement {
  const cols = columnList(columns);
  return stmt(`INSERT INTO ${qualified(schema, table)} (${cols}) SELECT ${cols} FROM ${readParquet(files)}`);
}

export function deleteAll(schema: string, table: string): Statement {
  return stmt(`DELETE FROM ${qualified(schema, table)}`);
}

/**
 * Deduplicated staged rows for merge: per key, the row written last (highest file, then row
 * number) wins, so duplicates within a batch resolve deterministically instead of failing.
 */
export function createMergeSource(
  tempTable: string,
  columns: readonly Column[],
  files: readonly string[],
  primaryKey: readonly string[],
): Statement {
  const cols = columnList(columns);
  const key = primaryKey.map(ident).join(', ');
  return stmt(
    `CREATE OR REPLACE TEMP TABLE ${ident(tempTable)} AS SELECT ${cols} FROM ${readParquet(files, ', filename = true, file_row_number = true')} ` +
      `QUALIFY row_number() OVER (PARTITION BY ${key} ORDER BY filename DESC, file_row_number DESC) = 1`,
  );
}

/** Delete-then-insert upsert: a matched row is replaced whole, as a MERGE that updates every column. */
export function mergeFromTemp(
  schema: string,
  table: string,
  tempTable: string,
  columns: readonly Column[],
  primaryKey: readonly string[],
): Statement[] {
  const target = qualified(schema, table);
  const match = primaryKey.map((k) => `t.${ident(k)} IS NOT DISTINCT FROM s.${ident(k)}`).join(' AND ');
  const cols = columnList(columns);
  return [
    stmt(`DELETE FROM ${target} t WHERE EXISTS (SELECT 1 FROM ${ident(tempTable)} s WHERE ${match})`),
    stmt(`INSERT INTO ${target} (${cols}) SELECT ${cols} FROM ${ident(tempTable)}`),
  ];
}

/** Non-NULL values in one column, as `n`. */
export function countValues(schema: string, table: string, column: string): Statement {
  return stmt(`SELECT count(${ident(column)})::BIGINT AS n FROM ${qualified(schema, table)}`);
}

export function countRows(table: string): Statement {
  return stmt(`SELECT count(*)::BIGINT AS n FROM ${ident(table)}`);
}

export function dropTemp(tempTable: string): Statement {
  return stmt(`DROP TABLE IF EXISTS ${ident(tempTable)}`);
}

export function ledgerSelect(schema: string, runId: string, endpoint: string): Statement {
  return stmt(
    `SELECT run_id, endpoint, table_name, files, rows, status, started_at::VARCHAR AS started_at, finished_at::VARCHAR AS finished_at ` +
      `FROM ${qualified(schema, '_floe_loads')} WHERE run_id = $1 AND endpoint = $2`,
    [runId, endpoint],
  );
}

export function ledgerInsert(
  schema: string,
  e: { runId: string; endpoint: string; table: string; files: number; rows: number; startedAt: string; finishedAt: string },
): Statement {
  return stmt(
    `INSERT INTO ${qualified(schema, '_floe_loads')} (run_id, endpoint, table_name, files, rows, status, started_at, finished_at) ` +
      `VALUES ($1, $2, $3, $4, $5, 'committed', $6::TIMESTAMPTZ, $7::TIMESTAMPTZ)`,
    [e.runId, e.endpoint, e.table, e.files, e.rows, e.startedAt, e.finishedAt],
  );
}

export function stateSelect(schema: string, endpoint: string): Statement {
  return stmt(`SELECT state FROM ${qualified(schema, '_floe_state')} WHERE endpoint = $1`, [endpoint]);
}

export function stateUpsert(schema: string, endpoint: string, stateJson: string, runId: string | null, at: string): Statement {
  return stmt(
    `INSERT OR REPLACE INTO ${qualified(schema, '_floe_state')} (endpoint, state, run_id, updated_at) VALUES ($1, $2, $3, $4::TIMESTAMPTZ)`,
    [endpoint, stateJson, runId, at],
  );
}

export function stateDelete(schema: string, endpoint: string): Statement {
  return stmt(`DELETE FROM ${qualified(schema, '_floe_state')} WHERE endpoint = $1`, [endpoint]);
}
