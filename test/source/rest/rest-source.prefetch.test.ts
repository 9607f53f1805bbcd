import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/util/clock.js';
import { dataset, offsetPages, reply, useMockApi, type MockApi } from '../../support/mock-api.js';
import { collect, endpointOf, floeErrorOf, harness, makeConfig } from './helpers.js';

async function until(cond: () => boolean, ms = 1000): Promise<boolean> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return cond();
}

function pagedConfig(api: MockApi, over: Record<string, unknown> = {}) {
  return makeConfig({
    base_url: api.url,
    endpoints: [{ path: '/items', records_path: '$.data', pagination: { type: 'offset', limit_value: 10 } }],
    ...over,
  });
}

describe('RestSource prefetch, early stop and abort', () => {
  it('requests page n+1 before handing page n to the consumer', async () => {
    const api = await useMockApi();
    api.get('/items', offsetPages(dataset(30), { recordsKey: 'data' }));
    const config = pagedConfig(api);
    const it = harness(config).source.pages(endpointOf(config));
    const first = await it.next();
    if (first.done === true) throw new Error('no first page');
    expect(first.value.index).toBe(0);
    // The consumer has not asked for page 1, yet the server receives its request.
    expect(await until(() => api.requests.length === 2)).toBe(true);
    expect(api.requests[1]?.query['offset']).toBe('10');
    await it.return(undefined);
  });

  it('stopping early cancels the in-flight prefetch and leaves nothing dangling', async () => {
    const api = await useMockApi();
    const pages = offsetPages(dataset(100), { recordsKey: 'data' });
    api.get('/items', async (req, n) =>
      n === 0 ? pages(req, n, api) : reply.delay(3000, await pages(req, n, api)),
    );
    const config = pagedConfig(api);
    const { source } = harness(config);
    const started = performance.now();
    for await (const page of source.pages(endpointOf(config))) {
      expect(page.index).toBe(0);
      expect(await until(() => api.requests.length === 2)).toBe(true);
      break;
    }
    // The slow prefetch was aborted, not awaited for 3 s; closing the pool does not wait either.
    await source.close();
    expect(performance.now() - started).toBeLessThan(1500);
    expect(api.requests).toHaveLength(2);
  });

  it('aborting the signal while a page is in flight rejects with ABORTED', async () => {
    const api = await useMockApi();
    api.get('/items', reply.delay(3000, reply.json({ data: [] })));
    const config = pagedConfig(api);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const started = performance.now();
    const err = await floeErrorOf(() =>
      collect(harness(config).source.pages(endpointOf(config), { signal: ac.signal })),
    );
    expect(err.code).toBe('ABORTED');
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('aborting during a retry wait stops at once', async () => {
    const api = await useMockApi();
    api.get('/items', reply.status(503));
    const config = pagedConfig(api, { retry: { initial_delay_seconds: 30 } });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const started = performance.now();
    const err = await floeErrorOf(() =>
      collect(
        harness(config, { clock: systemClock }).source.pages(endpointOf(config), { signal: ac.signal }),
      ),
    );
    expect(err.code).toBe('ABORTED');
    expect(performance.now() - started).toBeLessThan(1500);
    expect(api.requests).toHaveLength(1);
  });

  it('a failing prefetch surfaces when the consumer asks for that page, after the earlier page', async () => {
    const api = await useMockApi();
    const pages = offsetPages(dataset(30), { recordsKey: 'data' });
    api.get('/items', (req, n) => (n === 0 ? pages(req, n, api) : reply.status(404)));
    const config = pagedConfig(api);
    const seen: number[] = [];
    const err = await floeErrorOf(async () => {
      for await (const p of harness(config).source.pages(endpointOf(config))) {
        seen.push(p.index);
        await new Promise((r) => setTimeout(r, 50)); // the prefetch fails meanwhile: no unhandled rejection
      }
    });
    expect(seen).toEqual([0]);
    expect(err).toMatchObject({ code: 'HTTP_STATUS', details: { status: 404 } });
  });
});
