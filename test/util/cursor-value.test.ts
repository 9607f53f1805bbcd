import { describe, expect, it } from 'vitest';
import {
  coerceCursor,
  compareCursors,
  cursorFromConfig,
  cursorKindOf,
  describeCursorMismatch,
  formatCursor,
  maxCursor,
  parseCursorValue,
  type CursorKind,
  type CursorValue,
} from '../../src/util/cursor-value.js';
import { catchError } from '../support/catch-error.js';

function cv(raw: unknown, kind: CursorKind): CursorValue {
  const v = parseCursorValue(raw, kind);
  if (v === undefined) throw new Error(`test setup: ${JSON.stringify(raw)} is not a ${kind}`);
  return v;
}
const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);

describe('compareCursors: by type, where string comparison is wrong', () => {
  it.each([
    {
      name: 'an offset makes the lexically larger instant earlier',
      a: '2024-01-01T10:00:00+02:00',
      b: '2024-01-01T09:00:00Z',
      kind: 'instant',
      want: -1,
    },
    {
      name: 'a negative offset makes the lexically smaller instant later',
      a: '2024-01-01T01:00:00-05:00',
      b: '2024-01-01T05:00:00Z',
      kind: 'instant',
      want: 1,
    },
    {
      name: 'Z and +00:00 are the same instant',
      a: '2024-01-01T00:00:00Z',
      b: '2024-01-01T00:00:00+00:00',
      kind: 'instant',
      want: 0,
    },
    {
      name: '+0000 and -00:00 are the same instant',
      a: '2024-01-01T00:00:00+0000',
      b: '2024-01-01T00:00:00-00:00',
      kind: 'instant',
      want: 0,
    },
    {
      name: 'a fraction after whole seconds ("." < "Z")',
      a: '2024-01-01T00:00:00.5Z',
      b: '2024-01-01T00:00:00Z',
      kind: 'instant',
      want: 1,
    },
    {
      name: 'fractions of different lengths',
      a: '2024-01-01T00:00:00.5Z',
      b: '2024-01-01T00:00:00.123456789Z',
      kind: 'instant',
      want: 1,
    },
    {
      name: 'trailing zeros in the fraction are equal',
      a: '2024-01-01T00:00:00.500Z',
      b: '2024-01-01T00:00:00.5Z',
      kind: 'instant',
      want: 0,
    },
    {
      name: 'nanoseconds count',
      a: '2024-01-01T00:00:00.000000001Z',
      b: '2024-01-01T00:00:00Z',
      kind: 'instant',
      want: 1,
    },
    {
      name: 'a naive timestamp is UTC',
      a: '2024-01-01T00:00:00',
      b: '2024-01-01T00:00:00Z',
      kind: 'instant',
      want: 0,
    },
    {
      name: 'a space for T, without seconds',
      a: '2024-01-01 10:30',
      b: '2024-01-01T10:30:00Z',
      kind: 'instant',
      want: 0,
    },
    {
      name: 'lower-case t and z',
      a: '2024-01-01t10:30:00z',
      b: '2024-01-01T10:30:00Z',
      kind: 'instant',
      want: 0,
    },
    {
      name: 'offset crossing midnight and a year end',
      a: '2024-01-01T00:30:00+01:00',
      b: '2023-12-31T23:45:00Z',
      kind: 'instant',
      want: -1,
    },
    {
      name: 'a comma as decimal mark',
      a: '2024-01-01T00:00:00,25Z',
      b: '2024-01-01T00:00:00.25Z',
      kind: 'instant',
      want: 0,
    },
    { name: 'dates by day', a: '2024-02-29', b: '2024-03-01', kind: 'date', want: -1 },
    { name: '9 < 10 as numbers', a: 9, b: 10, kind: 'number', want: -1 },
    { name: '"9" < "10" as numeric strings', a: '9', b: '10', kind: 'number', want: -1 },
    { name: 'number vs numeric string', a: 100, b: '99', kind: 'number', want: 1 },
    { name: 'negative numbers', a: '-2', b: '-10', kind: 'number', want: 1 },
    { name: 'decimals', a: '1.5', b: '1.25', kind: 'number', want: 1 },
    { name: 'leading zeros', a: '007', b: 7, kind: 'number', want: 0 },
    {
      name: 'integers past 2^53 that round to the same double',
      a: '9007199254740993',
      b: '9007199254740992',
      kind: 'number',
      want: 1,
    },
    {
      name: 'epoch millis vs seconds stay numbers',
      a: 1714557600000,
      b: 1714557600,
      kind: 'number',
      want: 1,
    },
  ] as const)('$name', ({ a, b, kind, want }) => {
    expect(sign(compareCursors(cv(a, kind), cv(b, kind)))).toBe(want);
    expect(sign(compareCursors(cv(b, kind), cv(a, kind)))).toBe(want === 0 ? 0 : -want);
  });
});

describe('parseCursorValue rejects what is not of the kind', () => {
  it.each([
    { raw: '2024-01-01', kind: 'instant' },
    { raw: '2024-01-01T10:00:00Z', kind: 'date' },
    { raw: 1714557600, kind: 'instant' },
    { raw: '1714557600', kind: 'instant' },
    { raw: '2024-02-30T00:00:00Z', kind: 'instant' },
    { raw: '2023-02-29', kind: 'date' },
    { raw: '2024-01-01T24:00:00Z', kind: 'instant' },
    { raw: '2024-01-01T23:59:60Z', kind: 'instant' },
    { raw: '2024-01-01T10:00:00.Z', kind: 'instant' },
    { raw: '2024-01-01T10:00:00+2', kind: 'instant' },
    { raw: '2024-01-01T10:00:00 ', kind: 'instant' },
    { raw: 'yesterday', kind: 'instant' },
    { raw: '12abc', kind: 'number' },
    { raw: Number.NaN, kind: 'number' },
    { raw: '2024-01-01', kind: 'number' },
    { raw: true, kind: 'number' },
    { raw: { $date: '2024-01-01' }, kind: 'date' },
  ] as const)('$raw is not a $kind', ({ raw, kind }) => {
    expect(parseCursorValue(raw, kind)).toBeUndefined();
  });
});

