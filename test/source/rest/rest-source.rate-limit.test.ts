import { describe, expect, it } from 'vitest';
import { FakeClock, systemClock } from '../../../src/util/clock.js';
import { dataset, offsetPages, reply, useMockApi } from '../../support/mock-api.js';
import { collect, endpointOf, harness, makeConfig } from './helpers.js';

/** The most arrivals in any window [t, t + ms) that starts at an arrival. */
function maxInWindow(times: readonly number[], ms: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (j < sorted.length && (sorted[j] ?? Infinity) < (sorted[i] ?? 0) + ms) j++;
    max = Math.max(max, j - i);
  }
  return max;
}

describe('RestSource rate limiting', () => {
  it('requests_per_second holds at the server, in real time, across concurrent endpoints', async () => {
    const api = await useMockApi();
    api.get('/a', offsetPages(dataset(120), { recordsKey: 'data' }));
    api.get('/b', offsetPages(dataset(120), { recordsKey: 'data' }));
    const paged = (path: string) => ({
      path,
      records_path: '$.data',
      pagination: { type: 'offset', limit_value: 10 },
    });
    const config = makeConfig({
      base_url: api.url,
      rate_limit: { requests_per_second: 20 },
      endpoints: [paged('/a'), paged('/b')],
    });
    const { source } = harness(config, { clock: systemClock });
    const started = performance.now();
    await Promise.all([
      collect(source.pages(endpointOf(config, 0))),
      collect(source.pages(endpointOf(config, 1))),
    ]);
    const elapsed = performance.now() - started;
    const arrivals = api.requests.map((r) => r.at);
    expect(arrivals).toHaveLength(26); // 13 pages each (the 13th is empty)
    expect(maxInWindow(arrivals, 1000)).toBeLessThanOrEqual(20);
    // Unthrottled this takes a few ms; 26 requests at ≤ 20/s need at least 25 gaps of 50 ms.
    expect(elapsed).toBeGreaterThanOrEqual(1250);
  });

  it('requests_per_minute spaces requests by the injected clock', async () => {
    const api = await useMockApi();
    api.get('/items', offsetPages(dataset(40), { recordsKey: 'data' }));
    const config = makeConfig({
      base_url: api.url,
      rate_limit: { requests_per_minute: 30 },
      endpoints: [
        { path: '/items', records_path: '$.data', pagination: { type: 'offset', limit_value: 10 } },
      ],
    });
    const clock = new FakeClock();
    await collect(harness(config, { clock }).source.pages(endpointOf(config)));
    expect(api.requests).toHaveLength(5);
    expect(clock.sleeps).toEqual(Array(4).fill(Math.ceil((60_000 + 50) / 30)));
  });

  it('retries pass through the limiter too', async () => {
    const api = await useMockApi();
    api.sequence('GET', '/items', [reply.status(503), reply.json([])]);
    const config = makeConfig({
      base_url: api.url,
      rate_limit: { requests_per_second: 1 },
      endpoints: [{ path: '/items' }],
    });
    const clock = new FakeClock();
    await collect(harness(config, { clock }).source.pages(endpointOf(config)));
    // 1 s backoff, then the limiter's remaining 50 ms of its 1050 ms gap.
    expect(clock.sleeps).toEqual([1000, 50]);
  });
});
