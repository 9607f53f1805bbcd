import { FloeError } from './errors.js';
import { formatDays, formatInstant, parseIsoDate, parseIsoInstant, SECONDS_PER_DAY } from './iso-8601.js';

/**
 * Incremental cursor values, compared by type and never as strings: `"2024-01-01T10:00:00+02:00"`
 * is earlier than `"2024-01-01T09:00:00Z"`, and `"9"` is less than `"10"`.
 *
 * The kind of every value is fixed by the endpoint's `initial_value`:
 * - `instant`: an ISO-8601 date-time (`Z`, an offset, or **naive = UTC**), compared as an exact
 *   instant to the nanosecond; formatted back as `…Z` with the fraction digits the value was
 *   written with (`2024-05-01T10:00:00.123Z`).
 * - `date`: exactly `YYYY-MM-DD`, compared by day.
 * - `number`: a JSON number, or a numeric string such as `"1714557600"`. **Epoch seconds or
 *   milliseconds are numbers**, not instants: floe cannot tell their unit, so they compare (and take
 *   a `lookback`) as plain numbers; give a numeric `initial_value` for them. Integer strings beyond
 *   2^53 compare exactly (as BigInt).
 *
 * A value of another kind than the initial value's (a date where timestamps are expected, an epoch
 * number where ISO text is expected) is an error, never a silent conversion.
 */
export type CursorKind = 'instant' | 'date' | 'number';

export interface InstantCursor {
  readonly kind: 'instant';
  /** Whole seconds since 1970-01-01T00:00:00Z. */
  readonly seconds: number;
  /** 0–999,999,999. */
  readonly nanos: number;
  /** Fraction digits the value was written with: formatting keeps the data's precision. */
  readonly digits: number;
  /** The value as read, absent for computed values. */
  readonly source?: string;
}

export interface DateCursor {
  readonly kind: 'date';
  /** Days since 1970-01-01. */
  readonly days: number;
  readonly source?: string;
}

export interface NumberCursor {
  readonly kind: 'number';
  readonly value: number;
  /** Set for integer strings beyond ±2^53, which `value` only approximates. */
  readonly big?: bigint;
  readonly source?: string | number;
}

/** A typed cursor value. Build with `parseCursorValue`/`cursorFromConfig`, never by hand from text. */
export type CursorValue = InstantCursor | DateCursor | NumberCursor;

const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/** The kind a config value (`initial_value`, `--from`) sets, or undefined when it is none of them. */
export function cursorKindOf(value: string | number): CursorKind | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? 'number' : undefined;
  const s = value.trim();
  if (parseIsoDate(s) !== undefined) return 'date';
  if (parseIsoInstant(s) !== undefined) return 'instant';
  return NUMERIC.test(s) ? 'number' : undefined;
}

/**
 * `raw` as a cursor value of `kind`, or undefined when it is not one (the caller decides whether
 * that is an error; see `describeCursorMismatch`). `null`, absent and blank values are the caller's
 * `on_missing` business and also give undefined.
 */
export function parseCursorValue(raw: unknown, kind: CursorKind): CursorValue | undefined {
  switch (kind) {
    case 'instant': {
      if (typeof raw !== 'string') return undefined;
      const p = parseIsoInstant(raw);
      return p === undefined
        ? undefined
        : { kind, seconds: p.seconds, nanos: p.nanos, digits: p.digits, source: raw };
    }
    case 'date': {
      if (typeof raw !== 'string') return undefined;
      const days = parseIsoDate(raw);
      return days === undefined ? undefined : { kind, days, source: raw };
    }
    case 'number':
      if (typeof raw === 'number')
        return Number.isFinite(raw) ? { kind, value: raw, source: raw } : undefined;
      if (typeof raw !== 'string') return undefined;
      return parseNumericString(raw.trim(), raw);
  }
}

function parseNumericString(s: string, source: string): NumberCursor | undefined {
  if (!NUMERIC.test(s)) return undefined;
  const value = Number(s);
  if (!Number.isFinite(value)) return undefined;
  if (!Number.isSafeInteger(value) && INTEGER.test(s))
    return { kind: 'number', value, big: BigInt(s), source };
  return { kind: 'number', value, source };
}

