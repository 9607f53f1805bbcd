/**
 * Timestamp and date parsing for declared `timestamp`/`date` columns, with microsecond precision
 * (JS `Date` only keeps milliseconds, and the stage writes Timestamp(MICROSECOND, "UTC")).
 *
 * Canonical outputs, which the stage parses back at fixed positions:
 * - timestamp: `YYYY-MM-DDTHH:MM:SS.ffffffZ` (always UTC, always 6 fractional digits);
 * - date: `YYYY-MM-DD`.
 */

/** An instant as whole seconds since the epoch plus a microsecond fraction (both exact). */
interface Instant {
  readonly seconds: number;
  readonly micros: number;
}

// ISO-8601 / RFC 3339, with the common relaxations: a space for `T`, optional seconds and
// fraction, `,` as decimal mark, a missing offset (read as UTC), `±HH`, `±HHMM`, `±HH:MM`.
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z0: number): [number, number, number] {
  const z = z0 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [era * 400 + yoe + (m <= 2 ? 1 : 0), m, d];
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function parseIso(s: string): Instant | undefined {
  const m = ISO.exec(s);
  if (m === null) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const h = m[4] === undefined ? 0 : Number(m[4]);
  const mi = m[5] === undefined ? 0 : Number(m[5]);
  const sec = m[6] === undefined ? 0 : Number(m[6]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || sec > 59) return undefined;
  // Digits past the 6th (nanoseconds) are truncated: the column is microsecond precision.
  const micros = m[7] === undefined ? 0 : Number(m[7].slice(0, 6).padEnd(6, '0'));
  let offsetMinutes = 0;
  const z = m[8];
  if (z !== undefined && z !== 'Z' && z !== 'z') {
    const digits = z.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (z[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const seconds = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offsetMinutes * 60;
  return { seconds, micros };
}

/**
 * Epoch numbers, with the unit guessed from the magnitude (documented for users): below 1e11 are
 * seconds (up to year 5138), below 1e14 milliseconds, below 1e17 microseconds, else nanoseconds.
 */
function fromEpoch(n: number): Instant | undefined {
  if (!Number.isFinite(n)) return undefined;
  const a = Math.abs(n);
  const perSecond = a < 1e11 ? 1 : a < 1e14 ? 1e3 : a < 1e17 ? 1e6 : 1e9;
  let seconds = Math.floor(n / perSecond);
  let micros = Math.round(((n - seconds * perSecond) * 1e6) / perSecond);
  if (micros >= 1e6) {
    seconds += 1;
    micros -= 1e6;
  }
  return { seconds, micros };
}

const EPOCH_STRING = /^[+-]?\d+(\.\d+)?$/;

function toInstant(v: unknown): Instant | undefined {
  if (typeof v === 'number') return fromEpoch(v);
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (EPOCH_STRING.test(s)) return fromEpoch(Number(s));
  return parseIso(s);
}

const pad2 = (n: number): string => (n < 10 ? '0' : '') + String(n);

function formatDate(days: number): string | undefined {
  const [y, m, d] = civilFromDays(days);
  if (y < 0 || y > 9999) return undefined;
  return `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`;
}

/**
 * A timestamp value (ISO-8601 string, epoch number or numeric string) as
 * `YYYY-MM-DDTHH:MM:SS.ffffffZ`, or undefined when it is not one (or falls outside years
 * 0000–9999).
 */
export function toCanonicalTimestamp(v: unknown): string | undefined {
  const t = toInstant(v);
  if (t === undefined) return undefined;
  const days = Math.floor(t.seconds / 86400);
  const date = formatDate(days);
  if (date === undefined) return undefined;
  const sod = t.seconds - days * 86400;
  const hh = Math.floor(sod / 3600);
  const mm = Math.floor((sod % 3600) / 60);
  const ss = sod % 60;
  return `${date}T${pad2(hh)}:${pad2(mm)}:${pad2(ss)}.${String(t.micros).padStart(6, '0')}Z`;
}

/**
 * A date value as `YYYY-MM-DD`. Accepts `YYYY-MM-DD` and anything `toCanonicalTimestamp` accepts,
 * truncated to its UTC day.
 */
export function toCanonicalDate(v: unknown): string | undefined {
  const t = toInstant(v);
  if (t === undefined) return undefined;
  return formatDate(Math.floor(t.seconds / 86400));
}
