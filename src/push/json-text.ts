import { createHash } from 'node:crypto';

/**
 * Rows leave the warehouse as JSON text, once: that text is spooled, hashed into batch ids and
 * sent, so a re-sent batch is byte-for-byte the batch first sent.
 */

/** A value as a warehouse driver returns it, made ready for JSON (bigints kept exact). */
export type JsonReady = null | boolean | number | bigint | string | JsonReady[] | { [k: string]: JsonReady };

/**
 * Converts a driver value: `Date` → ISO-8601 UTC (a DATE → `YYYY-MM-DD`), bytes → base64,
 * non-finite numbers → null (JSON has none), nested lists and structs recursively. `sqlType` is
 * the column's declared type where the driver reports one (DuckDB `DESCRIBE`), to tell DATE
 * from TIMESTAMP.
 */
export function jsonReady(value: unknown, sqlType?: string): JsonReady {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'bigint':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'object':
      break;
    default:
      return null; // functions and symbols: never in a row
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return null;
    return sqlType === 'DATE' || isSnowflakeDate(value) ? value.toISOString().slice(0, 10) : value.toISOString();
  }
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (Array.isArray(value)) return value.map((v) => jsonReady(v));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    // Driver-specific scalars (intervals, times, decimals with their own class): their text form.
    const json = (value as { toJSON?: () => unknown }).toJSON?.();
    if (typeof json === 'string') return json;
    const toString = (value as { toString?: () => string }).toString;
    if (typeof toString === 'function' && toString !== Object.prototype.toString) return toString.call(value);
  }
  return jsonPlain(value);
}

/** snowflake-sdk returns DATE and TIMESTAMP values as Dates that carry their output format. */
function isSnowflakeDate(d: Date): boolean {
  const format = (d as Date & { getFormat?: () => unknown }).getFormat?.();
  return typeof format === 'string' && !/HH|MI|SS/i.test(format);
}

function jsonPlain(value: object): { [k: string]: JsonReady } {
  const out: { [k: string]: JsonReady } = {};
  for (const [k, v] of Object.entries(value)) out[k] = jsonReady(v);
  return out;
}

/** JSON text of a value; bigints are written as exact JSON numbers (JSON.stringify cannot). */
export function jsonText(value: JsonReady): string {
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`)
    .join(',')}}`;
}

/**
 * A stored cursor (JSON text) back as a value to bind: integers stay exact (bigint beyond 2^53),
 * other numbers are numbers, strings are strings.
 */
export function cursorValue(text: string): bigint | number | string | boolean | null {
  if (/^-?\d+$/.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : BigInt(text);
  }
  const v = JSON.parse(text) as unknown;
  return typeof v === 'object' && v !== null ? text : (v as number | string | boolean | null);
}

/** A short content hash (64 bits, hex): identifies a row at the incremental boundary. */
export function rowHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** Orders cursor values as the warehouse does: numbers numerically, text by code unit. */
export function compareCursor(a: JsonReady, b: JsonReady): number {
  const num = (v: JsonReady): bigint | number | undefined =>
    typeof v === 'number' || typeof v === 'bigint' ? v : undefined;
  const x = num(a);
  const y = num(b);
  if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : 0;
  const s = typeof a === 'string' ? a : jsonText(a);
  const t = typeof b === 'string' ? b : jsonText(b);
  return s < t ? -1 : s > t ? 1 : 0;
}
