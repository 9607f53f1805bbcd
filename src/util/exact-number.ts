/**
 * A JSON number that a JS `number` cannot hold exactly, kept as its source text: an integer beyond
 * ±2^53 (`1234567890123456789`, which `JSON.parse` reads as …768) or a number beyond the double
 * range (`1e400`, which `JSON.parse` reads as Infinity). The source's lossless parse
 * (parse-json-body.ts) creates these only for such numbers; every other number stays a `number`.
 *
 * `kind` says which exact column type can hold it:
 * - `long`: an integer within signed 64 bits (BIGINT), `big` holds it;
 * - `decimal`: an integer of at most 38 digits (DECIMAL(38,0) / NUMBER(38,0)), `big` holds it;
 * - `json`: anything else (wider integers, non-finite numbers): only its text is exact.
 *
 * `String(n)` is the source text, so a cursor or id read from a body goes into the next request
 * unchanged. `JSON.stringify` writes the text as a JSON *string* (JSON has no other way to write a
 * number that JS cannot hold); code that needs the number written as a number uses
 * {@link exactJsonText}.
 */
export class ExactNumber {
  /** Bumped by every `toJSON` call, so a caller can tell whether `JSON.stringify` met one. */
  static serialized = 0;

  readonly text: string;
  readonly kind: 'long' | 'decimal' | 'json';
  readonly big: bigint | undefined;

  constructor(text: string) {
    this.text = text;
    const big = /^-?\d+$/.test(text) ? BigInt(text) : undefined;
    this.big = big;
    if (big === undefined) this.kind = 'json';
    else if (big >= INT64_MIN && big <= INT64_MAX) this.kind = 'long';
    else if ((big < 0n ? -big : big) < DECIMAL38) this.kind = 'decimal';
    else this.kind = 'json';
  }

  toString(): string {
    return this.text;
  }

  toJSON(): string {
    ExactNumber.serialized++;
    return this.text;
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const DECIMAL38 = 10n ** 38n;

/**
 * JSON text of a value that may hold {@link ExactNumber}s or bigints, with those written as JSON
 * numbers (their exact digits, or `1e400` as written). `JSON.stringify` does the common case; only
 * when it met an exact number (or threw on a bigint) is the value written again by hand.
 */
export function exactJsonText(v: unknown): string {
  const before = ExactNumber.serialized;
  let s: string | undefined;
  try {
    s = JSON.stringify(v);
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    return write(v);
  }
  if (ExactNumber.serialized !== before) return write(v);
  return s ?? 'null';
}

function write(v: unknown): string {
  if (v instanceof ExactNumber) return v.text;
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined || typeof x === 'function' ? 'null' : write(x))).join(',')}]`;
  if (typeof v === 'object' && v !== null && typeof (v as { toJSON?: unknown }).toJSON !== 'function') {
    const parts: string[] = [];
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined || typeof x === 'function') continue;
      parts.push(`${JSON.stringify(k)}:${write(x)}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
