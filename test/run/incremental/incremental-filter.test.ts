import { describe, expect, it } from 'vitest';
import type { IncrementalConfig } from '../../../src/config/schema.js';
import {
  formatCursor,
  parseCursorValue,
  type CursorKind,
  type CursorValue,
} from '../../../src/util/cursor-value.js';
import { IncrementalFilter } from '../../../src/run/incremental/incremental-filter.js';
import { catchError } from '../../support/catch-error.js';

function config(over: Partial<IncrementalConfig> = {}): IncrementalConfig {
  return { cursor_path: '$.updated_at', initial_value: '2024-01-01T00:00:00Z', on_missing: 'fail', ...over };
}
function cv(raw: unknown, kind: CursorKind): CursorValue {
  const v = parseCursorValue(raw, kind);
  if (v === undefined) throw new Error(`test setup: ${JSON.stringify(raw)} is not a ${kind}`);
  return v;
}
function filterOf(
  over: Partial<IncrementalConfig>,
  start?: string | number,
  end?: string | number,
): IncrementalFilter {
  const c = config(over);
  const kind: CursorKind =
    typeof c.initial_value === 'number' ? 'number' : c.initial_value.length === 10 ? 'date' : 'instant';
  return new IncrementalFilter({
    endpoint: 'users',
    config: c,
    start: start === undefined ? undefined : cv(start, kind),
    end: end === undefined ? undefined : cv(end, kind),
  });
}
const ids = (records: unknown[]): unknown[] => records.map((r) => (r as { id: unknown }).id);

describe('IncrementalFilter range: start inclusive, end exclusive, by type', () => {
  const records = [
    { id: 1, updated_at: '2024-01-01T09:59:59Z' },
    { id: 2, updated_at: '2024-01-01T12:00:00+02:00' }, // = 10:00Z, the start: kept
    { id: 3, updated_at: '2024-01-01T10:00:00.000001Z' },
    { id: 4, updated_at: '2024-01-01T13:00:00+02:00' }, // = 11:00Z, lexically > end, in range
    { id: 5, updated_at: '2024-01-01T12:00:00Z' }, // the end: dropped
    { id: 6, updated_at: '2024-01-01T11:59:59.999999999Z' },
    { id: 7, updated_at: '2024-01-01T06:00:00-06:00' }, // = 12:00Z: dropped
  ];

  it('keeps [start, end) and tracks the max kept', () => {
    const f = filterOf({}, '2024-01-01T10:00:00Z', '2024-01-01T12:00:00Z');
    expect(ids(f.filter(records))).toEqual([2, 3, 4, 6]);
    expect(f.max && formatCursor(f.max)).toBe('2024-01-01T11:59:59.999999999Z');
    expect([f.kept, f.dropped, f.missing]).toEqual([4, 3, 0]);
  });

  it('without bounds keeps everything; max is the latest instant, not the latest string', () => {
    const f = filterOf({});
    expect(f.filter(records)).toHaveLength(7);
    expect(f.max && formatCursor(f.max)).toBe('2024-01-01T12:00:00Z');
  });

  it('compares numeric strings as numbers', () => {
    const f = filterOf({ cursor_path: '$.seq', initial_value: 0 }, 9, 100);
    const out = f.filter([
      { id: 'a', seq: '10' },
      { id: 'b', seq: 9 },
      { id: 'c', seq: '8' },
      { id: 'd', seq: '100' },
      { id: 'e', seq: 99.5 },
    ]);
    expect(ids(out)).toEqual(['a', 'b', 'e']);
    expect(f.max && formatCursor(f.max)).toBe('99.5');
  });

  it('accumulates over pages and an empty page changes nothing', () => {
    const f = filterOf({}, '2024-01-01T00:00:00Z');
    f.filter([{ id: 1, updated_at: '2024-03-01T00:00:00Z' }]);
    expect(f.filter([])).toEqual([]);
    f.filter([{ id: 2, updated_at: '2024-02-01T00:00:00Z' }]);
    expect(f.max && formatCursor(f.max)).toBe('2024-03-01T00:00:00Z');
    expect(f.kept).toBe(2);
  });
});

describe('IncrementalFilter cursor paths', () => {
  it.each([
    { name: 'nested', path: '$.fields.updated', record: { id: 1, fields: { updated: '2024-02-01' } } },
    {
      name: 'bracketed with a space',
      path: "$['last modified']",
      record: { id: 1, 'last modified': '2024-02-01' },
    },
    { name: 'into an array', path: '$.history[0].at', record: { id: 1, history: [{ at: '2024-02-01' }] } },
    { name: "dlt's bare field name", path: 'updated', record: { id: 1, updated: '2024-02-01' } },
    {
      name: "dlt's bare nested name",
      path: 'meta.updated',
      record: { id: 1, meta: { updated: '2024-02-01' } },
    },
    {
      name: 'a filter expression (jsonpath-plus, first match)',
      path: "$.dates[?(@.type=='updated')].value",
      record: {
        id: 1,
        dates: [
          { type: 'created', value: '2020-01-01' },
          { type: 'updated', value: '2024-02-01' },
        ],
      },
    },
  ])('$name: $path', ({ path, record }) => {
    const f = filterOf({ cursor_path: path, initial_value: '2024-01-01' }, '2024-01-15');
    expect(f.filter([record, { ...record, id: 2 }])).toHaveLength(2);
    expect(f.max && formatCursor(f.max)).toBe('2024-02-01');
  });

  it('does not read inherited properties as cursors', () => {
    const f = filterOf({ cursor_path: '$.toString', on_missing: 'exclude' });
    expect(f.filter([{ id: 1 }])).toEqual([]);
    expect(f.missing).toBe(1);
  });
});

