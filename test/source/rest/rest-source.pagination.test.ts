import { describe, expect, it } from 'vitest';
import { dataset, linkHeaderPages, offsetPages, reply, useMockApi } from '../../support/mock-api.js';
import { PAGINATION_CASES } from './pagination-cases.js';
import { allRecords, collect, endpointOf, floeErrorOf, harness, makeConfig } from './helpers.js';

describe('RestSource pagination (real local server)', () => {
  const cases = Object.entries(PAGINATION_CASES).flatMap(([type, list]) => list.map((c) => ({ ...c, type })));

  it.each(cases)('$type: $name', async ({ serve, endpoint, requests, records }) => {
    const api = await useMockApi();
    serve(api);
    const config = makeConfig({ base_url: `${api.url}/api`, endpoints: [endpoint] });
    const { source } = harness(config);
    const pages = await collect(source.pages(endpointOf(config)));
    expect(api.requests.map((r) => r.rawUrl)).toEqual(requests);
    for (const r of api.requests) {
      expect(r.method).toBe('GET');
      expect(r.headers.accept).toBe('application/json');
      expect(r.headers['user-agent']).toMatch(/^floe\/\d+\.\d+\.\d+/);
      expect(r.body).toBe('');
    }
    expect(allRecords(pages)).toHaveLength(records);
    const first = (allRecords(pages)[0] as { id: number }).id;
    expect(allRecords(pages)).toEqual(
      dataset(records, (i) => ({ id: first + i - 1, name: `r${first + i - 1}` })),
    );
    expect(pages.map((p) => p.index)).toEqual(requests.map((_, i) => i));
    expect(pages.map((p) => p.next === undefined)).toEqual(requests.map((_, i) => i === requests.length - 1));
    for (const [i, p] of pages.entries()) {
      expect(p.url).toBe(`${api.url}${requests[i] ?? ''}`);
      expect(p.status).toBe(200);
      expect(p.bytes).toBeGreaterThan(0);
    }
  });

  it('Page.next is a serializable token of the next request', async () => {
    const api = await useMockApi();
    api.get('/items', offsetPages(dataset(15), { recordsKey: 'data' }));
    const config = makeConfig({
      base_url: api.url,
      endpoints: [
        { path: '/items', records_path: '$.data', pagination: { type: 'offset', limit_value: 10 } },
      ],
    });
    const pages = await collect(harness(config).source.pages(endpointOf(config)));
    expect(pages.map((p) => p.next)).toEqual([{ offset: 10 }, undefined]);
    expect(JSON.parse(JSON.stringify(pages[0]?.next))).toEqual({ offset: 10 });
  });

  it('max_pages stops cleanly after N pages and logs it', async () => {
    const api = await useMockApi();
    api.get('/items', offsetPages(dataset(100), { recordsKey: 'data' }));
    const config = makeConfig({
      base_url: api.url,
      endpoints: [
        {
          path: '/items',
          records_path: '$.data',
          pagination: { type: 'offset', limit_value: 10, max_pages: 2 },
        },
      ],
    });
    const { source, logs } = harness(config);
    const pages = await collect(source.pages(endpointOf(config)));
    expect(pages).toHaveLength(2);
    expect(api.requests).toHaveLength(2);
    expect(pages[1]?.next).toBeUndefined();
    expect(logs.some((l) => l.includes('max_pages reached'))).toBe(true);
  });

  it('POST sends the same JSON body on every page, with pagination in the query string', async () => {
    const api = await useMockApi();
    api.post('/search', offsetPages(dataset(25), { recordsKey: 'hits' }));
    const body = { filter: { status: ['open', 'closed'] }, sort: 'id' };
    const config = makeConfig({
      base_url: api.url,
      endpoints: [
        {
          path: '/search',
          method: 'POST',
          body,
          records_path: '$.hits',
          pagination: { type: 'offset', limit_value: 10 },
        },
      ],
    });
    const pages = await collect(harness(config).source.pages(endpointOf(config)));
    expect(allRecords(pages)).toHaveLength(25);
    expect(api.requests).toHaveLength(3);
    for (const r of api.requests) {
      expect(r.method).toBe('POST');
      expect(r.headers['content-type']).toBe('application/json');
      expect(JSON.parse(r.body)).toEqual(body);
    }
    expect(api.requests.map((r) => r.query['offset'])).toEqual(['0', '10', '20']);
  });

  it.each([
    {
      name: 'cursor that repeats',
      endpoint: {
        path: '/items',
        records_path: '$.data',
        pagination: { type: 'cursor', cursor_param: 'c', cursor_path: '$.next' },
      },
      serve: (n: number) => reply.json({ data: [{ id: n }], next: n === 0 ? 'A' : n === 1 ? 'B' : 'A' }),
      requests: 3,
      mention: 'cursor "A"',
    },
    {
      name: 'cursor equal to the one just used',
      endpoint: {
        path: '/items',
        records_path: '$.data',
        pagination: { type: 'cursor', cursor_param: 'c', cursor_path: '$.next' },
      },
      serve: (n: number) => reply.json({ data: [{ id: n }], next: 'same' }),
      requests: 2,
      mention: 'cursor "same"',
    },
    {
      name: 'next link pointing back to the first page',
      endpoint: {
        path: '/items',
        records_path: '$.data',
        pagination: { type: 'next_link', next_link_path: '$.next' },
      },
      serve: (n: number) => reply.json({ data: [{ id: n }], next: n === 0 ? '/items?p=2' : '/items' }),
      requests: 2,
      mention: 'next link',
    },
    {
      name: 'Link header repeating its next URL',
      endpoint: { path: '/items', pagination: { type: 'link_header' } },
      serve: (n: number) => reply.json([{ id: n }], { headers: { link: '</items?page=2>; rel="next"' } }),
      requests: 2,
      mention: 'Link header',
    },
  ])(
    'PAGINATION_LOOP on a $name, without an extra request',
    async ({ endpoint, serve, requests, mention }) => {
      const api = await useMockApi();
      api.get('/items', (_req, n) => serve(n));
      const config = makeConfig({ base_url: api.url, endpoints: [endpoint] });
      const { source } = harness(config);
      const seen: number[] = [];
      const err = await floeErrorOf(async () => {
        for await (const p of source.pages(endpointOf(config))) seen.push(p.index);
      });
      expect(err).toMatchObject({
        code: 'PAGINATION_LOOP',
        kind: 'terminal',
        details: { endpoint: 'items' },
      });
      expect(err.message).toContain(mention);
      expect(err.message).toContain('"items"');
      expect(api.requests).toHaveLength(requests);
      // The page whose next pointer loops is not yielded: the error surfaces as soon as it is known.
      expect(seen).toEqual([...Array(requests - 1).keys()]);
    },
  );

  it.each([
    ['offset', { type: 'offset', limit_param: 'limit', limit_value: 2, offset_param: 'offset' }],
    ['page_number', { type: 'page_number', page_param: 'page', page_size_param: 'per_page', page_size_value: 2 }],
  ] as const)('PAGINATION_LOOP when the API ignores the %s parameter and repeats its page', async (_type, pagination) => {
    const api = await useMockApi();
    api.get('/items', reply.json({ data: [{ id: 1 }, { id: 2 }] })); // always the same full page
    const config = makeConfig({ base_url: api.url, endpoints: [{ path: '/items', records_path: '$.data', pagination }] });
    const { source } = harness(config);
    const seen: number[] = [];
    const err = await floeErrorOf(async () => {
      for await (const p of source.pages(endpointOf(config))) seen.push(p.index);
    });
    expect(err).toMatchObject({ code: 'PAGINATION_LOOP', details: { endpoint: 'items', page: 1 } });
    expect(err.message).toContain('same content as page 0');
    expect(seen).toEqual([0]);
    expect(api.requests).toHaveLength(2);
  });

  it('query_params and cursor values are URL-encoded as the server decodes them', async () => {
    const api = await useMockApi();
    api.get('/items', (req, n) => reply.json({ data: [{ id: n }], next: n === 0 ? 'a b&c=d/é+' : null }));
    const config = makeConfig({
      base_url: api.url,
      endpoints: [
        {
          path: '/items',
          records_path: '$.data',
          query_params: { q: 'x y&z', 'filter[status]': 'open', n: 5 },
          pagination: { type: 'cursor', cursor_param: 'cursor', cursor_path: '$.next' },
        },
      ],
    });
    await collect(harness(config).source.pages(endpointOf(config)));
    expect(api.requests.map((r) => r.query)).toEqual([
      { q: 'x y&z', 'filter[status]': 'open', n: '5' },
      { q: 'x y&z', 'filter[status]': 'open', n: '5', cursor: 'a b&c=d/é+' },
    ]);
  });

  it('a full URL as endpoint path is used as is', async () => {
    const api = await useMockApi();
    api.get('/elsewhere/items', { json: [{ id: 1 }] });
    const config = makeConfig({
      base_url: 'http://127.0.0.1:9/unused',
      endpoints: [{ path: `${api.url}/elsewhere/items` }],
    });
    const pages = await collect(harness(config).source.pages(endpointOf(config)));
    expect(allRecords(pages)).toEqual([{ id: 1 }]);
  });

  it('GitHub-style Link pagination with a base path keeps the base path', async () => {
    const api = await useMockApi();
    api.get('/gh/repos/x/issues', linkHeaderPages(dataset(5), { pageSize: 2 }));
    const config = makeConfig({
      base_url: `${api.url}/gh`,
      endpoints: [{ path: '/repos/x/issues', pagination: { type: 'link_header' } }],
    });
    const pages = await collect(harness(config).source.pages(endpointOf(config)));
    expect(allRecords(pages)).toHaveLength(5);
    expect(api.requests.map((r) => r.path)).toEqual([
      '/gh/repos/x/issues',
      '/gh/repos/x/issues',
      '/gh/repos/x/issues',
    ]);
  });
});
