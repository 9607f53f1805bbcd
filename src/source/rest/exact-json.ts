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
const CANDIDATE = /(?:^|[:,[])\s*-?(?:\d{16}|\d+(?:\.\d+)?[eE]\+?\d{3})/;
const CANDIDATES = /(?:^|[:,[])\s*(-?(?:\d{16}|\d+(?:\.\d+)?[eE]\+?\d{3})[\d.eE+-]*)/g;
const INTEGER = /^-?\d+$/;

/** True when `token` (JSON number text) would change when read as a double. */
function unsafe(token: string): boolean {
  const n = Number(token);
  return !Number.isFinite(n) || (!Number.isSafeInteger(n) && INTEGER.test(token));
}

/** Whether `text` holds a number token that JSON.parse would change. */
export function hasUnsafeNumber(text: string): boolean {
  if (!CANDIDATE.test(text)) return false;
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
export function parseExactJson(text: string, counts?: JsonNumberCounts): unknown {
  if (!hasUnsafeNumber(text)) return JSON.parse(text) as unknown;
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
