import { describe, expect, it } from 'vitest';
import {
  formatCursor,
  parseCursorValue,
  type CursorKind,
  type CursorValue,
} from '../../src/util/cursor-value.js';
import {
  isPositive,
  parseDuration,
  parseLookback,
  shiftCursor,
  subtract,
} from '../../src/util/duration.js';
import { catchError } from '../support/catch-error.js';

const FIELD = 'endpoints[users].incremental.lookback';

function cv(raw: unknown, kind: CursorKind): CursorValue {
  const v = parseCursorValue(raw, kind);
  if (v === undefined) throw new Error(`test setup: ${JSON.stringify(raw)} is not a ${kind}`);
  return v;
}

describe('parseDuration', () => {
  it.each([
    { text: '30s', months: 0, seconds: 30, nanos: 0 },
    { text: '15m', months: 0, seconds: 900, nanos: 0 },
    { text: '2h', months: 0, seconds: 7200, nanos: 0 },
    { text: '7d', months: 0, seconds: 604800, nanos: 0 },
    { text: '1w', months: 0, seconds: 604800, nanos: 0 },
    { text: '1h30m', months: 0, seconds: 5400, nanos: 0 },
    { text: '1d 12h', months: 0, seconds: 129600, nanos: 0 },
    { text: '1.5h', months: 0, seconds: 5400, nanos: 0 },
    { text: '0.25s', months: 0, seconds: 0, nanos: 250_000_000 },
    { text: '1mo', months: 1, seconds: 0, nanos: 0 },
    { text: '1y2mo3d', months: 14, seconds: 259200, nanos: 0 },
    { text: 'PT2H', months: 0, seconds: 7200, nanos: 0 },
    { text: 'P1D', months: 0, seconds: 86400, nanos: 0 },
    { text: 'P1W', months: 0, seconds: 604800, nanos: 0 },
    { text: 'P1M', months: 1, seconds: 0, nanos: 0 },
    { text: 'P1Y', months: 12, seconds: 0, nanos: 0 },
    { text: 'P1DT12H30M', months: 0, seconds: 131400, nanos: 0 },
    { text: 'PT1.5S', months: 0, seconds: 1, nanos: 500_000_000 },
    { text: 'PT0.5M', months: 0, seconds: 30, nanos: 0 },
    { text: 'pt2h', months: 0, seconds: 7200, nanos: 0 },
    { text: '0s', months: 0, seconds: 0, nanos: 0 },
  ])('$text', ({ text, months, seconds, nanos }) => {
    expect(parseDuration(text, FIELD)).toEqual({ months, seconds, nanos, text });
  });

  it.each(['', '2', '2x', 'h', '-2h', '2 h', '1.5mo', 'P', 'PT', 'P1H', 'PT1D', 'P1.5M', '2hours', '1h-30m'])(
    '%j is CONFIG_INVALID naming the field',
    (text) => {
      const e = catchError(() => parseDuration(text, FIELD));
      expect(e.code).toBe('CONFIG_INVALID');
      expect(e.details.path).toBe(FIELD);
      expect(e.message).toContain(`${FIELD}: "${text}" is not a duration such as 30s, 15m, 2h`);
    },
  );

  it('knows zero from positive', () => {
    expect(isPositive(parseDuration('0s', FIELD))).toBe(false);
    expect(isPositive(parseDuration('1mo', FIELD))).toBe(true);
    expect(isPositive(parseDuration('PT0.001S', FIELD))).toBe(true);
  });
});

describe('parseLookback', () => {
  it('reads numbers and numeric strings as numbers, the rest as durations', () => {
    expect(parseLookback(undefined, FIELD)).toBeUndefined();
    expect(parseLookback(3600, FIELD)).toEqual({ kind: 'number', value: 3600, text: '3600' });
    expect(parseLookback('3600', FIELD)).toEqual({ kind: 'number', value: 3600, text: '3600' });
    expect(parseLookback('2h', FIELD)).toMatchObject({ kind: 'duration', duration: { seconds: 7200 } });
  });

  it.each([-1, Number.POSITIVE_INFINITY, '2 fortnights'])('%j is invalid', (value) => {
    const e = catchError(() => parseLookback(value, FIELD));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.details.path).toBe(FIELD);
  });
});

