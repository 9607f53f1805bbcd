import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src/source/rest/backoff.js';

describe('backoffDelay', () => {
  const defaults = { initial_delay_seconds: 1, max_delay_seconds: 300 };

  it('follows the documented 1-2-4-8-16-32 s schedule by default', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, defaults))).toEqual([
      1000, 2000, 4000, 8000, 16000, 32000,
    ]);
  });

  it.each([
    {
      name: 'capped at max_delay_seconds',
      retry: 10,
      cfg: { initial_delay_seconds: 1, max_delay_seconds: 60 },
      want: 60_000,
    },
    {
      name: 'scales with initial_delay_seconds',
      retry: 2,
      cfg: { initial_delay_seconds: 0.5, max_delay_seconds: 300 },
      want: 2000,
    },
    {
      name: 'cap below the first delay',
      retry: 0,
      cfg: { initial_delay_seconds: 5, max_delay_seconds: 2 },
      want: 2000,
    },
  ])('$name', ({ retry, cfg, want }) => {
    expect(backoffDelay(retry, cfg)).toBe(want);
  });

  it.each([
    { random: 0, want: 3200 },
    { random: 0.5, want: 4000 },
    { random: 0.999999, want: 4800 },
  ])('jitter ±20 % with random()=$random', ({ random, want }) => {
    expect(backoffDelay(2, defaults, 0.2, () => random)).toBe(want);
  });
});
