/**
 * Issue 7's "what was seen" cases against the real third-party servers: json-server 0.17 and 1.0
 * beta (npm devDependencies, in-process) and Stripe's stripe-mock (built by .ci/run).
 */
import { describe, expect, it } from 'vitest';
import { floeConfig } from '../../../src/config/schema.js';
import { startJsonServer017, startJsonServer1 } from '../../support/third-party/json-server.js';
import { hasStripeMock, startStripeMock } from '../../support/third-party/stripe-mock.js';
import { allRecords, collect, endpointOf, floeErrorOf, harness, makeConfig } from './helpers.js';

const titles = (records: readonly unknown[]): string[] => records.map((r) => (r as { title: string }).title);
const posts = Array.from({ length: 3000 }, (_, i) => ({
  id: i + 1,
  title: `post ${i + 1}`,
  views: (i * 7) % 101,
}));

describe('json-server 0.17 (Link + X-Total-Count, 10 rows unless asked)', () => {
  const endpoint = {
    path: '/posts',
    pagination: { type: 'page_number', page_param: '_page', page_size_value: 100 },
  };

  it('page_number without page_size_param and without a stop signal is a config error naming the signals', () => {
    const parsed = floeConfig.safeParse({ name: 't', base_url: 'http://127.0.0.1:1', endpoints: [endpoint] });
    expect(parsed.success).toBe(false);
    const text = JSON.stringify(parsed.error?.issues);
    for (const signal of [
      'page_size_param',
      'total_header',
      'total_path',
      'total_pages_path',
      'has_more_path',
      'stop_after_empty_page',
    ]) {
      expect(text).toContain(signal);
    }
  });

  it('with total_header: X-Total-Count loads all 3,000 rows at the 10 rows the server serves', async () => {
    const server = await startJsonServer017({ posts });
    const config = makeConfig({
      base_url: server.url,
      endpoints: [{ ...endpoint, pagination: { ...endpoint.pagination, total_header: 'X-Total-Count' } }],
    });
    const pages = await collect(harness(config).source.pages(endpointOf(config)));
    expect(allRecords(pages)).toEqual(posts);
    expect(pages).toHaveLength(300);
    expect(pages.at(-1)?.reported).toEqual({ records: 3000 });
  }, 60_000);

  it('with page_size_param: _limit it asks for 100 and stops on the short page', async () => {
    const server = await startJsonServer017({ posts: posts.slice(0, 250) });
    const config = makeConfig({
      base_url: server.url,
      endpoints: [{ ...endpoint, pagination: { ...endpoint.pagination, page_size_param: '_limit' } }],
    });
    const pages = await collect(harness(config).source.pages(endpointOf(config)));
    expect(allRecords(pages)).toHaveLength(250);
    expect(pages).toHaveLength(3);
  });

  it('gzip: floe asks for compression, the server compresses and the records decode', async () => {
    const server = await startJsonServer017({ posts });
    const config = makeConfig({ base_url: server.url, endpoints: [{ path: '/posts' }] });
    const [page] = await collect(harness(config).source.pages(endpointOf(config)));
    expect(page?.records).toEqual(posts);
    // Bytes on the wire: the gzip body is far smaller than the JSON text.
    expect(page!.bytes).toBeLessThan(JSON.stringify(posts).length / 3);
  });
});

