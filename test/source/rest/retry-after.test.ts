import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../src/source/rest/retry-after.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('parseRetryAfter', () => {
  it.each([
    { name: 'absent', value: undefined, want: undefined },
    { name: 'empty', value: '', want: undefined },
    { name: 'seconds', value: '7', want: 7000 },
    { name: 'zero', value: '0', want: 0 },
    { name: 'seconds with spaces', value: ' 120 ', want: 120_000 },
    { name: 'fractional seconds', value: '1.5', want: 1500 },
    { name: 'HTTP-date in the future', value: 'Thu, 01 Jan 2026 12:00:30 GMT', want: 30_000 },
    { name: 'HTTP-date in the past → no wait', value: 'Thu, 01 Jan 2026 11:59:00 GMT', want: 0 },
    { name: 'negative number is not valid', value: '-5', want: undefined },
    { name: 'garbage', value: 'soon', want: undefined },
  ])('$name', ({ value, want }) => {
    expect(parseRetryAfter(value, NOW)).toBe(want);
  });
});
