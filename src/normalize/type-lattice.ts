/**
 * The lattice of inferred column types, and the conversions that go with widening.
 *
 * Inference only ever produces `long`, `double`, `boolean`, `json` and `string` (strings are
 * never sniffed for numbers or dates: `"02108"` stays a string). The order is
 *
 * ```
 *            string
 *              │
 *             json
 *            ╱    ╲
 *        double   boolean
 *           │
 *         long
 * ```
 *
 * and a column's type is the join (least upper bound) of every value it has seen, so the result
 * does not depend on the order the values arrive in. Concretely:
 * - long ⊔ double = double;
 * - number ⊔ boolean = json (both are already valid JSON text: `5`, `true`);
 * - anything ⊔ array = json; anything ⊔ string = string.
 *
 * A `json` column holds valid JSON text for every value; a `string` column holds strings as they
 * are and everything else as JSON text. Numbers and booleans have the same text in both, so
 * widening json → string never rewrites a stored value.
 */
import type { LogicalType } from '../types.js';

/** The types inference can produce. */
export type InferredType = 'long' | 'double' | 'boolean' | 'json' | 'string';

/** 2^63: integers at or beyond it do not fit Int64, so they are inferred as double. */
const INT64_LIMIT = 9223372036854775808;

/** True when a JSON number is an integer that fits a signed 64-bit column. */
export function fitsLong(v: number): boolean {
  return Number.isInteger(v) && v >= -INT64_LIMIT && v < INT64_LIMIT;
}

/**
 * The inferred type of one non-null, non-object value (objects flatten into child columns and
 * never reach a leaf column).
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
      // Arrays, and anything exotic a non-JSON source hands us (bigint, Date, …), are kept as text.
      return 'json';
  }
}

/** The least upper bound of two inferred types. */
export function joinTypes(a: InferredType, b: InferredType): InferredType {
  if (a === b) return a;
  if (a === 'string' || b === 'string') return 'string';
  if (a === 'json' || b === 'json') return 'json';
  if ((a === 'long' && b === 'double') || (a === 'double' && b === 'long')) return 'double';
  return 'json'; // a number meets a boolean
}

/** JSON text of any value; `undefined` (not JSON) and functions become `null` text. */
export function toJsonText(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'bigint') return v.toString();
  return JSON.stringify(v) ?? 'null';
}

/**
 * Converts a raw (non-null, non-object) record value to what a column of inferred type `type`
 * stores. The caller guarantees `inferType(v) ⊑ type`.
 */
export function toInferred(v: unknown, type: InferredType): unknown {
  switch (type) {
    case 'long':
    case 'double':
    case 'boolean':
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
  if (from === to || (from === 'long' && to === 'double')) return; // JS numbers either way
  if (from === 'json') return; // json → string: the stored text is already the string form
  for (let r = 0; r < rows; r++) {
    const v = values[r];
    if (v !== null && v !== undefined) values[r] = toJsonText(v);
  }
}

/** True for the types inference produces (declared-only types are excluded). */
export function isInferredType(t: LogicalType): t is InferredType {
  return t === 'long' || t === 'double' || t === 'boolean' || t === 'json' || t === 'string';
}