describe('json-server 1.0 beta ({ pages, next, items, data } envelope; a page past the end repeats the last)', () => {
  const pagination = {
    type: 'page_number',
    page_param: '_page',
    page_size_param: '_per_page',
    page_size_value: 100,
  };

  it('without a stop signal the repeated last page is PAGINATION_LOOP naming total_pages_path: $.pages', async () => {
    const server = await startJsonServer1({ posts });
    const config = makeConfig({
      base_url: server.url,
      endpoints: [{ path: '/posts', records_path: '$.data', pagination }],
    });
    const err = await floeErrorOf(() => collect(harness(config).source.pages(endpointOf(config))));
    expect(err.code).toBe('PAGINATION_LOOP');
    expect(err.message).toContain('total_pages_path: $.pages');
  });

  it.each([
    ['total_pages_path', { total_pages_path: '$.pages' }],
    ['total_path', { total_path: '$.items' }],
    ['has_more_path on next (null on the last page)', { has_more_path: '$.next' }],
  ])('an exact multiple of the page size loads all 3,000 rows with %s', async (_name, signal) => {
    const server = await startJsonServer1({ posts });
    const config = makeConfig({
      base_url: server.url,
      endpoints: [{ path: '/posts', records_path: '$.data', pagination: { ...pagination, ...signal } }],
    });
    const pages = await collect(harness(config).source.pages(endpointOf(config)));
    // json-server 1.0 turns ids into strings; the rest of each record is as stored.
    expect(titles(allRecords(pages))).toEqual(titles(posts));
    expect(pages).toHaveLength(30);
  });

  it('auto detects the envelope (records under data, page numbers with total_pages_path)', async () => {
    const server = await startJsonServer1({ posts: posts.slice(0, 1000) });
    const config = makeConfig({
      base_url: server.url,
      endpoints: [
        { path: '/posts', query_params: { _page: 1, _per_page: 100 }, pagination: { type: 'auto' } },
      ],
    });
    const pages = await collect(harness(config).source.pages(endpointOf(config)));
    expect(titles(allRecords(pages))).toEqual(titles(posts.slice(0, 1000)));
    expect(pages[0]?.detected).toEqual({
      records_path: '$.data',
      pagination: { type: 'page_number', page_param: '_page', total_pages_path: '$.pages' },
    });
  });
});

describe.runIf(hasStripeMock)('stripe-mock (has_more lists)', () => {
  const stripe = { cursor_param: 'starting_after', cursor_path: '$.data[-1:].id' };

  it('cursor_path $.data[-1:].id with has_more_path: $.has_more stops when has_more is false', async () => {
    const server = await startStripeMock();
    const base = server.url.replace('http://', 'http://sk_test_123:@') + '/v1';
    const config = makeConfig({
      base_url: base,
      endpoints: [
        {
          path: '/customers',
          records_path: '$.data',
          query_params: { limit: 3 },
          pagination: { type: 'cursor', ...stripe, has_more_path: '$.has_more' },
        },
      ],
    });
    const pages = await collect(harness(config).source.pages(endpointOf(config)));
    expect(pages).toHaveLength(1);
    expect(allRecords(pages)).toHaveLength(1);
    expect((allRecords(pages)[0] as { object: string }).object).toBe('customer');
  });

  it('without has_more_path the repeated list is PAGINATION_LOOP naming has_more_path: $.has_more', async () => {
    const server = await startStripeMock();
    const config = makeConfig({
      base_url: `${server.url}/v1`,
      auth: { type: 'bearer', token: 'sk_test_123' },
      endpoints: [{ path: '/customers', records_path: '$.data', pagination: { type: 'cursor', ...stripe } }],
    });
    const err = await floeErrorOf(() => collect(harness(config).source.pages(endpointOf(config))));
    expect(err.code).toBe('PAGINATION_LOOP');
    expect(err.message).toContain('has_more_path: $.has_more');
  });

  it('auto detects a Stripe list: data records, starting_after cursor, has_more', async () => {
    const server = await startStripeMock();
    const config = makeConfig({
      base_url: `${server.url}/v1`,
      auth: { type: 'bearer', token: 'sk_test_123' },
      endpoints: [{ path: '/charges', pagination: { type: 'auto' } }],
    });
    const pages = await collect(harness(config).source.pages(endpointOf(config)));
    expect(pages).toHaveLength(1);
    expect(pages[0]?.detected).toEqual({
      records_path: '$.data',
      pagination: { type: 'cursor', ...stripe, has_more_path: '$.has_more' },
    });
  });
});
