/**
 * Timestamp and date values (text, as a ColumnBatch holds them) → Arrow's Timestamp(µs) and
 * Date32. The canonical forms Normalizer emits are parsed at fixed positions, because a regex per
 * value costs more than the rest of the column.
 */
import { parseIsoDate, readIsoInstant, type InstantSlot } from '../util/iso-8601.js';
import { daysFromCivil, setMicros } from './arrow-buffers.js';

/** `YYYY-MM-DD` → days since the epoch. */
export function dateDays(v: unknown): number | undefined {
  if (typeof v !== 'string' || v.length !== 10 || v.charCodeAt(4) !== DASH || v.charCodeAt(7) !== DASH)
    return undefined;
  const y = digits(v, 0, 4);
  const m = digits(v, 5, 7);
  const d = digits(v, 8, 10);
  return y < 0 || m < 1 || m > 12 || d < 1 || d > 31 ? undefined : daysFromCivil(y, m, d);
}

const DASH = 45;
const COLON = 58;

/** The number spelled by `s[from..to)`, or -1 if any of it is not a digit. */
function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/**
 * UTC `YYYY-MM-DDTHH:MM:SS[.f…]Z` — what Normalizer emits (6 digits) and what most APIs send
 * (`toISOString`'s 3) — parsed at fixed positions; other ISO-8601 strings through
 * util/iso-8601.ts (exact). False if unparseable. Values reach the stage already checked (an
 * inferred column holds only text that util/iso-8601.ts accepted), so this is a faster reading of
 * the same grammar, not a second one.
 */
export function writeTimestamp(words: Int32Array, i: number, v: string): boolean {
  const n = v.length;
  if (
    (n === 20 || (n >= 22 && n <= 30 && v.charCodeAt(19) === 46)) /* . */ &&
    v.charCodeAt(n - 1) === 90 /* Z */ &&
    v.charCodeAt(4) === DASH &&
    v.charCodeAt(7) === DASH &&
    v.charCodeAt(10) === 84 /* T */ &&
    v.charCodeAt(13) === COLON &&
    v.charCodeAt(16) === COLON
  ) {
    const y = digits(v, 0, 4);
    const m = digits(v, 5, 7);
    const d = digits(v, 8, 10);
    const h = digits(v, 11, 13);
    const mi = digits(v, 14, 16);
    const sec = digits(v, 17, 19);
    // Microseconds: the first 6 fraction digits, padded (digits past µs are dropped, as below).
    const fracEnd = Math.min(n - 1, 26);
    let us = n === 20 ? 0 : digits(v, 20, fracEnd);
    for (let k = fracEnd; k < 26; k++) us *= 10;
    if (n > 27 && digits(v, 26, n - 1) < 0) us = -1;
    if (y >= 0 && m >= 1 && m <= 12 && d >= 1 && d <= 31 && h >= 0 && mi >= 0 && sec >= 0 && us >= 0) {
      setMicros(words, i, daysFromCivil(y, m, d) * 86400 + h * 3600 + mi * 60 + sec, us);
      return true;
    }
  }
  // Inferred timestamp columns hold the text as the API sent it (so a widening to string keeps
  // it); floe's ISO grammar reads it exactly, a date alone as its midnight UTC.
  const days = parseIsoDate(v);
  if (days !== undefined) {
    setMicros(words, i, days * 86400, 0);
    return true;
  }
  if (!readIsoInstant(v, slot)) return false;
  setMicros(words, i, slot.seconds, Math.floor(slot.nanos / 1000));
  return true;
}

const slot: InstantSlot = { seconds: 0, nanos: 0, digits: 0 };
