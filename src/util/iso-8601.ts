/**
 * floe's one ISO-8601 grammar (STYLE.md: one grammar per concept): dates and date-times parsed
 * over char codes (no regex, no match array: it runs for every value of a timestamp column and
 * every record's incremental cursor), exact to the nanosecond, and the calendar arithmetic they
 * need. Used by timestamp inference and declared types (normalize), the stage's Timestamp(µs)
 * writer, and incremental cursors (run/incremental).
 *
 * Accepted date-time: `YYYY-MM-DD`, `T` (or `t` or a space), `HH:MM`, optional `:SS`, optional
 * fraction (`.` or `,`, any length; digits past nanoseconds are dropped), then `Z`, an offset
 * `±HH`, `±HHMM` or `±HH:MM` (optionally after one space), or nothing. **No offset means UTC**: a
 * naive timestamp from an API is almost always UTC, and reading it in the machine's zone would make
 * results depend on where floe runs. A date alone is `YYYY-MM-DD` exactly.
 */

/** An instant as whole seconds since the epoch plus nanoseconds, and the fraction digits it was written with. */
export interface ParsedInstant {
  readonly seconds: number;
  readonly nanos: number;
  readonly digits: number;
}

/** Always: floe's calendar is UTC, which has no DST days (and floe ignores leap seconds). */
export const SECONDS_PER_DAY = 86_400;

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Days in month `m` (1–12) of proleptic Gregorian year `y`. */
export function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

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

/** A date-time (see the module doc) as an exact instant, or undefined. A date alone is not one. */
export function parseIsoInstant(s: string): ParsedInstant | undefined {
  return readIsoInstant(s, scratch)
    ? { seconds: scratch.seconds, nanos: scratch.nanos, digits: scratch.digits }
    : undefined;
}

/** {@link ParsedInstant} with writable fields: {@link readIsoInstant} fills one in place. */
export interface InstantSlot {
  seconds: number;
  nanos: number;
  digits: number;
}

const scratch: InstantSlot = { seconds: 0, nanos: 0, digits: 0 };

/**
 * {@link parseIsoInstant} without allocating: fills `out` and returns true, or returns false (and
 * `out` is unspecified). Per-value callers (type inference, the stage's timestamp writer) use it
 * so a timestamp column costs no garbage.
 */
export function readIsoInstant(s: string, out: InstantSlot): boolean {
  const days = datePrefix(s);
  if (days === undefined || s.length < 16) return false;
  const t = s.charCodeAt(10);
  if (t !== 84 && t !== 116 && t !== 32) return false; // T t space
  const h = d2(s, 11);
  const mi = d2(s, 14);
  if (h < 0 || h > 23 || s.charCodeAt(13) !== 58 || mi < 0 || mi > 59) return false;
  let i = 16;
  let sec = 0;
  let nanos = 0;
  let digits = 0;
  if (s.charCodeAt(i) === 58) {
    sec = d2(s, i + 1);
    if (sec < 0 || sec > 59) return false; // leap second 60: not representable, reject
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
      if (digits === 0) return false;
      if (digits > 9) {
        digits = 9;
        nanos = Math.floor(nanos);
      }
    }
  }
  let offset = 0;
  if (i < s.length) {
    if (s.charCodeAt(i) === 32 && i + 1 < s.length) i++; // `2024-01-01 10:00:00 +02:00`
    const z = s.charCodeAt(i);
    if (z === 90 || z === 122) {
      i++;
    } else if (z === 43 || z === 45) {
      const oh = d2(s, i + 1);
      if (oh < 0 || oh > 23) return false;
      let om = 0;
      i += 3;
      if (s.charCodeAt(i) === 58) i++;
      if (i < s.length) {
        om = d2(s, i);
        if (om < 0 || om > 59) return false;
        i += 2;
      }
      offset = (z === 45 ? -1 : 1) * (oh * 3600 + om * 60);
    } else {
      return false;
    }
  }
  if (i !== s.length) return false;
  out.seconds = days * SECONDS_PER_DAY + h * 3600 + mi * 60 + sec - offset;
  out.nanos = nanos;
  out.digits = digits;
  return true;
}

/**
 * What an ISO-8601 string is, for type inference: `date` for `YYYY-MM-DD`, `timestamp` for a
 * date-time, undefined for anything else (`"02108"`, `"2024-13-01"`, free text). A first-char
 * check keeps the common non-date string at a few nanoseconds.
 */
export function isoKind(s: string): 'date' | 'timestamp' | undefined {
  if (s.length < 10 || s.length > 40) return undefined;
  const c = s.charCodeAt(0);
  if (c < 48 || c > 57 || s.charCodeAt(4) !== 45) return undefined;
  if (s.length === 10) return datePrefix(s) === undefined ? undefined : 'date';
  return readIsoInstant(s, scratch) ? 'timestamp' : undefined;
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
