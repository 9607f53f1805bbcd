/**
 * `concurrency` on offset and page-number endpoints: pages are requested ahead, several at once,
 * against a real local server, and still handed on strictly in page order; stop signals,
 * max_pages, errors and the rate limit behave as with one request at a time.
 */
import { describe, expect, it } from 'vitest';
import { floeConfig } from '../../../src/config/schema.js';
import { FakeClock } from '../../../src/util/clock.js';
import type { MockResponse, RecordedRequest } from '../../support/mock-api.js';
import { dataset, offsetPages, pageNumberPages, reply, useMockApi, type MockApi } from '../../support/mock-api.js';
import { allRecords, collect, endpointOf, floeErrorOf, harness, makeConfig } from './helpers.js';

/** Wraps a handler: counts requests in flight at the server (the most at once), after `delay`. */
function inFlight(
  handler: (req: RecordedRequest, n: number, api: MockApi) => MockResponse | Promise<MockResponse>,
  delay: (req: RecordedRequest) => number,
): { handler: typeof handler; max: () => number } {
  let now = 0;
  let max = 0;
  return {
    max: () => max,
    handler: async (req, n, api) => {
      now++;
      max = Math.max(max, now);
      try {
        await new Promise((r) => setTimeout(r, delay(req)));
        return await handler(req, n, api);
      } finally {
        now--;
      }
    },
  };
}

function offsetConfig(api: MockApi, endpoint: Record<string, unknown> = {}, pagination: Record<string, unknown> = {}) {
  return makeConfig({
    base_url: api.url,
    endpoints: [
      {
        path: '/items',
        records_path: '$.data',
        concurrency: 4,
        pagination: { type: 'offset', limit_value: 10, ...pagination },
        ...endpoint,
      },
    ],
  });
}

const ids = (records: readonly unknown[]): number[] => records.map((r) => (r as { id: number }).id);

