import { describe, expect, it } from 'vitest';
import { windowRange } from '../../../src/run/backfill/window-range.js';
import { planWindows, type BackfillWindow } from '../../../src/run/backfill/windows.js';
import type { IncrementalConfig } from '../../../src/config/schema.js';
import { compareCursors } from '../../../src/util/cursor-value.js';
import { catchError } from '../../support/catch-error.js';

const texts = (ws: BackfillWindow[]): string[] => ws.map((w) => `${w.startText}..${w.endText}`);

describe('planWindows', () => {
  it.each([
    {
      name: 'an exact multiple of 7d',
      from: '2023-01-01',
      to: '2023-01-22',
      step: '7d',
      want: ['2023-01-01..2023-01-08', '2023-01-08..2023-01-15', '2023-01-15..2023-01-22'],
    },
    {
      name: 'the last window clipped',
      from: '2023-01-01',
      to: '2023-01-10',
      step: '1w',
      want: ['2023-01-01..2023-01-08', '2023-01-08..2023-01-10'],
    },
    {
      name: 'a single window',
      from: '2023-01-01',
      to: '2023-01-04',
      step: '7d',
      want: ['2023-01-01..2023-01-04'],
    },
    {
      name: 'exactly one step is one window',
      from: '2023-01-01',
      to: '2023-01-02',
      step: 'P1D',
      want: ['2023-01-01..2023-01-02'],
    },
    {
      name: 'days across a leap day',
      from: '2024-02-28',
      to: '2024-03-02',
      step: '1d',
      want: ['2024-02-28..2024-02-29', '2024-02-29..2024-03-01', '2024-03-01..2024-03-02'],
    },
    {
      name: '12h over timestamps, offsets normalized to Z',
      from: '2023-01-01T02:00:00+02:00',
      to: '2023-01-02T06:00:00Z',
      step: '12h',
      want: [
        '2023-01-01T00:00:00Z..2023-01-01T12:00:00Z',
        '2023-01-01T12:00:00Z..2023-01-02T00:00:00Z',
        '2023-01-02T00:00:00Z..2023-01-02T06:00:00Z',
      ],
    },
    {
      name: 'a date and a timestamp mix as timestamps',
      from: '2023-01-01',
      to: '2023-01-01T18:00:00Z',
      step: '6h',
      want: [
        '2023-01-01T00:00:00Z..2023-01-01T06:00:00Z',
        '2023-01-01T06:00:00Z..2023-01-01T12:00:00Z',
        '2023-01-01T12:00:00Z..2023-01-01T18:00:00Z',
      ],
    },
    {
      name: 'calendar months from a 31st do not drift',
      from: '2024-01-31',
      to: '2024-06-15',
      step: '1mo',
      want: [
        '2024-01-31..2024-02-29',
        '2024-02-29..2024-03-31',
        '2024-03-31..2024-04-30',
        '2024-04-30..2024-05-31',
        '2024-05-31..2024-06-15',
      ],
    },
    {
      name: 'quarters',
      from: '2023-01-01',
      to: '2024-01-01',
      step: '3mo',
      want: [
        '2023-01-01..2023-04-01',
        '2023-04-01..2023-07-01',
        '2023-07-01..2023-10-01',
        '2023-10-01..2024-01-01',
      ],
    },
    {
      name: 'months on timestamps keep the time of day',
      from: '2023-01-31T12:00:00Z',
      to: '2023-03-01T00:00:00Z',
      step: 'P1M',
      want: ['2023-01-31T12:00:00Z..2023-02-28T12:00:00Z', '2023-02-28T12:00:00Z..2023-03-01T00:00:00Z'],
    },
    {
      name: 'numbers, clipped',
      from: 0,
      to: '2500',
      step: 1000,
      want: ['0..1000', '1000..2000', '2000..2500'],
    },
    { name: 'numbers with a string step', from: '10', to: '30', step: '10', want: ['10..20', '20..30'] },
  ])('$name', ({ from, to, step, want }) => {
    const ws = planWindows({ from, to, step });
    expect(texts(ws)).toEqual(want);
    expect(ws.map((w) => w.index)).toEqual(want.map((_, i) => i));
    // Contiguous, half-open, covering [from, to) exactly.
    for (let i = 1; i < ws.length; i++) expect(compareCursors(ws[i - 1]!.end, ws[i]!.start)).toBe(0);
    for (const w of ws) expect(compareCursors(w.start, w.end)).toBeLessThan(0);
  });

  it('gives canonical ids, the same for a date and its UTC midnight', () => {
    const a = planWindows({ from: '2023-01-01', to: '2023-01-15', step: '7d' });
    const b = planWindows({ from: '2023-01-01T00:00:00Z', to: '2023-01-15T00:00:00+00:00', step: '1w' });
    expect(a.map((w) => w.id)).toEqual([
      '2023-01-01T00:00:00Z..2023-01-08T00:00:00Z',
      '2023-01-08T00:00:00Z..2023-01-15T00:00:00Z',
    ]);
    expect(b.map((w) => w.id)).toEqual(a.map((w) => w.id));
    expect(planWindows({ from: 0, to: 10, step: 5 }).map((w) => w.id)).toEqual(['0..5', '5..10']);
  });

  it('binds dt to the window start day (UTC), not for numbers', () => {
    expect(
      planWindows({ from: '2023-01-31T18:00:00-08:00', to: '2023-02-03T00:00:00Z', step: '1d' }).map(
        (w) => w.dt,
      ),
    ).toEqual(['2023-02-01', '2023-02-02']);
    expect(planWindows({ from: 0, to: 10, step: 5 })[0]?.dt).toBeUndefined();
  });

  it('plans a year of days quickly, and stops at maxWindows', () => {
    expect(planWindows({ from: '2023-01-01', to: '2024-01-01', step: '1d' })).toHaveLength(365);
    expect(planWindows({ from: '2023-01-01', to: '2023-01-11', step: '1d', maxWindows: 10 })).toHaveLength(
      10,
    );
    const e = catchError(() =>
      planWindows({ from: '2023-01-01', to: '2023-01-12', step: '1d', maxWindows: 10 }),
    );
    expect(e.details.path).toBe('--step');
    const big = catchError(() =>
      planWindows({ from: '2000-01-01T00:00:00Z', to: '2024-01-01T00:00:00Z', step: '1s' }),
    );
    expect(big.message).toMatch(/more than 100000 windows; use a larger step/);
  });

  it.each([
    {
      name: 'from = to',
      from: '2023-01-01',
      to: '2023-01-01',
      step: '1d',
      flag: '--to',
      want: /must be later than --from/,
    },
    {
      name: 'from > to',
      from: '2024-01-01',
      to: '2023-01-01',
      step: '1d',
      flag: '--to',
      want: /must be later/,
    },
    {
      name: 'a bad from',
      from: '2023-13-01',
      to: '2024-01-01',
      step: '1d',
      flag: '--from',
      want: /is not a date/,
    },
    {
      name: 'a bad to',
      from: '2023-01-01',
      to: 'now',
      step: '1d',
      flag: '--to',
      want: /--to now is not a date/,
    },
    { name: 'number vs date', from: 0, to: '2024-01-01', step: '1d', flag: '--to', want: /same kind/ },
    {
      name: 'a bad step',
      from: '2023-01-01',
      to: '2024-01-01',
      step: '7days',
      flag: '--step',
      want: /"7days" is not a duration/,
    },
    {
      name: 'a zero step',
      from: '2023-01-01',
      to: '2024-01-01',
      step: '0d',
      flag: '--step',
      want: /longer than zero/,
    },
    {
      name: 'a sub-day step on dates',
      from: '2023-01-01',
      to: '2024-01-01',
      step: '12h',
      flag: '--step',
      want: /not a whole number of days/,
    },
    {
      name: 'a unitless step on dates',
      from: '2023-01-01',
      to: '2024-01-01',
      step: 7,
      flag: '--step',
      want: /needs a unit.*7d/,
    },
    {
      name: 'a duration step on numbers',
      from: 0,
      to: 100,
      step: '1d',
      flag: '--step',
      want: /positive number/,
    },
    { name: 'a negative numeric step', from: 0, to: 100, step: -5, flag: '--step', want: /positive number/ },
  ])('$name → USAGE naming $flag', ({ from, to, step, flag, want }) => {
    const e = catchError(() => planWindows({ from, to, step }));
    expect(e.code).toBe('USAGE');
    expect(e.details.path).toBe(flag);
    expect(e.message).toMatch(/^backfill: /);
    expect(e.message).toMatch(want);
  });
});

