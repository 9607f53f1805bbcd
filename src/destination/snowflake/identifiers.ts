/**
 * floe's one identifier policy for Snowflake: every name is UPPER-CASED and always double-quoted,
 * so it is stored exactly as Snowflake would store the same name written unquoted, and users query
 * `select created_at from orders` without quotes. Config names (database, schema, stage) follow
 * the same rule, except that a value written with double quotes (`'"MyDb"'`) is kept exactly.
 */
import { createHash } from 'node:crypto';
import { FloeError } from '../../util/errors.js';
import type { NamePolicy } from '../dialect.js';

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

/** A Snowflake string literal: Snowflake reads backslash escapes, so backslashes are doubled too. */
export function literal(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

/**
 * A stage path segment from a run id or table name: anything outside `[A-Za-z0-9_.-]` is replaced,
 * and a short hash keeps altered names distinct.
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
 * Whether JavaScript's upper-casing of `name` is the one Snowflake applies when matching names
 * case-insensitively (MATCH_BY_COLUMN_NAME). JavaScript uses full case mapping (`ß` → `SS`, `ﬁ` →
 * `FI`) and context rules (`ς`, dotless `ı`, dotted `İ`); a one-to-one mapping is what both agree
 * on. Where they differ, the Parquet field would not match the column and load as NULL, silently.
 */
export function foldsSafely(name: string): boolean {
  for (const ch of name) {
    if (ch.charCodeAt(0) < 128) continue;
    const up = ch.toUpperCase();
    const low = ch.toLowerCase();
    if ([...up].length !== 1 || [...low].length !== 1) return false;
    if (up.toLowerCase() !== low) return false;
  }
  return true;
}

export const snowflakeNames: NamePolicy = {
  stored: storedName,
  quote,
  literal,
  collisionKey: storedName,
  checkColumn(table, name) {
    if (!foldsSafely(name)) {
      throw new FloeError(
        'SCHEMA_MISMATCH',
        'terminal',
        `table ${table}: column "${name}" upper-cases differently in JavaScript (${JSON.stringify(name.toUpperCase())}) and Snowflake, ` +
          `so COPY … MATCH_BY_COLUMN_NAME would load it as NULL; rename it with columns.rename`,
        { details: { table, column: name } },
      );
    }
  },
};