describe('subtract: cursor − lookback in UTC', () => {
  it.each([
    {
      name: '2h across a day boundary',
      cursor: '2024-05-01T01:00:00Z',
      kind: 'instant',
      lookback: '2h',
      want: '2024-04-30T23:00:00Z',
    },
    {
      name: '2h across a leap-year month end',
      cursor: '2024-03-01T01:00:00Z',
      kind: 'instant',
      lookback: '2h',
      want: '2024-02-29T23:00:00Z',
    },
    {
      name: '2h across a common-year month end',
      cursor: '2023-03-01T01:00:00Z',
      kind: 'instant',
      lookback: '2h',
      want: '2023-02-28T23:00:00Z',
    },
    {
      name: '1d across a year end',
      cursor: '2024-01-01T00:00:00Z',
      kind: 'instant',
      lookback: '1d',
      want: '2023-12-31T00:00:00Z',
    },
    {
      name: 'no DST: a US spring-forward night is still 24h',
      cursor: '2024-03-11T07:00:00Z',
      kind: 'instant',
      lookback: '1d',
      want: '2024-03-10T07:00:00Z',
    },
    {
      name: 'an offset input, Z output',
      cursor: '2024-05-01T02:00:00+02:00',
      kind: 'instant',
      lookback: '30m',
      want: '2024-04-30T23:30:00Z',
    },
    {
      name: 'keeps the data precision',
      cursor: '2024-05-01T10:00:00.123Z',
      kind: 'instant',
      lookback: '15m',
      want: '2024-05-01T09:45:00.123Z',
    },
    {
      name: 'a fractional lookback borrows a second',
      cursor: '2024-05-01T10:00:00.25Z',
      kind: 'instant',
      lookback: 'PT0.5S',
      want: '2024-05-01T09:59:59.75Z',
    },
    {
      name: 'a number is seconds for instants',
      cursor: '2024-05-01T10:00:00Z',
      kind: 'instant',
      lookback: 7200,
      want: '2024-05-01T08:00:00Z',
    },
    {
      name: 'a fractional number of seconds shows its digits',
      cursor: '2024-05-01T10:00:00Z',
      kind: 'instant',
      lookback: 1.5,
      want: '2024-05-01T09:59:58.5Z',
    },
    {
      name: '1mo from a 31st clamps to the month end',
      cursor: '2024-03-31T12:00:00Z',
      kind: 'instant',
      lookback: '1mo',
      want: '2024-02-29T12:00:00Z',
    },
    {
      name: '1mo in a common year',
      cursor: '2023-03-31T12:00:00Z',
      kind: 'instant',
      lookback: 'P1M',
      want: '2023-02-28T12:00:00Z',
    },
    {
      name: '1y from a leap day',
      cursor: '2024-02-29T00:00:00Z',
      kind: 'instant',
      lookback: '1y',
      want: '2023-02-28T00:00:00Z',
    },
    {
      name: 'months first, then days (ISO order)',
      cursor: '2024-03-31T00:00:00Z',
      kind: 'instant',
      lookback: 'P1M1D',
      want: '2024-02-28T00:00:00Z',
    },
    { name: 'a date − 7d', cursor: '2024-03-03', kind: 'date', lookback: '7d', want: '2024-02-25' },
    {
      name: 'a date − 2h re-reads the whole previous day',
      cursor: '2024-03-01',
      kind: 'date',
      lookback: '2h',
      want: '2024-02-29',
    },
    {
      name: 'a date − 24h is exactly one day',
      cursor: '2024-03-01',
      kind: 'date',
      lookback: '24h',
      want: '2024-02-29',
    },
    {
      name: 'a number is days for dates',
      cursor: '2024-01-02',
      kind: 'date',
      lookback: 3,
      want: '2023-12-30',
    },
    { name: 'a date − 1mo clamps', cursor: '2024-05-31', kind: 'date', lookback: '1mo', want: '2024-04-30' },
    { name: 'a number minus a number', cursor: 1000, kind: 'number', lookback: 10, want: '990' },
    {
      name: 'a numeric string minus a number',
      cursor: '1714557600',
      kind: 'number',
      lookback: '7200',
      want: '1714550400',
    },
    {
      name: 'a big integer stays exact',
      cursor: '9007199254740995',
      kind: 'number',
      lookback: 1,
      want: '9007199254740994',
    },
    {
      name: 'zero lookback',
      cursor: '2024-05-01T10:00:00Z',
      kind: 'instant',
      lookback: '0s',
      want: '2024-05-01T10:00:00Z',
    },
  ] as const)('$name', ({ cursor, kind, lookback, want }) => {
    const lb = parseLookback(lookback, FIELD);
    if (lb === undefined) throw new Error('test setup');
    expect(formatCursor(subtract(cv(cursor, kind), lb, FIELD))).toBe(want);
  });

  it('refuses a duration on a numeric cursor (epoch seconds or millis?)', () => {
    const lb = parseLookback('2h', FIELD);
    if (lb === undefined) throw new Error('test setup');
    const e = catchError(() => subtract(cv(1714557600, 'number'), lb, FIELD));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(
      /"2h" is a duration, but the cursor is a number; give a number in the cursor's own units/,
    );
  });

  it('refuses a fractional number of days on a date cursor', () => {
    const lb = parseLookback(1.5, FIELD);
    if (lb === undefined) throw new Error('test setup');
    expect(catchError(() => subtract(cv('2024-01-02', 'date'), lb, FIELD)).details.path).toBe(FIELD);
  });
});

describe('shiftCursor forwards, k steps from an anchor', () => {
  it('steps months from the anchor without drifting to the 28th', () => {
    const from = cv('2024-01-31', 'date');
    const d = parseDuration('1mo', '--step');
    expect([1, 2, 3, 13].map((k) => formatCursor(shiftCursor(from, d, k, '--step')))).toEqual([
      '2024-02-29',
      '2024-03-31',
      '2024-04-30',
      '2025-02-28',
    ]);
  });
});
