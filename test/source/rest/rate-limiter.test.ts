import { describe, expect, it } from 'vitest';
import {
  RATE_LIMIT_SAFETY_MS,
  RateLimiter,
  rateLimitIntervalMs,
} from '../../../src/source/rest/rate-limiter.js';
import { FakeClock } from '../../../src/util/clock.js';

/** Grant times of `n` acquisitions by `concurrency` concurrent callers. */
async function grants(limiter: RateLimiter, clock: FakeClock, n: number, concurrency = 1): Promise<number[]> {
  const times: number[] = [];
  let left = n;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) {
        // The grant time, not clock.now() afterwards: a fake clock moves on as the next waiter sleeps.
        times.push(await limiter.acquire());
      }
    }),
  );
  return times;
}

/** The most requests in any window [t, t + windowMs) starting at a grant. */
function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j < sorted.length && (sorted[j] ?? Infinity) < (sorted[i] ?? 0) + windowMs) j++;
    max = Math.max(max, j - i);
  }
  return max;
}

describe('rateLimitIntervalMs', () => {
  it.each([
    { name: 'no config', cfg: undefined, want: 0 },
    { name: 'no limits', cfg: {}, want: 0 },
    { name: 'per second', cfg: { requests_per_second: 20 }, want: (1000 + RATE_LIMIT_SAFETY_MS) / 20 },
    { name: 'per minute', cfg: { requests_per_minute: 30 }, want: (60_000 + RATE_LIMIT_SAFETY_MS) / 30 },
    {
      name: 'the more restrictive wins (minute)',
      cfg: { requests_per_second: 10, requests_per_minute: 60 },
      want: (60_000 + RATE_LIMIT_SAFETY_MS) / 60,
    },
    {
      name: 'the more restrictive wins (second)',
      cfg: { requests_per_second: 1, requests_per_minute: 600 },
      want: 1000 + RATE_LIMIT_SAFETY_MS,
    },
    { name: 'fractional rate', cfg: { requests_per_second: 0.5 }, want: (1000 + RATE_LIMIT_SAFETY_MS) / 0.5 },
  ])('$name', ({ cfg, want }) => {
    expect(rateLimitIntervalMs(cfg)).toBeCloseTo(want, 6);
  });
});

describe('RateLimiter (fake clock)', () => {
  it('never lets more than requests_per_minute into any 60 s window, nor requests_per_second into any 1 s', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(
      rateLimitIntervalMs({ requests_per_second: 5, requests_per_minute: 30 }),
      clock,
    );
    const times = await grants(limiter, clock, 200, 4);
    expect(times).toHaveLength(200);
    expect(maxInWindow(times, 60_000)).toBeLessThanOrEqual(30);
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(5);
    // And it is not needlessly slow: about 30 per minute.
    const spanMinutes = ((times.at(-1) ?? 0) - (times[0] ?? 0)) / 60_000;
    expect(199 / spanMinutes).toBeGreaterThan(29.5);
  });

  it('holds requests_per_second under concurrency', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(rateLimitIntervalMs({ requests_per_second: 20 }), clock);
    const times = await grants(limiter, clock, 100, 8);
    // Even spacing plus the safety margin: at most 20, and not far below.
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(20);
    expect(maxInWindow(times, 1000)).toBeGreaterThanOrEqual(19);
  });

  it('waits exactly the interval (rounded up to whole ms) between grants', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(rateLimitIntervalMs({ requests_per_second: 4 }), clock);
    await grants(limiter, clock, 3);
    expect(clock.sleeps).toEqual([Math.ceil(1050 / 4), Math.ceil(1050 / 4)]);
  });

  it('does not wait when time has already passed', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(1000, clock);
    await limiter.acquire();
    clock.advance(5000);
    await limiter.acquire();
    expect(clock.sleeps).toEqual([]);
  });

  it('is a no-op without limits', async () => {
    const clock = new FakeClock();
    await grants(new RateLimiter(0, clock), clock, 50);
    expect(clock.sleeps).toEqual([]);
  });

  it('an aborted waiter rejects with ABORTED and does not block the queue', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(1000, clock);
    await limiter.acquire();
    const ac = new AbortController();
    ac.abort();
    await expect(limiter.acquire(ac.signal)).rejects.toMatchObject({ code: 'ABORTED' });
    await limiter.acquire();
    expect(clock.sleeps).toEqual([1000]);
  });
});
