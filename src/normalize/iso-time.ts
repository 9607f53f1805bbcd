/**
 * Timestamp and date values for declared `timestamp`/`date` columns, in the canonical text forms
 * the stage parses back at fixed positions (µs precision: JS `Date` only keeps milliseconds, and
 * the stage writes Timestamp(MICROSECOND, "UTC")):
 * - timestamp: `YYYY-MM-DDTHH:MM:SS.ffffffZ` (always UTC, always 6 fractional digits);
 * - date: `YYYY-MM-DD`.
 * ISO-8601 text is parsed by floe's one grammar (util/iso-8601.ts); epoch numbers here.
 */
import { daysFromCivil, parseIsoDate, parseIsoInstant, SECONDS_PER_DAY } from '../util/iso-8601.js';

export { daysFromCivil };

/** An instant as whole seconds since the epoch plus a microsecond fraction (both exact). */
interface Instant {
  readonly seconds: number;
  readonly micros: number;
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

/** ISO text (a date alone is its midnight, UTC) as an instant, or undefined. */
export function isoInstant(s: string): Instant | undefined {
  const days = parseIsoDate(s);
  if (days !== undefined) return { seconds: days * SECONDS_PER_DAY, micros: 0 };
  const t = parseIsoInstant(s);
  // Digits past the 6th (nanoseconds) are truncated: the column is microsecond precision.
  return t === undefined ? undefined : { seconds: t.seconds, micros: Math.floor(t.nanos / 1000) };
}

function toInstant(v: unknown): Instant | undefined {
  if (typeof v === 'number') return fromEpoch(v);
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (EPOCH_STRING.test(s)) return fromEpoch(Number(s));
  return isoInstant(s);
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
  const days = Math.floor(t.seconds / SECONDS_PER_DAY);
  const date = formatDate(days);
  if (date === undefined) return undefined;
  const sod = t.seconds - days * SECONDS_PER_DAY;
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
  return formatDate(Math.floor(t.seconds / SECONDS_PER_DAY));
}