describe('IncrementalFilter on_missing', () => {
  const page = [
    { id: 1, updated_at: '2024-02-01T00:00:00Z' },
    { id: 2, updated_at: null },
    { id: 3 },
    { id: 4, updated_at: '' },
    { id: 5, updated_at: '2024-01-01T00:00:00Z' },
    'not an object',
  ];

  it.each([
    { on_missing: 'include', kept: [1, 2, 3, 4, 5, undefined], dropped: 0 },
    { on_missing: 'exclude', kept: [1, 5], dropped: 4 },
  ] as const)('$on_missing', ({ on_missing, kept, dropped }) => {
    const f = filterOf({ on_missing }, '2024-01-01T00:00:00Z');
    expect(ids(f.filter(page).map((r) => (typeof r === 'object' ? r : { id: undefined })))).toEqual(kept);
    expect(f.dropped).toBe(dropped);
    expect(f.missing).toBe(4);
    // Records without a cursor never move the max.
    expect(f.max && formatCursor(f.max)).toBe('2024-02-01T00:00:00Z');
  });

  it('fail: a terminal error naming the endpoint, the cursor path and the record', () => {
    const f = filterOf({ on_missing: 'fail', cursor_path: '$.meta.updated_at' });
    f.filter([{ id: 'x', meta: { updated_at: '2024-02-01T00:00:00Z' } }]);
    const e = catchError(() =>
      f.filter([
        { id: 'y', meta: { updated_at: '2024-02-01T00:00:00Z' } },
        { id: 'z', meta: {} },
      ]),
    );
    expect(e.code).toBe('STATE_INVALID');
    expect(e.kind).toBe('terminal');
    expect(e.details).toMatchObject({
      endpoint: 'users',
      path: 'endpoints[users].incremental.cursor_path',
      record_index: 2, // counted across pages
    });
    expect(e.message).toBe(
      'Endpoint "users": record 2 (id="z") has no cursor (absent) at $.meta.updated_at; incremental.on_missing is ' +
        'fail; set it to include or exclude, or point cursor_path at a field every record has',
    );
  });

  it('fail on a record without an id shows a short excerpt', () => {
    const f = filterOf({ on_missing: 'fail' });
    const e = catchError(() => f.filter([{ name: 'n'.repeat(200), updated_at: null }]));
    expect(e.message).toMatch(/record 0 \(\{"name":"n+…\) has no cursor \(null\)/);
    expect(e.message.length).toBeLessThan(300);
  });

  it('an all-null page ends nothing early: later pages are filtered as usual', () => {
    const f = filterOf({ on_missing: 'exclude' }, '2024-01-01T00:00:00Z');
    expect(
      f.filter([
        { id: 1, updated_at: null },
        { id: 2, updated_at: null },
      ]),
    ).toEqual([]);
    expect(f.max).toBeUndefined();
    expect(ids(f.filter([{ id: 3, updated_at: '2024-05-01T00:00:00Z' }]))).toEqual([3]);
    expect(f.max && formatCursor(f.max)).toBe('2024-05-01T00:00:00Z');
  });
});

describe('IncrementalFilter wrong-kind cursors', () => {
  it.each([
    {
      name: 'a date where timestamps are expected',
      initial: '2024-01-01T00:00:00Z',
      value: '2024-02-01',
      want: /"2024-02-01" is a YYYY-MM-DD date, but the cursor's initial_value makes it an ISO-8601 timestamp/,
    },
    {
      name: 'epoch seconds where timestamps are expected',
      initial: '2024-01-01T00:00:00Z',
      value: 1706745600,
      want: /is a number.*epoch numbers compare as numbers/,
    },
    {
      name: 'a timestamp where dates are expected',
      initial: '2024-01-01',
      value: '2024-02-01T00:00:00Z',
      want: /is an ISO-8601 timestamp/,
    },
    { name: 'garbage where numbers are expected', initial: 0, value: 'v2', want: /"v2" is not a number/ },
  ])('$name → STATE_INVALID naming endpoint and value', ({ initial, value, want }) => {
    const f = filterOf({ initial_value: initial });
    const e = catchError(() => f.filter([{ id: 7, updated_at: value }]));
    expect(e.code).toBe('STATE_INVALID');
    expect(e.message).toMatch(/^Endpoint "users": record 0 \(id=7\) has a cursor that /);
    expect(e.message).toMatch(want);
  });

  it('a bound of another kind is a bug in the caller', () => {
    expect(
      () =>
        new IncrementalFilter({
          endpoint: 'users',
          config: config(),
          start: cv(5, 'number'),
          end: undefined,
        }),
    ).toThrow(/start bound is of kind number but the cursor's kind is instant/);
  });
});
