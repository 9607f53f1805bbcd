/**
 * floe's logical types → DuckDB column types, and the widening rules (the DuckDB dialect's
 * {@link TypeSystem}).
 */
import type { LogicalType } from '../../types.js';
import type { TypeSystem } from '../dialect.js';

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


/**
 * A value of DuckDB type `from` as text. Timestamps become ISO-8601 in UTC with microseconds, the
 * same text Snowflake's explicit TO_VARCHAR format gives, so a DuckDB dry run widens like production.
 */
export function toText(ref: string, from: string): string {
  const t = normalizeSqlType(from);
  if (t === 'TIMESTAMPTZ') return `strftime(CAST(${ref} AS TIMESTAMP), '%Y-%m-%dT%H:%M:%S.%f+00:00')`;
  if (t === 'VARCHAR') return ref;
  return `CAST(${ref} AS VARCHAR)`;
}

/** The DuckDB dialect's type system: DuckDB widens in place (ALTER COLUMN … TYPE … USING) and casts on insert. */
export const duckdbTypes: TypeSystem = {
  columnType: (t) => DUCKDB_TYPES[t],
  widen(existing, incoming) {
    const wide = widenSqlType(existing, DUCKDB_TYPES[incoming]);
    return wide === normalizeSqlType(existing) ? undefined : wide;
  },
  convert: (ref, t, target) => (normalizeSqlType(target) === 'VARCHAR' ? toText(ref, DUCKDB_TYPES[t]) : ref),
  rebuild: (ref, from, to) => (normalizeSqlType(to) === 'VARCHAR' ? toText(ref, from) : `CAST(${ref} AS ${to})`),
};