describe('windowRange', () => {
  const inc = (initial_value: string | number): IncrementalConfig => ({
    cursor_path: '$.updated_at',
    initial_value,
    on_missing: 'fail',
  });
  const [week] = planWindows({ from: '2023-01-01', to: '2023-01-08', step: '7d' });
  if (week === undefined) throw new Error('test setup');

  it.each([
    {
      name: 'a timestamp cursor gets the window as timestamps',
      config: inc('2020-01-01T00:00:00Z'),
      vars: {
        'incremental.start_value': '2023-01-01T00:00:00Z',
        'incremental.end_value': '2023-01-08T00:00:00Z',
        dt: '2023-01-01',
      },
    },
    {
      name: 'a date cursor gets dates',
      config: inc('2020-01-01'),
      vars: {
        'incremental.start_value': '2023-01-01',
        'incremental.end_value': '2023-01-08',
        dt: '2023-01-01',
      },
    },
    {
      name: 'no incremental config: as the inputs were written',
      config: undefined,
      vars: {
        'incremental.start_value': '2023-01-01',
        'incremental.end_value': '2023-01-08',
        dt: '2023-01-01',
      },
    },
  ])('$name', ({ config, vars }) => {
    const r = windowRange({ endpoint: 'events', config, window: week });
    expect(r.vars).toEqual(vars);
    expect(r.empty).toBe(false);
    expect(r.previous).toBeUndefined();
  });

  it('refuses a window that cannot drive the cursor', () => {
    const [half] = planWindows({ from: '2023-01-01T00:00:00Z', to: '2023-01-02T00:00:00Z', step: '12h' });
    if (half === undefined) throw new Error('test setup');
    const e = catchError(() => windowRange({ endpoint: 'events', config: inc('2020-01-01'), window: half }));
    expect(e.code).toBe('USAGE');
    expect(e.message).toMatch(/endpoint "events", whose cursor is a date .* whole-day --step/);
    expect(
      catchError(() => windowRange({ endpoint: 'events', config: inc(0), window: week })).message,
    ).toMatch(/give --from\/--to as numbers/);
  });
});