describe('formatCursor: what {{ incremental.start_value }} renders', () => {
  it.each([
    { name: 'whole seconds', raw: '2024-05-01T10:00:00Z', kind: 'instant', want: '2024-05-01T10:00:00Z' },
    {
      name: 'an offset becomes Z',
      raw: '2024-05-01T12:00:00+02:00',
      kind: 'instant',
      want: '2024-05-01T10:00:00Z',
    },
    { name: 'naive becomes Z', raw: '2024-05-01T10:00:00', kind: 'instant', want: '2024-05-01T10:00:00Z' },
    { name: 'no seconds gains them', raw: '2024-05-01T10:00', kind: 'instant', want: '2024-05-01T10:00:00Z' },
    {
      name: 'millis keep 3 digits',
      raw: '2024-05-01T10:00:00.120Z',
      kind: 'instant',
      want: '2024-05-01T10:00:00.120Z',
    },
    {
      name: 'micros keep 6 digits',
      raw: '2024-05-01T10:00:00.000001+00:00',
      kind: 'instant',
      want: '2024-05-01T10:00:00.000001Z',
    },
    {
      name: 'nanos keep 9 digits',
      raw: '2024-05-01T10:00:00.123456789Z',
      kind: 'instant',
      want: '2024-05-01T10:00:00.123456789Z',
    },
    {
      name: 'past nanos is truncated',
      raw: '2024-05-01T10:00:00.1234567891Z',
      kind: 'instant',
      want: '2024-05-01T10:00:00.123456789Z',
    },
    { name: 'year 1970 start', raw: '1970-01-01T00:00:00Z', kind: 'instant', want: '1970-01-01T00:00:00Z' },
    {
      name: 'before the epoch',
      raw: '1969-12-31T23:59:59.5Z',
      kind: 'instant',
      want: '1969-12-31T23:59:59.5Z',
    },
    { name: 'a date', raw: '2024-02-29', kind: 'date', want: '2024-02-29' },
    { name: 'a number', raw: 1714557600, kind: 'number', want: '1714557600' },
    { name: 'a numeric string', raw: ' 0042 ', kind: 'number', want: '42' },
    {
      name: 'a big integer string',
      raw: '12345678901234567890',
      kind: 'number',
      want: '12345678901234567890',
    },
  ] as const)('$name', ({ raw, kind, want }) => {
    expect(formatCursor(cv(raw, kind))).toBe(want);
  });
});

describe('cursorKindOf / cursorFromConfig', () => {
  it.each([
    ['2024-01-01T00:00:00Z', 'instant'],
    ['2024-01-01T00:00:00', 'instant'],
    ['2024-01-01', 'date'],
    [0, 'number'],
    ['1700000000', 'number'],
    ['soon', undefined],
  ] as const)('%s is a %s', (value, kind) => {
    expect(cursorKindOf(value)).toBe(kind);
  });

  it('names the field and shows valid forms for an unknown value', () => {
    const e = catchError(() => cursorFromConfig('last week', 'endpoints[users].incremental.initial_value'));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.details.path).toBe('endpoints[users].incremental.initial_value');
    expect(e.message).toMatch(/"last week" is not a cursor value; use a timestamp like 2024-01-01T00:00:00Z/);
  });

  it('says a date is not a timestamp when the kind is fixed', () => {
    const e = catchError(() =>
      cursorFromConfig('2024-06-01', 'endpoints[users].incremental.end_value', 'instant'),
    );
    expect(e.message).toBe(
      'endpoints[users].incremental.end_value: "2024-06-01" is a YYYY-MM-DD date, but the cursor\'s initial_value ' +
        'makes it an ISO-8601 timestamp such as 2024-01-01T00:00:00Z',
    );
  });

  it('points epoch numbers at a numeric initial_value', () => {
    expect(describeCursorMismatch(1714557600, 'instant')).toMatch(/epoch numbers compare as numbers/);
  });
});

describe('maxCursor and coerceCursor', () => {
  it('keeps the later value by type, either side undefined', () => {
    const a = cv('2024-01-01T10:00:00+02:00', 'instant');
    const b = cv('2024-01-01T09:00:00Z', 'instant');
    expect(maxCursor(a, b)).toBe(b);
    expect(maxCursor(b, a)).toBe(b);
    expect(maxCursor(undefined, a)).toBe(a);
    expect(maxCursor(a, undefined)).toBe(a);
    expect(maxCursor(undefined, undefined)).toBeUndefined();
  });

  it('turns a date into its UTC midnight and back, and nothing lossy', () => {
    const d = cv('2024-03-01', 'date');
    const t = coerceCursor(d, 'instant');
    expect(t && formatCursor(t)).toBe('2024-03-01T00:00:00Z');
    expect(t && coerceCursor(t, 'date')).toEqual({ kind: 'date', days: (d as { days: number }).days });
    expect(coerceCursor(cv('2024-03-01T00:00:01Z', 'instant'), 'date')).toBeUndefined();
    expect(coerceCursor(cv(5, 'number'), 'instant')).toBeUndefined();
  });
});