/** Negative, zero or positive as `a` is before, equal to or after `b`. Both must have the same kind. */
export function compareCursors(a: CursorValue, b: CursorValue): number {
  switch (a.kind) {
    case 'instant': {
      const o = b as InstantCursor;
      return a.seconds !== o.seconds ? a.seconds - o.seconds : a.nanos - o.nanos;
    }
    case 'date':
      return a.days - (b as DateCursor).days;
    case 'number': {
      const o = b as NumberCursor;
      // Two integers past 2^53 may round to the same double: only then compare them exactly.
      if (a.value === o.value && a.big !== undefined && o.big !== undefined) {
        return a.big === o.big ? 0 : a.big < o.big ? -1 : 1;
      }
      return a.value === o.value ? 0 : a.value < o.value ? -1 : 1;
    }
  }
}

/** The later of two values; either may be undefined. On a tie the first is kept. */
export function maxCursor(a: CursorValue | undefined, b: CursorValue | undefined): CursorValue | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareCursors(b, a) > 0 ? b : a;
}

/**
 * The text `{{ incremental.start_value }}` renders to and state stores: `…Z` ISO for instants (the
 * value's own fraction digits, whatever offset it was read with), `YYYY-MM-DD` for dates, decimal
 * text for numbers.
 */
export function formatCursor(v: CursorValue): string {
  switch (v.kind) {
    case 'instant':
      return formatInstant(v.seconds, v.nanos, v.digits);
    case 'date':
      return formatDays(v.days);
    case 'number':
      return v.big !== undefined ? v.big.toString() : String(v.value);
  }
}

/**
 * `v` as a value of `kind` when that loses nothing: a date is the instant of its UTC midnight, an
 * instant at exactly midnight UTC is that date. Lets a backfill given `--from 2023-01-01` drive a
 * timestamp cursor. Undefined otherwise.
 */
export function coerceCursor(v: CursorValue, kind: CursorKind): CursorValue | undefined {
  if (v.kind === kind) return v;
  if (v.kind === 'date' && kind === 'instant') {
    return { kind, seconds: v.days * SECONDS_PER_DAY, nanos: 0, digits: 0 };
  }
  if (v.kind === 'instant' && kind === 'date' && v.nanos === 0 && v.seconds % SECONDS_PER_DAY === 0) {
    return { kind, days: v.seconds / SECONDS_PER_DAY };
  }
  return undefined;
}

const KIND_NAMES: Readonly<Record<CursorKind, string>> = {
  instant: 'an ISO-8601 timestamp such as 2024-01-01T00:00:00Z',
  date: 'a YYYY-MM-DD date',
  number: 'a number',
};

/** Says what `raw` is and what was expected, for error messages. */
export function describeCursorMismatch(raw: unknown, kind: CursorKind): string {
  const actual = typeof raw === 'string' || typeof raw === 'number' ? cursorKindOf(raw) : undefined;
  if (actual === undefined) return `${excerpt(raw)} is not ${KIND_NAMES[kind]}`;
  const hint =
    actual === 'number' ? '; epoch numbers compare as numbers, so give them a numeric initial_value' : '';
  return `${excerpt(raw)} is ${KIND_NAMES[actual]}, but the cursor's initial_value makes it ${KIND_NAMES[kind]}${hint}`;
}

/**
 * A config value (`initial_value`, `end_value`) as a cursor; `kind` defaults to the value's own.
 * A bad value is `CONFIG_INVALID` naming `field`.
 */
export function cursorFromConfig(
  value: string | number,
  field: string,
  kind: CursorKind | undefined = cursorKindOf(value),
): CursorValue {
  const parsed =
    kind === undefined ? undefined : parseCursorValue(typeof value === 'string' ? value.trim() : value, kind);
  if (parsed !== undefined) return parsed;
  const what =
    kind === undefined
      ? `${excerpt(value)} is not a cursor value; use a timestamp like 2024-01-01T00:00:00Z, a date like 2024-01-01, or a number`
      : describeCursorMismatch(value, kind);
  throw new FloeError('CONFIG_INVALID', 'config', `${field}: ${what}`, { details: { path: field } });
}

/** A short JSON excerpt of a value for messages (record data, not secrets; still bounded). */
export function excerpt(value: unknown, max = 80): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
