/**
 * Converters for columns with a declared type (`endpoints[].schema`). A value either converts or
 * the endpoint fails with `SCHEMA_MISMATCH`: loading a wrong value silently is worse than stopping.
 */
import type { ColumnType } from '../types.js';
import { FloeError } from '../util/errors.js';
import { ExactNumber } from '../util/exact-number.js';
import { toCanonicalDate, toCanonicalTimestamp } from './iso-time.js';
import { toJsonText } from './type-lattice.js';

/** Converts one non-null value; throws `SCHEMA_MISMATCH`. `row` is the 0-based record number. */
export type DeclaredConverter = (v: unknown, row: number) => unknown;

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DIGITS = /^[+-]?\d+$/;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -9223372036854775808n;
const INT64_MAX = 9223372036854775807n;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** A short, printable sample of a bad value for error messages. */
export function sampleOf(v: unknown): string {
  let s: string;
  try {
    s = typeof v === 'string' ? JSON.stringify(v) : toJsonText(v);
  } catch {
    s = String(v);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function parseNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v instanceof ExactNumber) return Number(v.text);
  if (typeof v === 'string') {
    const s = v.trim();
    if (NUMERIC.test(s)) return Number(s);
  }
  return undefined;
}

function toInteger(v: unknown): number | undefined {
  const n = parseNumber(v);
  return n !== undefined && Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX ? n : undefined;
}

/**
 * Longs stay JS numbers; a digit string beyond 2^53 (an id sent as a string to dodge exactly this)
 * becomes a bigint so no digit is lost.
 */
function toLong(v: unknown): number | bigint | undefined {
  if (v instanceof ExactNumber) return v.kind === 'long' ? v.big : undefined;
  if (typeof v === 'string') {
    const s = v.trim();
    if (DIGITS.test(s) && s.replace(/^[+-]?0*/, '').length > 15) {
      const b = BigInt(s);
      if (b < INT64_MIN || b > INT64_MAX) return undefined;
      return Number.isSafeInteger(Number(b)) ? Number(b) : b;
    }
  }
  const n = parseNumber(v);
  return n !== undefined && Number.isInteger(n) && n >= -(2 ** 63) && n < 2 ** 63 ? n : undefined;
}

function toDouble(v: unknown): number | undefined {
  const n = parseNumber(v);
  return n !== undefined && Number.isFinite(n) ? n : undefined;
}

function toFloat(v: unknown): number | undefined {
  const n = toDouble(v);
  return n !== undefined && Number.isFinite(Math.fround(n)) ? n : undefined;
}

function toBoolean(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 1 || v === 0) return v === 1;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'true' || s === '1') return true;
    if (s === 'false' || s === '0') return false;
  }
  return undefined;
}

/** Base64 (standard or URL-safe alphabet, padding optional) → bytes. */
function toBinary(v: unknown): Uint8Array | undefined {
  if (typeof v !== 'string') return undefined;
  if (BASE64.test(v)) return new Uint8Array(Buffer.from(v, 'base64'));
  if (v.length % 4 !== 1 && BASE64URL.test(v)) return new Uint8Array(Buffer.from(v, 'base64url'));
  return undefined;
}

/** Declared string: strings as they are, anything else (objects and arrays too) as JSON text. */
function toText(v: unknown): string {
  return typeof v === 'string' ? v : toJsonText(v);
}

const CONVERTERS: Record<ColumnType, (v: unknown) => unknown> = {
  string: toText,
  integer: toInteger,
  long: toLong,
  float: toFloat,
  double: toDouble,
  boolean: toBoolean,
  timestamp: toCanonicalTimestamp,
  date: toCanonicalDate,
  binary: toBinary,
};

/**
 * The converter for one declared column. The error names the endpoint, the column, the declared
 * type, the record number and a sample of the value.
 */
export function declaredConverter(endpoint: string, column: string, type: ColumnType): DeclaredConverter {
  const convert = CONVERTERS[type];
  return (v, row) => {
    const out = convert(v);
    if (out !== undefined) return out;
    const sample = sampleOf(v);
    throw new FloeError(
      'SCHEMA_MISMATCH',
      'terminal',
      `endpoint "${endpoint}": column "${column}" is declared ${type}, but record ${row} has ${sample}, ` +
        `which cannot be converted to ${type}`,
      { details: { endpoint, column, declared_type: type, sample, record: row } },
    );
  };
}
