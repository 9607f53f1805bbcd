import { FloeError } from './errors.js';
import { addMonthsToDays, SECONDS_PER_DAY } from './iso-8601.js';
import type { CursorValue } from './cursor-value.js';

/**
 * A span of time: calendar months (which vary in length) plus an exact number of seconds and
 * nanoseconds. All arithmetic is UTC, so `1d` is always 86,400 s.
 */
export interface Duration {
  readonly months: number;
  readonly seconds: number;
  readonly nanos: number;
  /** As written, for messages. */
  readonly text: string;
}

/**
 * An `incremental.lookback`: a duration, or a plain number in the cursor's own unit — seconds for
 * timestamp cursors, days for date cursors, the number itself for numeric cursors.
 */
export type Lookback =
  | { readonly kind: 'duration'; readonly duration: Duration }
  | { readonly kind: 'number'; readonly value: number; readonly text: string };

const UNIT_SECONDS: Readonly<Record<string, number>> = {
  s: 1,
  m: 60,
  h: 3600,
  d: SECONDS_PER_DAY,
  w: 7 * SECONDS_PER_DAY,
};
const SHORT_PART = /\s*(\d+(?:\.\d+)?)(mo|y|w|d|h|m|s)/y;
const ISO =
  /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?!$)(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/i;
const PLAIN_NUMBER = /^\d+(?:\.\d+)?$/;

/** What a valid duration looks like, for messages. */
const FORMS = 'a duration such as 30s, 15m, 2h, 7d, 1w, 1h30m, 1mo, 1y or ISO-8601 PT2H, P1D, P1M';

/**
 * Parses `30s`, `15m`, `2h`, `7d`, `1w`, `1mo`, `1y`, combinations (`1h30m`, `1d 12h`), and ISO-8601
 * (`PT2H`, `P1D`, `P1W`, `P1M`, `P1DT12H`). `m` is minutes, `mo` months. Fractions are allowed on
 * fixed units (`1.5h`), not on months or years. Invalid → `CONFIG_INVALID` naming `field`.
 */
export function parseDuration(text: string, field: string): Duration {
  const d = tryParseDuration(text.trim());
  if (d === undefined) {
    throw new FloeError('CONFIG_INVALID', 'config', `${field}: "${text}" is not ${FORMS}`, {
      details: { path: field },
    });
  }
  return d;
}

function tryParseDuration(text: string): Duration | undefined {
  if (text === '') return undefined;
  const iso = ISO.exec(text);
  if (iso !== null) {
    const [, y, mo, w, d, h, mi, s] = iso;
    return build(text, whole(y) * 12 + whole(mo), [
      [w, 7 * SECONDS_PER_DAY],
      [d, SECONDS_PER_DAY],
      [h, 3600],
      [mi, 60],
      [s, 1],
    ]);
  }
  let months = 0;
  const fixed: [string, number][] = [];
  let at = 0;
  while (at < text.length) {
    SHORT_PART.lastIndex = at;
    const m = SHORT_PART.exec(text);
    if (m === null) return undefined;
    const [, amount = '', unit = ''] = m;
    if (unit === 'mo' || unit === 'y') {
      if (amount.includes('.')) return undefined;
      months += Number(amount) * (unit === 'y' ? 12 : 1);
    } else {
      fixed.push([amount, UNIT_SECONDS[unit] ?? 0]);
    }
    at = SHORT_PART.lastIndex;
  }
  return build(text, months, fixed);
}

const whole = (s: string | undefined): number => (s === undefined ? 0 : Number(s));

/** Sums `amount × seconds-per-unit` parts exactly to the nanosecond. */
function build(
  text: string,
  months: number,
  parts: readonly (readonly [string | undefined, number])[],
): Duration {
  let nanosTotal = 0n;
  for (const [amount, perUnit] of parts) {
    if (amount === undefined) continue;
    const [int = '0', frac = ''] = amount.replace(',', '.').split('.');
    const scaled = BigInt(int + frac.padEnd(9, '0').slice(0, 9)) * BigInt(perUnit);
    nanosTotal += scaled;
  }
  return {
    months,
    seconds: Number(nanosTotal / 1_000_000_000n),
    nanos: Number(nanosTotal % 1_000_000_000n),
    text,
  };
}

/** True when the duration is longer than zero. */
export function isPositive(d: Duration): boolean {
  return d.months > 0 || d.seconds > 0 || d.nanos > 0;
}

/**
 * Parses `incremental.lookback`: a duration string, a number, or a numeric string. Negative values
 * are invalid (a lookback re-reads; it never skips). `CONFIG_INVALID` names `field`.
 */
export function parseLookback(value: string | number | undefined, field: string): Lookback | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  if (typeof value === 'number' || PLAIN_NUMBER.test(text)) {
    const n = Number(text);
    if (!Number.isFinite(n) || n < 0) {
      throw new FloeError(
        'CONFIG_INVALID',
        'config',
        `${field}: ${text} is not a valid lookback; use a number ≥ 0 or ${FORMS}`,
        { details: { path: field } },
      );
    }
    return { kind: 'number', value: n, text };
  }
  return { kind: 'duration', duration: parseDuration(text, field) };
}

