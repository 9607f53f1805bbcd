import { daysFromCivil } from '../../normalize/iso-time.js';

/**
 * UTC calendar arithmetic for cursor values: ISO-8601 parsing into exact (seconds, nanoseconds),
 * formatting back, and month steps. Everything is UTC, so a day is always 86,400 s (no DST).
 *
 * Parsing is hand-written over char codes rather than a regex: it runs once per record of every
 * page, and avoiding the match array makes it several times cheaper.
 */

/** An instant as whole seconds since the epoch plus nanoseconds, and the fraction digits it was written with. */
export interface ParsedInstant {
  readonly seconds: number;
  readonly nanos: number;
  readonly digits: number;
}

/** Always: floe's calendar is UTC, which has no DST days (and floe ignores leap seconds). */
export const SECONDS_PER_DAY = 86_400;

/** The two-digit number at `i`, or -1 when either char is not a digit. */
function d2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** Days since 1970-01-01 of `YYYY-MM-DD` at the start of `s`, or undefined. Does not check what follows. */
function datePrefix(s: string): number | undefined {
  if (s.length < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return undefined;
  const yh = d2(s, 0);
  const yl = d2(s, 2);
  const m = d2(s, 5);
  const d = d2(s, 8);
  if (yh < 0 || yl < 0 || m < 1 || m > 12 || d < 1) return undefined;
  const y = yh * 100 + yl;
  if (d > daysInMonth(y, m)) return undefined;
  return daysFromCivil(y, m, d);
}

/** A strict `YYYY-MM-DD` (nothing before or after) as days since 1970-01-01, or undefined. */
export function parseIsoDate(s: string): number | undefined {
  return s.length === 10 ? datePrefix(s) : undefined;
}

/**
 * An ISO-8601 / RFC 3339 date-time: `YYYY-MM-DD`, `T` (or `t` or a space), `HH:MM`, optional `:SS`,
 * optional fraction (`.` or `,`, any length; digits past nanoseconds are dropped), then `Z`, an
 * offset `±HH`, `±HHMM` or `±HH:MM`, or nothing. **No offset means UTC**: a naive timestamp from an
 * API is almost always UTC, and reading it in the machine's zone would make the cursor depend on
 * where floe runs. A date alone is not an instant here (see `parseIsoDate`).
 */
export function parseIsoInstant(s: string): ParsedInstant | undefined {
  const days = datePrefix(s);
  if (days === undefined || s.length < 16) return undefined;
  const t = s.charCodeAt(10);
  if (t !== 84 && t !== 116 && t !== 32) return undefined; // T t space
  const h = d2(s, 11);
  const mi = d2(s, 14);
  if (h < 0 || h > 23 || s.charCodeAt(13) !== 58 || mi < 0 || mi > 59) return undefined;
  let i = 16;
  let sec = 0;
  let nanos = 0;
  let digits = 0;
  if (s.charCodeAt(i) === 58) {
    sec = d2(s, i + 1);
    if (sec < 0 || sec > 59) return undefined; // leap second 60: not representable, reject
    i += 3;
    const dot = s.charCodeAt(i);
    if (dot === 46 || dot === 44) {
      i++;
      let scale = 100_000_000;
      while (i < s.length) {
        const c = s.charCodeAt(i) - 48;
        if (c < 0 || c > 9) break;
        nanos += c * scale;
        scale /= 10;
        digits++;
        i++;
      }
      if (digits === 0) return undefined;
      if (digits > 9) {
        digits = 9;
        nanos = Math.floor(nanos);
      }
    }
  }
  let offset = 0;
  if (i < s.length) {
    const z = s.charCodeAt(i);
    if (z === 90 || z === 122) {
      i++;
    } else if (z === 43 || z === 45) {
      const oh = d2(s, i + 1);
      if (oh < 0 || oh > 23) return undefined;
      let om = 0;
      i += 3;
      if (s.charCodeAt(i) === 58) i++;
      if (i < s.length) {
        om = d2(s, i);
        if (om < 0 || om > 59) return undefined;
        i += 2;
      }
      offset = (z === 45 ? -1 : 1) * (oh * 3600 + om * 60);
    } else {
      return undefined;
    }
  }
  if (i !== s.length) return undefined;
  return { seconds: days * SECONDS_PER_DAY + h * 3600 + mi * 60 + sec - offset, nanos, digits };
}

/** Days since the epoch as `YYYY-MM-DD` (years 0000–9999). */
export function formatDays(days: number): string {
  return new Date(days * SECONDS_PER_DAY * 1000).toISOString().slice(0, 10);
}

/**
 * `YYYY-MM-DDTHH:MM:SS[.f…]Z` with at least `digits` fraction digits, more when the nanoseconds need
 * them (a computed value must never be printed later or earlier than it is).
 */
export function formatInstant(seconds: number, nanos: number, digits: number): string {
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  let fraction = nanos === 0 ? '' : String(nanos).padStart(9, '0').replace(/0+$/, '');
  if (fraction.length < digits) fraction = fraction.padEnd(digits, '0');
  return fraction === '' ? `${base}Z` : `${base}.${fraction}Z`;
}

/** Days in month `m` (1–12) of proleptic Gregorian year `y`. */
export function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/**
 * Moves a day by whole calendar months, clamping the day of month to the target month's length
 * (Jan 31 + 1 month = Feb 29 in 2024, Feb 28 otherwise; Mar 31 − 1 month = Feb 28/29).
 */
export function addMonthsToDays(days: number, months: number): number {
  if (months === 0) return days;
  const date = new Date(days * SECONDS_PER_DAY * 1000);
  const index = date.getUTCFullYear() * 12 + date.getUTCMonth() + months;
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  return daysFromCivil(y, m, Math.min(date.getUTCDate(), daysInMonth(y, m)));
}
