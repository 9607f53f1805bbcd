import { describe, expect, it } from 'vitest';
import type { IncrementalConfig } from '../../../src/config/schema.js';
import { formatCursor, parseCursorValue } from '../../../src/util/cursor-value.js';
import {
  nextIncrementalState,
  readIncrementalState,
  stateFromUserValue,
  toIncrementalState,
} from '../../../src/run/incremental/incremental-state.js';
import { computeIncrementalRange } from '../../../src/run/incremental/start-value.js';
import { catchError } from '../../support/catch-error.js';

function config(over: Partial<IncrementalConfig> = {}): IncrementalConfig {
  return { cursor_path: '$.updated_at', initial_value: '2024-01-01T00:00:00Z', on_missing: 'fail', ...over };
}
const range = (
  over: Partial<IncrementalConfig>,
  state?: unknown,
): ReturnType<typeof computeIncrementalRange> =>
  computeIncrementalRange({ endpoint: 'users', config: config(over), state });

describe('computeIncrementalRange', () => {
  it.each([
    {
      name: 'first run starts at initial_value, written as initial_value is (issue 7: offset form kept)',
      over: { initial_value: '2024-01-01T02:00:00+02:00', lookback: '2h' },
      state: undefined,
      vars: { 'incremental.start_value': '2024-01-01T02:00:00+02:00' },
    },
    {
      name: 'later runs start at state − lookback',
      over: { lookback: '2h' },
      state: { kind: 'instant', cursor: '2024-05-01T01:30:00.250Z' },
      vars: { 'incremental.start_value': '2024-04-30T23:30:00.250Z' },
    },
    {
      name: 'no lookback: start at the state exactly (inclusive, the merge dedupes the boundary)',
      over: {},
      state: { kind: 'instant', cursor: '2024-05-01T00:00:00Z' },
      vars: { 'incremental.start_value': '2024-05-01T00:00:00Z' },
    },
    {
      name: 'the lookback never reaches before initial_value',
      over: { lookback: '7d' },
      state: { kind: 'instant', cursor: '2024-01-03T00:00:00Z' },
      vars: { 'incremental.start_value': '2024-01-01T00:00:00Z' },
    },
    {
      name: 'a raised initial_value moves the start up without a state reset',
      over: { initial_value: '2024-06-01T00:00:00Z' },
      state: { kind: 'instant', cursor: '2024-05-01T00:00:00Z' },
      vars: { 'incremental.start_value': '2024-06-01T00:00:00Z' },
    },
    {
      name: 'end_value binds incremental.end_value',
      over: { end_value: '2024-07-01T00:00:00+00:00' },
      state: undefined,
      vars: {
        'incremental.start_value': '2024-01-01T00:00:00Z',
        'incremental.end_value': '2024-07-01T00:00:00Z',
      },
    },
    {
      name: 'end_value null is no end',
      over: { end_value: null },
      state: undefined,
      vars: { 'incremental.start_value': '2024-01-01T00:00:00Z' },
    },
    {
      name: 'dates with a numeric lookback in days, across a month end',
      over: { initial_value: '2024-01-01', lookback: 2 },
      state: { kind: 'date', cursor: '2024-03-01' },
      vars: { 'incremental.start_value': '2024-02-28' },
    },
    {
      name: 'numbers with a numeric lookback, from a hand-written numeric state',
      over: { initial_value: 0, lookback: 100 },
      state: { kind: 'number', cursor: 1714557600 },
      vars: { 'incremental.start_value': '1714557500' },
    },
  ])('$name', ({ over, state, vars }) => {
    const r = range(over, state);
    expect(r.vars).toEqual(vars);
    expect(parseCursorValue(vars['incremental.start_value'], r.start.kind)).toMatchObject({ ...r.start, source: expect.anything() as unknown });
    expect(r.empty).toBe(false);
  });

  it('keeps the committed cursor for the next state', () => {
    const r = range({ lookback: '1h' }, { kind: 'instant', cursor: '2024-05-01T00:00:00Z' });
    expect(r.previous && formatCursor(r.previous)).toBe('2024-05-01T00:00:00Z');
    expect(range({}).previous).toBeUndefined();
  });

  it('is empty when the state already reached end_value', () => {
    const r = range(
      { end_value: '2024-02-01T00:00:00Z' },
      { kind: 'instant', cursor: '2024-02-01T00:00:00Z' },
    );
    expect(r.empty).toBe(true);
  });

  it.each([
    { name: 'a bad lookback, even on the first run', over: { lookback: '2 hours' }, path: 'lookback' },
    {
      name: 'a duration lookback on a numeric cursor',
      over: { initial_value: 0, lookback: '2h' },
      path: 'lookback',
    },
    { name: 'an unparsable initial_value', over: { initial_value: 'last monday' }, path: 'initial_value' },
    { name: 'an end_value of another kind', over: { end_value: '2024-06-01' }, path: 'end_value' },
    {
      name: 'an end_value not after initial_value',
      over: { end_value: '2024-01-01T00:00:00Z' },
      path: 'end_value',
    },
  ])('$name → CONFIG_INVALID naming the field', ({ over, path }) => {
    const e = catchError(() => range(over));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.details.path).toBe(`endpoints[users].incremental.${path}`);
    expect(e.message.startsWith(`endpoints[users].incremental.${path}: `)).toBe(true);
  });
});

