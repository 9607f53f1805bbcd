/**
 * floe's logical types → Snowflake column types, and the widening rules that decide what happens
 * when a column's incoming type differs from the table's. Snowflake can only ALTER a column to a
 * longer VARCHAR or a more precise NUMBER, so any other widening rebuilds the table (see
 * `load-plan.ts`); it never fails silently or truncates.
 *
 * | floe type          | Snowflake column   |
 * |--------------------|--------------------|
 * | string             | VARCHAR            |
 * | json (arrays, …)   | VARCHAR, or VARIANT with `json_columns: variant` |
 * | integer, long, decimal | NUMBER(38,0)   |
 * | null (only nulls so far) | VARCHAR, retyped when values come |
 * | float, double      | FLOAT              |
 * | boolean            | BOOLEAN            |
 * | date               | DATE               |
 * | timestamp          | TIMESTAMP_TZ(6)    |
 * | binary             | BINARY             |
 */
import type { LogicalType } from '../../types.js';
import type { TypeSystem } from '../dialect.js';

/** Snowflake type families as INFORMATION_SCHEMA.COLUMNS.DATA_TYPE reports them, grouped. */
export type Family =
  | 'VARCHAR'
  | 'NUMBER'
  | 'FLOAT'
  | 'BOOLEAN'
  | 'DATE'
  | 'TIMESTAMP'
  | 'BINARY'
  | 'VARIANT'
  | 'OTHER'
  /** Integers beyond 64 bits: NUMBER(38,0) too, but a FLOAT column cannot hold them exactly. */
  | 'DECIMAL'
  /** Only NULLs so far (created VARCHAR): any family holds it, and it takes any family. */
  | 'NULL';

/** How `json` columns are typed (config `json_columns`). */
export type JsonColumns = 'varchar' | 'variant';

/** The family floe creates for a logical type. */
export function familyOf(t: LogicalType, json: JsonColumns): Family {
  switch (t) {
    case 'string':
      return 'VARCHAR';
    case 'json':
      return json === 'variant' ? 'VARIANT' : 'VARCHAR';
    case 'integer':
    case 'long':
      return 'NUMBER';
    case 'decimal':
      return 'DECIMAL';
    case 'null':
      return 'NULL';
    case 'float':
    case 'double':
      return 'FLOAT';
    case 'boolean':
      return 'BOOLEAN';
    case 'date':
      return 'DATE';
    case 'timestamp':
      return 'TIMESTAMP';
    case 'binary':
      return 'BINARY';
  }
}

/** The DDL type floe uses for a family. */
export function ddlType(f: Family): string {
  switch (f) {
    case 'NUMBER':
    case 'DECIMAL':
      return 'NUMBER(38,0)';
    case 'NULL':
      return 'VARCHAR';
    case 'TIMESTAMP':
      return 'TIMESTAMP_TZ(6)';
    case 'OTHER':
      return 'VARCHAR';
    default:
      return f;
  }
}

