/**
 * floe's one identifier case policy for Snowflake: every name is UPPER-CASED and always
 * double-quoted, so it is stored exactly as Snowflake would store the same name written unquoted,
 * and users query `select created_at from orders` without quotes. Config names (database, schema,
 * stage) follow the same rule, except that a value written with double quotes (`'"MyDb"'`) is kept
 * exactly, which is how Snowflake users already spell case-sensitive names.
 */
import { createHash } from 'node:crypto';
import { FloeError } from '../../util/errors.js';

/** The stored form of a data name (table or column): upper case. */
export function storedName(name: string): string {
  return name.toUpperCase();
}

/** The stored form of a config name: `"Quoted"` stays as written, anything else is upper-cased. */
export function storedConfigName(name: string): string {
  const m = /^"(.*)"$/.exec(name);
  return m ? (m[1] as string).replaceAll('""', '"') : name.toUpperCase();
}

/** A stored name as a SQL identifier. */
export function quote(stored: string): string {
  return `"${stored.replaceAll('"', '""')}"`;
}

/** A fully qualified object name, e.g. `"RAW"."REST_API"."ORDERS"`. */
export function qualified(database: string, schema: string, name: string): string {
  return `${quote(database)}.${quote(schema)}.${quote(name)}`;
}

/**
 * A stage path segment from a run id or table name. Stage paths are written unquoted in PUT/COPY,
 * so anything outside `[A-Za-z0-9_.-]` is replaced, and a short hash keeps altered names distinct.
 */
export function pathSegment(value: string): string {
  const safe = value.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '_');
  if (safe === value && safe.length <= 120) return safe;
  return `${safe.slice(0, 100)}-${shortHash(value)}`;
}

/** An upper-case hex prefix of SHA-256, for short deterministic names. */
export function shortHash(value: string, length = 10): string {
  return createHash('sha256').update(value).digest('hex').slice(0, length).toUpperCase();
}

/**
 * Fails when two source columns fold to the same stored name (`userId` and `userid`): Snowflake
 * would keep one, and a load must never silently drop a column.
 */
export function assertNoCaseCollisions(table: string, columns: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const c of columns) {
    const s = storedName(c);
    const prev = seen.get(s);
    if (prev !== undefined && prev !== c) {
      throw new FloeError(
        'SCHEMA_MISMATCH',
        'terminal',
        `table ${table}: columns "${prev}" and "${c}" both become ${s} in Snowflake (names are upper-cased); rename one with columns.rename`,
        { details: { table } },
      );
    }
    seen.set(s, c);
  }
}

/** Names starting with this prefix are floe's own (ledger, state, staging, metadata columns). */
export const RESERVED_PREFIX = '_FLOE_';