describe('stored state validation', () => {
  it.each([
    {
      name: 'not an object',
      stored: '2024-01-01T00:00:00Z',
      want: /"2024-01-01T00:00:00Z" is not an object like/,
    },
    { name: 'an array', stored: [], want: /is not an object/ },
    { name: 'null', stored: null, want: /null is not an object/ },
    {
      name: 'no kind',
      stored: { cursor: '2024-01-01T00:00:00Z' },
      want: /its kind undefined is not one of instant, date, number/,
    },
    { name: 'an unknown kind', stored: { kind: 'time', cursor: 'x' }, want: /its kind "time" is not one of/ },
    {
      name: 'a kind the config no longer has',
      stored: { kind: 'date', cursor: '2024-01-01' },
      want: /holds a cursor of kind date \("2024-01-01"\) but initial_value now sets kind instant; the config changed/,
    },
    { name: 'no cursor', stored: { kind: 'instant' }, want: /it has no "cursor"/ },
    {
      name: 'an unparsable cursor',
      stored: { kind: 'instant', cursor: '2024-13-01T00:00:00Z' },
      want: /its cursor "2024-13-01T00:00:00Z" is not an ISO-8601 timestamp/,
    },
    {
      name: 'a number where text is expected',
      stored: { kind: 'instant', cursor: 1714557600 },
      want: /its cursor 1714557600 is a number/,
    },
  ])('$name → STATE_INVALID with the repair commands', ({ stored, want }) => {
    const e = catchError(() => readIncrementalState(stored, { endpoint: 'users', kind: 'instant' }));
    expect(e.code).toBe('STATE_INVALID');
    expect(e.details.endpoint).toBe('users');
    expect(e.message).toMatch(/^Endpoint "users": the stored incremental state is invalid: /);
    expect(e.message).toMatch(want);
    expect(e.message).toContain('floe state set <config> --endpoint users --value <cursor>');
    expect(e.message).toContain('floe state reset <config> --endpoint users');
  });

  it('computeIncrementalRange rejects bad state the same way', () => {
    expect(catchError(() => range({}, { kind: 'number', cursor: '5' })).code).toBe('STATE_INVALID');
  });

  it('round-trips through JSON, keeping precision and big integers', () => {
    for (const [raw, kind] of [
      ['2024-05-01T10:00:00.123456Z', 'instant'],
      ['2024-05-01', 'date'],
      ['12345678901234567891', 'number'],
    ] as const) {
      const v = parseCursorValue(raw, kind);
      if (v === undefined) throw new Error('test setup');
      const stored: unknown = JSON.parse(JSON.stringify(toIncrementalState(v)));
      expect(stored).toEqual({ kind, cursor: raw });
      expect(formatCursor(readIncrementalState(stored, { endpoint: 'e', kind }))).toBe(raw);
    }
  });
});

describe('nextIncrementalState', () => {
  const t = (s: string) => parseCursorValue(s, 'instant');
  it.each([
    {
      name: 'the run moved the cursor',
      previous: '2024-05-01T00:00:00Z',
      max: '2024-05-02T00:00:00+02:00',
      want: '2024-05-01T22:00:00Z',
    },
    {
      name: 'a lookback re-read only older records: never go back',
      previous: '2024-05-01T00:00:00Z',
      max: '2024-04-30T23:00:00Z',
      want: '2024-05-01T00:00:00Z',
    },
    { name: 'nothing kept', previous: '2024-05-01T00:00:00Z', max: undefined, want: '2024-05-01T00:00:00Z' },
    { name: 'first run', previous: undefined, max: '2024-05-01T00:00:00.5Z', want: '2024-05-01T00:00:00.5Z' },
  ])('$name', ({ previous, max, want }) => {
    const next = nextIncrementalState(
      previous === undefined ? undefined : t(previous),
      max === undefined ? undefined : t(max),
    );
    expect(next).toEqual({ kind: 'instant', cursor: want });
  });

  it('first run with nothing kept commits no state', () => {
    expect(nextIncrementalState(undefined, undefined)).toBeUndefined();
  });
});

describe('stateFromUserValue (floe state set --value)', () => {
  it('parses by the endpoint cursor kind and normalizes', () => {
    expect(stateFromUserValue(config(), 'users', '2024-05-01T12:00:00+02:00')).toEqual({
      kind: 'instant',
      cursor: '2024-05-01T10:00:00Z',
    });
    expect(stateFromUserValue(config({ initial_value: 0 }), 'users', ' 42 ')).toEqual({
      kind: 'number',
      cursor: '42',
    });
  });

  it('names --value on a wrong kind', () => {
    const e = catchError(() => stateFromUserValue(config(), 'users', '2024-05-01'));
    expect(e.code).toBe('USAGE');
    expect(e.details.path).toBe('--value');
    expect(e.message).toMatch(
      /^state set: --value "2024-05-01" is a YYYY-MM-DD date, but .* \(endpoint "users"\)$/,
    );
  });
});
