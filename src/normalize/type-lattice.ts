/**
 * The lattice of inferred column types, and the conversions that go with widening.
 *
 * ```
 *                      string
 *               ┌────────┴──────────┐
 *              json             timestamp
 *       ┌───────┼────────┐          │
 *    double  boolean  decimal      date
 *       └───────┬────────┘
 *              long            (null below everything)
 * ```
 *
 * A column's type is the join (least upper bound) of every value it has seen, so the result does
 * not depend on the order the values arrive in:
 * - null ⊔ x = x: a field that was only ever null has a column of type `null` until a value comes;
 * - long ⊔ double = double; long ⊔ decimal = decimal; decimal ⊔ double = json (neither holds the
 *   other exactly, and JSON text holds both);
 * - number ⊔ boolean = json (both are already valid JSON text: `5`, `true`);
 * - date ⊔ timestamp = timestamp; a timestamp or date meeting any other value = string (they are
 *   strings in the source);
 * - anything ⊔ array = json; anything ⊔ string = string.
 *
 * A `json` column holds valid JSON text for every value; a `string` column holds strings as they
 * are and everything else as JSON text. Numbers and booleans have the same text in both, so
 * widening json → string never rewrites a stored value.
 */
import type { LogicalType } from '../types.js';
import { ExactNumber, exactJsonText } from '../util/exact-number.js';

/** The types inference can produce. */
export type InferredType =
  'null' | 'long' | 'decimal' | 'double' | 'boolean' | 'timestamp' | 'date' | 'json' | 'string';

/** 2^63: integers at or beyond it do not fit Int64, so they are inferred as double. */
const INT64_LIMIT = 9223372036854775808;

/** True when a JSON number is an integer that fits a signed 64-bit column. */
export function fitsLong(v: number): boolean {
  return Number.isInteger(v) && v >= -INT64_LIMIT && v < INT64_LIMIT;
}

/**
 * The inferred type of one non-null, non-object value (objects flatten into child columns and
 * never reach a leaf column). Strings are `string` here; timestamp inference is a separate step
 * (iso-time.ts), so this stays cheap.
 */
export function inferType(v: unknown): InferredType {
  switch (typeof v) {
    case 'number':
      return fitsLong(v) ? 'long' : 'double';
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'string';
    default:
      if (v instanceof ExactNumber) return v.kind;
      // Arrays, and anything exotic a non-JSON source hands us (bigint, Date, …), are kept as text.
      return 'json';
  }
}

const NUMERIC = new Set<InferredType>(['long', 'decimal', 'double']);

/** The least upper bound of two inferred types. */
export function joinTypes(a: InferredType, b: InferredType): InferredType {
  if (a === b) return a;
  if (a === 'null') return b;
  if (b === 'null') return a;
  if (a === 'string' || b === 'string') return 'string';
  const ta = a === 'timestamp' || a === 'date';
  const tb = b === 'timestamp' || b === 'date';
  if (ta && tb) return 'timestamp';
  if (ta || tb) return 'string';
  if (a === 'json' || b === 'json') return 'json';
  if (NUMERIC.has(a) && NUMERIC.has(b)) {
    if (a === 'double' || b === 'double') return a === 'decimal' || b === 'decimal' ? 'json' : 'double';
    return 'decimal';
  }
  return 'json'; // a number meets a boolean
}

/** JSON text of any value; `undefined` (not JSON) and functions become `null` text. */
export function toJsonText(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof ExactNumber) return v.text;
  return exactJsonText(v);
}

/**
 * Converts a raw (non-null, non-object) record value to what a column of inferred type `type`
 * stores. The caller guarantees `inferType(v) ⊑ type`; timestamp and date columns get their
 * values converted by the caller (see iso-time.ts).
 */
export function toInferred(v: unknown, type: InferredType): unknown {
  switch (type) {
    case 'long':
    case 'decimal':
      return v instanceof ExactNumber ? v.big : v;
    case 'double':
    case 'boolean':
    case 'timestamp':
    case 'date':
    case 'null':
      return v;
    case 'string':
      return typeof v === 'string' ? v : toJsonText(v);
    case 'json':
      return toJsonText(v);
  }
}

/**
 * Rewrites a column's stored values in place after it widened from `from` to `to`, so the rows
 * already in the current batch match the batch's (new) type. Only the first `rows` entries are
 * live.
 */
export function widenStored(values: unknown[], rows: number, from: InferredType, to: InferredType): void {
  if (from === to || from === 'null') return;
  // Numbers (and bigints) stay as they are between long, decimal and double; text stays text.
  if (to === 'double' || to === 'decimal' || to === 'timestamp') return;
  if (from === 'json') return; // json → string: the stored text is already the string form
  if (to === 'string' && (from === 'timestamp' || from === 'date')) return; // already text
  for (let r = 0; r < rows; r++) {
    const v = values[r];
    if (v !== null && v !== undefined) values[r] = toJsonText(v);
  }
}

/** True for the types inference produces (declared-only types are excluded). */
export function isInferredType(t: LogicalType): t is InferredType {
  return (
    t === 'null' ||
    t === 'long' ||
    t === 'decimal' ||
    t === 'double' ||
    t === 'boolean' ||
    t === 'timestamp' ||
    t === 'date' ||
    t === 'json' ||
    t === 'string'
  );
}
