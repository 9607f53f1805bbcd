/** Window bounds render in the style of initial_value (issue 7): the API may compare strings. */
import { describe, expect, it } from 'vitest';
import type { IncrementalConfig } from '../../../src/config/schema.js';
import { windowRange } from '../../../src/run/backfill/window-range.js';
import { planWindows } from '../../../src/run/backfill/windows.js';
import { computeIncrementalRange } from '../../../src/run/incremental/start-value.js';

const inc = (initial_value: string | number, end_value?: string): IncrementalConfig => ({
  cursor_path: '$.created_at',
  initial_value,
  ...(end_value !== undefined ? { end_value } : {}),
  on_missing: 'fail',
});

describe('backfill window bounds in the style of initial_value', () => {
  const windows = planWindows({ from: '2023-01-01', to: '2023-06-01', step: '1mo' });

  it.each([
    ['.000Z', '2020-01-01T00:00:00.000Z', '2023-01-01T00:00:00.000Z', '2023-02-01T00:00:00.000Z'],
    ['+00:00', '2020-01-01T00:00:00+00:00', '2023-01-01T00:00:00+00:00', '2023-02-01T00:00:00+00:00'],
    ['+0000', '2020-01-01T00:00:00+0000', '2023-01-01T00:00:00+0000', '2023-02-01T00:00:00+0000'],
    [
      '+02:00 (the same instant in that offset)',
      '2020-01-01T00:00:00+02:00',
      '2023-01-01T02:00:00+02:00',
      '2023-02-01T02:00:00+02:00',
    ],
    ['naive (no offset)', '2020-01-01T00:00:00', '2023-01-01T00:00:00', '2023-02-01T00:00:00'],
    [
      'a space and micros',
      '2020-01-01 00:00:00.000000Z',
      '2023-01-01 00:00:00.000000Z',
      '2023-02-01 00:00:00.000000Z',
    ],
    ['plain Z', '2020-01-01T00:00:00Z', '2023-01-01T00:00:00Z', '2023-02-01T00:00:00Z'],
  ])('%s', (_name, initial, start, end) => {
    const r = windowRange({ endpoint: 'events', config: inc(initial), window: windows[0]! });
    expect(r.vars['incremental.start_value']).toBe(start);
    expect(r.vars['incremental.end_value']).toBe(end);
  });

  it('an API comparing strings loses nothing on a window start (the issue’s 1mo backfill)', () => {
    // Records exactly on each window start, as the API stores them: with milliseconds.
    const records = windows.map((w) => ({ created_at: `${w.startText}T00:00:00.000Z` }));
    let loaded = 0;
    for (const w of windows) {
      const { vars } = windowRange({
        endpoint: 'events',
        config: inc('2020-01-01T00:00:00.000Z'),
        window: w,
      });
      const lo = vars['incremental.start_value'];
      const hi = vars['incremental.end_value']!;
      loaded += records.filter((r) => r.created_at >= lo && r.created_at < hi).length;
    }
    expect(loaded).toBe(5);
  });
});

describe('incremental bounds in the style of initial_value', () => {
  it('state and end_value render like initial_value, never dropping precision', () => {
    const r = computeIncrementalRange({
      endpoint: 'events',
      config: inc('2020-01-01T00:00:00.000Z', '2025-01-01T00:00:00Z'),
      state: { kind: 'instant', cursor: '2024-05-01T10:00:00Z' },
    });
    expect(r.vars).toEqual({
      'incremental.start_value': '2024-05-01T10:00:00.000Z',
      'incremental.end_value': '2025-01-01T00:00:00.000Z',
    });
    const micro = computeIncrementalRange({
      endpoint: 'events',
      config: inc('2020-01-01T00:00:00Z'),
      state: { kind: 'instant', cursor: '2024-05-01T10:00:00.123456Z' },
    });
    expect(micro.vars['incremental.start_value']).toBe('2024-05-01T10:00:00.123456Z');
  });
});