/** The family of an existing column from INFORMATION_SCHEMA.COLUMNS.DATA_TYPE. */
export function familyOfDataType(dataType: string): Family {
  const t = dataType.toUpperCase().replace(/\(.*$/, '').trim();
  if (t === 'TEXT' || t === 'VARCHAR' || t === 'STRING' || t === 'CHAR') return 'VARCHAR';
  if (t === 'NUMBER' || t === 'DECIMAL' || t === 'NUMERIC' || t === 'INT' || t === 'INTEGER') return 'NUMBER';
  if (t === 'FLOAT' || t === 'REAL' || t === 'DOUBLE') return 'FLOAT';
  if (t === 'BOOLEAN') return 'BOOLEAN';
  if (t === 'DATE') return 'DATE';
  if (t.startsWith('TIMESTAMP')) return 'TIMESTAMP';
  if (t === 'BINARY' || t === 'VARBINARY') return 'BINARY';
  if (t === 'VARIANT' || t === 'OBJECT' || t === 'ARRAY') return 'VARIANT';
  return 'OTHER';
}

/**
 * Whether a column of family `existing` can take values of family `incoming` without loss.
 * VARCHAR and VARIANT take anything; FLOAT takes NUMBER (the stage widens long→double the same
 * way); TIMESTAMP takes DATE. Columns of types floe does not create (TIME, GEOGRAPHY, …) are left
 * alone: the INSERT casts, and Snowflake fails loudly if it cannot.
 */
export function holds(existing: Family, incoming: Family): boolean {
  if (incoming === 'NULL') return true;
  if (existing === 'NULL') return false;
  if (existing === incoming || existing === 'VARCHAR' || existing === 'VARIANT' || existing === 'OTHER')
    return true;
  if ((existing === 'NUMBER' || existing === 'DECIMAL') && (incoming === 'NUMBER' || incoming === 'DECIMAL')) return true;
  if (existing === 'FLOAT' && incoming === 'NUMBER') return true;
  if (existing === 'TIMESTAMP' && incoming === 'DATE') return true;
  return false;
}

/** The narrowest family that holds both; VARCHAR when nothing narrower does. */
export function widen(a: Family, b: Family): Family {
  if (a === 'NULL') return b;
  if (b === 'NULL') return a;
  if (holds(a, b)) return a;
  if (holds(b, a)) return b;
  return 'VARCHAR';
}

/** The type of a column in floe's staging table: JSON stays text there and is parsed on insert. */
export function stagingType(t: LogicalType): string {
  return ddlType(familyOf(t, 'varchar'));
}

/** ISO-8601 with microseconds and offset: what a timestamp becomes as text, whatever the session's formats. */
export const TIMESTAMP_TEXT = 'YYYY-MM-DD"T"HH24:MI:SS.FF6TZH:TZM';

/**
 * A value of family `from` as text. Never `CAST(… AS VARCHAR)`: that follows the session's output
 * formats (TIMESTAMP_OUTPUT_FORMAT drops microseconds, BINARY_OUTPUT_FORMAT may be BASE64), so
 * dates, timestamps and binary get explicit TO_VARCHAR formats.
 */
export function toText(ref: string, from: Family): string {
  switch (from) {
    case 'TIMESTAMP':
      return `TO_VARCHAR(${ref}, '${TIMESTAMP_TEXT}')`;
    case 'DATE':
      return `TO_VARCHAR(${ref}, 'YYYY-MM-DD')`;
    case 'BINARY':
      return `TO_VARCHAR(${ref}, 'HEX')`;
    case 'VARCHAR':
      return ref;
    default:
      return `TO_VARCHAR(${ref})`;
  }
}

/**
 * The expression that converts a staged value (`ref`, of logical type `t`) for a target column of
 * family `target`.
 */
export function convert(ref: string, t: LogicalType, target: Family): string {
  const staged = familyOf(t, 'varchar');
  if (target === 'VARIANT') return t === 'json' ? `PARSE_JSON(${ref})` : `TO_VARIANT(${ref})`;
  if (target === staged || target === 'OTHER') return ref;
  if (target === 'VARCHAR') return toText(ref, staged);
  return `CAST(${ref} AS ${ddlType(target)})`;
}

/** The expression that rewrites an existing column of family `from` as `to` in a table rebuild. */
export function rebuildExpression(ref: string, from: Family, to: Family): string {
  if (to === 'VARIANT') return `TO_VARIANT(${ref})`;
  if (to === 'VARCHAR') return toText(ref, from);
  return `CAST(${ref} AS ${ddlType(to)})`;
}

/** The Snowflake dialect's type system, over families. */
export function snowflakeTypes(json: JsonColumns): TypeSystem {
  return {
    columnType: (t) => ddlType(familyOf(t, json)),
    widen(existing, incoming) {
      const have = familyOfDataType(existing);
      const inc = familyOf(incoming, json);
      return holds(have, inc) ? undefined : ddlType(widen(have, inc));
    },
    convert: (ref, t, target) => convert(ref, t, familyOfDataType(target)),
    rebuild: (ref, from, to) => rebuildExpression(ref, familyOfDataType(from), familyOfDataType(to)),
  };
}