/**
 * `cursor` moved `times` steps of `d` (negative to go back). Months move first, day of month
 * clamped (ISO-8601 order), then the fixed part. A date moved by a part of a day lands on the day
 * that contains the result, so going back never re-reads less than asked. A duration on a numeric
 * cursor has no meaning (epoch seconds? millis?) and is `CONFIG_INVALID` naming `field`.
 */
export function shiftCursor(cursor: CursorValue, d: Duration, times: number, field: string): CursorValue {
  switch (cursor.kind) {
    case 'number':
      throw new FloeError(
        'CONFIG_INVALID',
        'config',
        `${field}: "${d.text}" is a duration, but the cursor is a number; give a number in the cursor's own units ` +
          '(e.g. 7200 for 2h of epoch seconds)',
        { details: { path: field } },
      );
    case 'date': {
      const days = addMonthsToDays(cursor.days, d.months * times);
      const secs = days * SECONDS_PER_DAY + d.seconds * times + Math.floor((d.nanos * times) / 1e9);
      return { kind: 'date', days: Math.floor(secs / SECONDS_PER_DAY) };
    }
    case 'instant': {
      const sod = ((cursor.seconds % SECONDS_PER_DAY) + SECONDS_PER_DAY) % SECONDS_PER_DAY;
      const day = addMonthsToDays((cursor.seconds - sod) / SECONDS_PER_DAY, d.months * times);
      return instantAt(
        day * SECONDS_PER_DAY + sod + d.seconds * times,
        cursor.nanos + d.nanos * times,
        cursor.digits,
      );
    }
  }
}

/** Normalizes nanoseconds into 0–999,999,999 by carrying whole seconds. */
function instantAt(seconds: number, nanos: number, digits: number): CursorValue {
  const carry = Math.floor(nanos / 1e9);
  return { kind: 'instant', seconds: seconds + carry, nanos: nanos - carry * 1e9, digits };
}

/** `cursor − lookback`, in the cursor's kind (see `Lookback` for what a plain number means). */
export function subtract(cursor: CursorValue, lookback: Lookback, field: string): CursorValue {
  if (lookback.kind === 'duration') return shiftCursor(cursor, lookback.duration, -1, field);
  const n = lookback.value;
  switch (cursor.kind) {
    case 'number':
      if (cursor.big !== undefined && Number.isInteger(n)) {
        const big = cursor.big - BigInt(n);
        return { kind: 'number', value: Number(big), big };
      }
      return { kind: 'number', value: cursor.value - n };
    case 'date':
      if (!Number.isInteger(n)) {
        throw new FloeError(
          'CONFIG_INVALID',
          'config',
          `${field}: ${lookback.text} is not a whole number of days (a number means days for a date cursor); use e.g. 2 or 2d`,
          { details: { path: field } },
        );
      }
      return { kind: 'date', days: cursor.days - n };
    case 'instant': {
      const whole = Math.floor(n);
      return instantAt(cursor.seconds - whole, cursor.nanos - Math.round((n - whole) * 1e9), cursor.digits);
    }
  }
}
