import { FloeError } from '../../util/errors.js';
import { formatDays, formatInstant, SECONDS_PER_DAY } from '../../util/iso-8601.js';
import {
  coerceCursor,
  compareCursors,
  cursorKindOf,
  formatCursor,
  parseCursorValue,
  type CursorValue,
} from '../../util/cursor-value.js';
import { parseDuration, shiftCursor, type Duration } from '../../util/duration.js';

/** One backfill window `[start, end)`, run as its own unit. */
export interface BackfillWindow {
  /** 0-based position in the plan. */
  readonly index: number;
  /**
   * Stable id for recording completion: `<start>..<end>` in canonical form — instants as
   * `…Z` (dates as their UTC midnight), numbers as decimal text — so `--from 2023-01-01` and
   * `--from 2023-01-01T00:00:00Z` plan windows with the same ids.
   */
  readonly id: string;
  readonly start: CursorValue;
  readonly end: CursorValue;
  /** `start` formatted like the inputs (a date stays `YYYY-MM-DD`). */
  readonly startText: string;
  readonly endText: string;
  /** The window start's UTC day, `YYYY-MM-DD`, for `{{ dt }}`; absent for numeric windows. */
  readonly dt?: string;
}

/** The arguments of `floe backfill`. */
export interface WindowPlanInput {
  readonly from: string | number;
  readonly to: string | number;
  readonly step: string | number;
  /** Refuse plans with more windows than this (default 100,000): a typo'd step should not run for days. */
  readonly maxWindows?: number;
}

export const DEFAULT_MAX_WINDOWS = 100_000;

/**
 * Splits `[from, to)` into half-open windows of `step`, in order, the last one clipped to `to`:
 * together they cover the range exactly, with no gap and no overlap (window k's end is window
 * k+1's start).
 *
 * - `from`/`to`: `YYYY-MM-DD` dates, ISO-8601 timestamps (naive = UTC), or numbers for numeric
 *   cursors. A date and a timestamp mix as timestamps (the date's UTC midnight).
 * - `step`: a duration (`12h`, `1d`, `7d`, `1w`, `1mo`, `1y`, `P1D`, …) for dates and timestamps; a
 *   plain number for numeric ranges. Date ranges need whole-day steps.
 * - **Calendar months are supported** (`1mo`, `3mo`, `1y`, `P1M`): window k starts at `from + k
 *   months`, computed from `from` each time with the day clamped to the month's length, so
 *   windows from Jan 31 start Feb 29 (2024), Mar 31, Apr 30, … and never drift to the 28th.
 *
 * Invalid input is a `USAGE` error naming `--from`, `--to` or `--step`.
 */
export function planWindows({
  from,
  to,
  step,
  maxWindows = DEFAULT_MAX_WINDOWS,
}: WindowPlanInput): BackfillWindow[] {
  const [start, end] = bounds(from, to);
  if (compareCursors(start, end) >= 0) {
    throw usage(
      '--to',
      `--to ${formatCursor(end)} must be later than --from ${formatCursor(start)} (the range is [from, to))`,
    );
  }
  const at = stepper(start, step);
  const windows: BackfillWindow[] = [];
  let lo = start;
  for (let k = 1; compareCursors(lo, end) < 0; k++) {
    if (k > maxWindows) {
      throw usage(
        '--step',
        `--step ${String(step)} splits the range into more than ${maxWindows} windows; use a larger step`,
      );
    }
    const next = at(k);
    const hi = compareCursors(next, end) < 0 ? next : end;
    windows.push(makeWindow(k - 1, lo, hi));
    lo = hi;
  }
  return windows;
}

function bounds(from: string | number, to: string | number): [CursorValue, CursorValue] {
  const fromKind = cursorKindOf(from);
  const toKind = cursorKindOf(to);
  if (fromKind === undefined) throw usage('--from', `--from ${String(from)} is not ${FORMS}`);
  if (toKind === undefined) throw usage('--to', `--to ${String(to)} is not ${FORMS}`);
  const timeLike = (k: string): boolean => k === 'date' || k === 'instant';
  if (fromKind !== toKind && !(timeLike(fromKind) && timeLike(toKind))) {
    throw usage(
      '--to',
      `--from ${String(from)} is a ${fromKind} but --to ${String(to)} is a ${toKind}; give both as the same kind`,
    );
  }
  const kind = fromKind === toKind ? fromKind : 'instant';
  const parse = (v: string | number, flag: string): CursorValue => {
    const own = parseCursorValue(typeof v === 'string' ? v.trim() : v, cursorKindOf(v) ?? kind);
    const value = own === undefined ? undefined : coerceCursor(own, kind);
    if (value === undefined) throw usage(flag, `${flag} ${String(v)} is not ${FORMS}`);
    if (value.kind === 'number' && value.big !== undefined) {
      throw usage(flag, `${flag} ${String(v)} is beyond 2^53; numeric backfill windows need safe integers`);
    }
    return value;
  };
  return [parse(from, '--from'), parse(to, '--to')];
}

const FORMS = 'a date (2023-01-01), an ISO-8601 timestamp (2023-01-01T00:00:00Z) or a number';

/** `k ↦ from + k·step`, always from `from` so month clamping and float error never accumulate. */
function stepper(from: CursorValue, step: string | number): (k: number) => CursorValue {
  if (from.kind === 'number') {
    const n =
      typeof step === 'number' ? step : /^\s*\d+(?:\.\d+)?\s*$/.test(step) ? Number(step) : Number.NaN;
    if (!(n > 0) || !Number.isFinite(n)) {
      throw usage(
        '--step',
        `--step ${String(step)} must be a positive number for a numeric range (e.g. 10000)`,
      );
    }
    return (k) => ({ kind: 'number', value: from.value + k * n });
  }
  if (typeof step === 'number') {
    throw usage('--step', `--step ${step} needs a unit for a ${from.kind} range, e.g. ${step}d or ${step}h`);
  }
  let d: Duration;
  try {
    d = parseDuration(step, '--step');
  } catch (e) {
    throw usage('--step', (e as Error).message);
  }
  if (d.months === 0 && d.seconds === 0 && d.nanos === 0)
    throw usage('--step', `--step ${step} must be longer than zero`);
  if (from.kind === 'date' && (d.nanos !== 0 || d.seconds % SECONDS_PER_DAY !== 0)) {
    throw usage(
      '--step',
      `--step ${step} is not a whole number of days, but --from/--to are dates; use a step like 1d, or give timestamps`,
    );
  }
  return (k) => shiftCursor(from, d, k, '--step');
}

function makeWindow(index: number, start: CursorValue, end: CursorValue): BackfillWindow {
  const window = {
    index,
    id: `${canonical(start)}..${canonical(end)}`,
    start,
    end,
    startText: formatCursor(start),
    endText: formatCursor(end),
  };
  switch (start.kind) {
    case 'date':
      return { ...window, dt: formatDays(start.days) };
    case 'instant':
      return { ...window, dt: formatDays(Math.floor(start.seconds / SECONDS_PER_DAY)) };
    case 'number':
      return window;
  }
}

function canonical(v: CursorValue): string {
  const t = coerceCursor(v, 'instant');
  return t?.kind === 'instant' ? formatInstant(t.seconds, t.nanos, 0) : formatCursor(v);
}

function usage(flag: string, message: string): FloeError {
  return new FloeError('USAGE', 'config', `backfill: ${message}`, { details: { path: flag } });
}
