/**
 * JSON.parse that never changes a number. `JSON.parse` reads every number as a double, so
 * `1234567890123456789` becomes …768 and `1e400` becomes Infinity, silently. Pages rarely hold
 * such numbers, so the fast path stays `JSON.parse`: a regex over the raw text looks for a number
 * token of 16+ digits or with a 3-digit positive exponent (the only spellings that can be unsafe),
 * and only a page where one of those really is unsafe is parsed again with lossless-json, which
 * hands each number's text to us: unsafe ones become {@link ExactNumber}s, the rest `number`s.
 */
import { parse as parseLossless } from 'lossless-json';
import { ExactNumber } from '../../util/exact-number.js';

/** What the parse saw that a plain JSON.parse would have changed. */
export interface JsonNumberCounts {
  /** Integers beyond ±2^53, kept exact. */
  exactNumbers: number;
  /** Numbers beyond the double range (`1e400`), kept as their text. */
  nonFiniteNumbers: number;
}

// A number token (after `:`, `,`, `[` or at the start) that might not fit a double exactly.
const CANDIDATES = /(?:^|[:,[])\s*(-?(?:\d{16}|\d+(?:\.\d+)?[eE]\+?\d{3})[\d.eE+-]*)/g;
/** A 3-digit positive exponent; whether it belongs to a number token is checked around each hit. */
const EXPONENT = /[eE]\+?\d{3}/g;
const INTEGER = /^-?\d+$/;

/** True when `token` (JSON number text) would change when read as a double. */
function unsafe(token: string): boolean {
  const n = Number(token);
  return !Number.isFinite(n) || (!Number.isSafeInteger(n) && INTEGER.test(token));
}

/**
 * Whether `text` holds a number token that JSON.parse would change. `raw`, when the caller has
 * it, is `text`'s UTF-8 bytes: the digit scan is about twice as fast on bytes (a digit is the same
 * ASCII byte in both).
 */
export function hasUnsafeNumber(text: string, raw?: Uint8Array): boolean {
  if (!hasLongDigitRun(raw ?? Buffer.from(text, 'utf8')) && !hasNumberWithExponent(text)) return false;
  CANDIDATES.lastIndex = 0;
  for (let m = CANDIDATES.exec(text); m !== null; m = CANDIDATES.exec(text)) {
    if (unsafe(m[1] as string)) return true;
  }
  return false;
}

/**
 * Parses JSON text, keeping every number exact (see the module doc); adds what it kept to
 * `counts`. Throws SyntaxError (or lossless-json's error, e.g. for a duplicate key on a page that
 * needs the exact parse) for text that is not JSON.
 */
export function parseExactJson(text: string, counts?: JsonNumberCounts, raw?: Uint8Array): unknown {
  if (!hasUnsafeNumber(text, raw)) return JSON.parse(text) as unknown;
  return parseLossless(text, null, (token: string) => {
    if (!unsafe(token)) return Number(token);
    const n = new ExactNumber(token);
    if (counts !== undefined) {
      if (n.big === undefined) counts.nonFiniteNumbers++;
      else counts.exactNumbers++;
    }
    return n;
  });
}

/**
 * Whether the UTF-8 `bytes` have a run of 16 or more digits anywhere (in strings too: the exact
 * check above then decides). Such a run covers every residue mod 16, so looking at every 16th byte
 * and measuring only the runs found there is exact, and about 40× faster on a typical page than
 * the regex `\d{16}` over the text (which tries every position): the check must cost little next
 * to JSON.parse.
 */
function hasLongDigitRun(bytes: Uint8Array): boolean {
  const n = bytes.length;
  for (let i = 15; i < n; i += 16) {
    if (!isDigit(bytes[i]!)) continue;
    let start = i;
    let end = i;
    while (start > 0 && isDigit(bytes[start - 1]!)) start--;
    while (end + 1 < n && isDigit(bytes[end + 1]!)) end++;
    if (end - start + 1 >= 16) return true;
    i = end; // the next look is 16 past the run's end: runs after it still cover that residue
  }
  return false;
}

/** Whether `text` has an `e` + 3 digits that ends a number token (`1e400`, not `"9e123"` of a hex id). */
function hasNumberWithExponent(text: string): boolean {
  EXPONENT.lastIndex = 0;
  for (let m = EXPONENT.exec(text); m !== null; m = EXPONENT.exec(text)) {
    let j = m.index - 1;
    const end = j;
    while (j >= 0 && (isDigit(text.charCodeAt(j)) || text.charCodeAt(j) === 46)) j--;
    if (j === end) continue; // no mantissa digits before the e
    if (text.charCodeAt(j) === 45) j--; // '-'
    while (j >= 0 && /\s/.test(text[j] as string)) j--;
    if (j < 0 || text[j] === ':' || text[j] === ',' || text[j] === '[') return true;
  }
  return false;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