describe('RestSource concurrency (pages fetched ahead)', () => {
  it('keeps up to `concurrency` requests in flight and yields pages in order, even when later pages answer first', async () => {
    const api = await useMockApi();
    // Earlier pages are slower: responses arrive out of order.
    const counted = inFlight(offsetPages(dataset(95), { recordsKey: 'data' }), (req) => 80 - Number(req.query.offset) / 2);
    api.get('/items', counted.handler);
    const config = offsetConfig(api);
    const pages = await collect(harness(config).source.pages(endpointOf(config)));
    expect(pages.map((p) => p.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(ids(allRecords(pages))).toEqual(ids(dataset(95)));
    expect(pages.map((p) => p.next)).toEqual([...[10, 20, 30, 40, 50, 60, 70, 80, 90].map((offset) => ({ offset })), undefined]);
    expect(counted.max()).toBe(4);
    // The short last page ends it; requests sent past it (at most concurrency − 1) are discarded.
    const offsets = api.requestsTo('/items').map((r) => Number(r.query.offset)).sort((a, b) => a - b);
    expect(offsets.slice(0, 10)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(offsets.length).toBeLessThanOrEqual(13);
  });

  it('page_number: the same, counting pages', async () => {
    const api = await useMockApi();
    const counted = inFlight(pageNumberPages(dataset(42), { pageSize: 5, recordsKey: 'items' }), () => 20);
    api.get('/items', counted.handler);
    const config = makeConfig({
      base_url: api.url,
      endpoints: [
        {
          path: '/items',
          records_path: '$.items',
          concurrency: 3,
          pagination: { type: 'page_number', page_param: 'page', page_size_param: 'size', page_size_value: 5 },
        },
      ],
    });
    const pages = await collect(harness(config).source.pages(endpointOf(config)));
    expect(ids(allRecords(pages))).toEqual(ids(dataset(42)));
    expect(pages.map((p) => p.next)).toEqual([...[2, 3, 4, 5, 6, 7, 8, 9].map((page) => ({ page })), undefined]);
    expect(counted.max()).toBe(3);
  });

  it('a reported total bounds the requests: none past the last page', async () => {
    const api = await useMockApi();
    api.get('/items', offsetPages(dataset(100), { recordsKey: 'data' })); // { data, total: 100 }
    const config = offsetConfig(api, { concurrency: 8 }, { total_path: '$.total' });
    const pages = await collect(harness(config).source.pages(endpointOf(config)));
    expect(ids(allRecords(pages))).toEqual(ids(dataset(100)));
    // Concurrent requests may arrive in any order.
    const offsets = api.requestsTo('/items').map((r) => Number(r.query.offset));
    expect(offsets.sort((a, b) => a - b)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
  });

  it('has_more false ends the endpoint: pages already requested after it are not yielded', async () => {
    const api = await useMockApi();
    const records = dataset(200);
    api.get('/items', (req) => {
      const offset = Number(req.query.offset);
      return reply.json({ data: records.slice(offset, offset + 10), has_more: offset < 40 });
    });
    const config = offsetConfig(api, {}, { has_more_path: '$.has_more' });
    const pages = await collect(harness(config).source.pages(endpointOf(config)));
    expect(ids(allRecords(pages))).toEqual(ids(records.slice(0, 50)));
    expect(pages.at(-1)).toMatchObject({ index: 4, end: { reason: 'the pagination ended' } });
  });

  it('max_pages caps the requests sent, not only the pages kept', async () => {
    const api = await useMockApi();
    api.get('/items', offsetPages(dataset(500), { recordsKey: 'data' }));
    const config = offsetConfig(api, { concurrency: 8 }, { max_pages: 3 });
    const pages = await collect(harness(config).source.pages(endpointOf(config)));
    expect(pages).toHaveLength(3);
    expect(api.requestsTo('/items').map((r) => Number(r.query.offset)).sort((a, b) => a - b)).toEqual([0, 10, 20]);
  });

  it('an error on a page that is needed surfaces after the pages before it, in order', async () => {
    const api = await useMockApi();
    const pages = offsetPages(dataset(95), { recordsKey: 'data' });
    api.get('/items', (req, n, a) => (Number(req.query.offset) === 30 ? reply.status(404) : pages(req, n, a)));
    const config = offsetConfig(api);
    const seen: number[] = [];
    const err = await floeErrorOf(async () => {
      for await (const p of harness(config).source.pages(endpointOf(config))) seen.push(p.index);
    });
    expect(seen).toEqual([0, 1, 2]);
    expect(err).toMatchObject({ code: 'HTTP_STATUS', details: { status: 404 } });
  });

  it('an error on a request past the last page is ignored', async () => {
    const api = await useMockApi();
    const pages = offsetPages(dataset(95), { recordsKey: 'data' });
    api.get('/items', (req, n, a) => (Number(req.query.offset) >= 100 ? reply.status(404) : pages(req, n, a)));
    const config = offsetConfig(api);
    const got = await collect(harness(config).source.pages(endpointOf(config)));
    expect(ids(allRecords(got))).toEqual(ids(dataset(95)));
  });

  it('requests still pass the rate limiter one by one', async () => {
    const api = await useMockApi();
    api.get('/items', offsetPages(dataset(60), { recordsKey: 'data' }));
    const config = offsetConfig(api, {}, {});
    const limited = floeConfig.parse({ ...config, rate_limit: { requests_per_second: 2 } });
    const clock = new FakeClock();
    const started = clock.now();
    const got = await collect(harness(limited, { clock }).source.pages(endpointOf(limited)));
    expect(ids(allRecords(got))).toEqual(ids(dataset(60)));
    // Grants are spaced on the (fake) clock: N requests span at least N − 1 intervals of 525 ms.
    const requests = api.requestsTo('/items').length;
    expect(requests).toBeGreaterThanOrEqual(7);
    expect(clock.now() - started).toBeGreaterThanOrEqual((requests - 1) * 525);
  });

  it('is refused for pagination that needs the previous response', () => {
    for (const pagination of [{ type: 'cursor', cursor_param: 'c', cursor_path: '$.next' }, { type: 'link_header' }, undefined]) {
      const r = floeConfig.safeParse({
        name: 't',
        base_url: 'http://127.0.0.1:1',
        endpoints: [{ path: '/x', concurrency: 4, ...(pagination ? { pagination } : {}) }],
      });
      expect(r.success).toBe(false);
      expect(r.error?.issues[0]).toMatchObject({ path: ['endpoints', 0, 'concurrency'] });
      expect(r.error?.issues[0]?.message).toMatch(/needs offset or page_number pagination/);
    }
  });
});
