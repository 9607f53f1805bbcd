/**
 * Stop signals from the response on every pagination type, error-shaped pages, and the records
 * detection, against the local mock API (the fault cases no real server produces on demand).
 */
import { describe, expect, it } from 'vitest';
import {
  dataset,
  offsetPages,
  reply,
  useMockApi,
  type Handler,
  type MockResponse,
} from '../../support/mock-api.js';
import { allRecords, collect, endpointOf, floeErrorOf, harness, makeConfig } from './helpers.js';

const DATA = dataset(50);

/** Offset pages of 10 with `{ data, has_more, total, total_pages }` and `X-Total-Count`. */
function envelope(records: readonly unknown[], opts: { total?: number; repeatLast?: boolean } = {}): Handler {
  return (req) => {
    const limit = Number(req.query['limit'] ?? 10);
    let offset = Number(req.query['offset'] ?? (Number(req.query['page'] ?? 1) - 1) * limit);
    if (opts.repeatLast && offset >= records.length) offset = records.length - limit;
    const total = opts.total ?? records.length;
    const data = records.slice(offset, offset + limit);
    return reply.json(
      { data, has_more: offset + limit < records.length, total, total_pages: Math.ceil(total / limit) },
      { headers: { 'x-total-count': String(total) } },
    );
  };
}

describe('stop signals on every pagination type', () => {
  const signals = [
    { name: 'has_more_path', signal: { has_more_path: '$.has_more' } },
    { name: 'total_path', signal: { total_path: '$.total' } },
    { name: 'total_pages_path', signal: { total_pages_path: '$.total_pages' } },
    { name: 'total_header', signal: { total_header: 'X-Total-Count' } },
  ];

  it.each(signals)('offset: $name stops on a full last page without an extra request', async ({ signal }) => {
    const api = await useMockApi();
    api.get('/items', envelope(DATA, { repeatLast: true }));
    const config = makeConfig({
      base_url: api.url,
      endpoints: [
        {
          path: '/items',
          records_path: '$.data',
          pagination: { type: 'offset', limit_value: 10, ...signal },
        },
      ],
    });
    const pages = await collect(harness(config).source.pages(endpointOf(config)));
    expect(allRecords(pages)).toEqual(DATA);
    expect(api.requests).toHaveLength(5);
  });

  it.each(signals)('page_number without page_size_param: $name', async ({ signal }) => {
    const api = await useMockApi();
    api.get('/items', envelope(DATA, { repeatLast: true }));
    const config = makeConfig({
      base_url: api.url,
      endpoints: [{ path: '/items', records_path: '$.data', pagination: { type: 'page_number', ...signal } }],
    });
    const pages = await collect(harness(config).source.pages(endpointOf(config)));
    expect(allRecords(pages)).toEqual(DATA);
    expect(api.requests.map((r) => r.query['page'])).toEqual(['1', '2', '3', '4', '5']);
  });

  it.each(signals)('cursor whose cursor never runs out: $name', async ({ signal }) => {
    const api = await useMockApi();
    const serve = envelope(DATA);
    api.get('/items', async (req, n) => {
      const after = req.query['after'] ?? '0';
      const res = await serve({ ...req, query: { offset: after } }, n, api);
      return { ...res, json: { ...(res.json as object), next: String(Number(after) + 10) } };
    });
    const config = makeConfig({
      base_url: api.url,
      endpoints: [
        {
          path: '/items',
          records_path: '$.data',
          pagination: { type: 'cursor', cursor_param: 'after', cursor_path: '$.next', ...signal },
        },
      ],
    });
    const pages = await collect(harness(config).source.pages(endpointOf(config)));
    expect(allRecords(pages)).toEqual(DATA);
    expect(api.requests).toHaveLength(5);
  });

  it('stop_after_empty_page: short pages in the middle do not end an offset endpoint', async () => {
    const api = await useMockApi();
    // An API that filters after paging: pages of 10 hold 7 visible records, then an empty page.
    api.get('/items', (req) => {
      const offset = Number(req.query['offset']);
      return reply.json({ data: offset >= 50 ? [] : DATA.slice(offset, offset + 7) });
    });
    const config = makeConfig({
      base_url: api.url,
      endpoints: [
        {
          path: '/items',
          records_path: '$.data',
          pagination: { type: 'offset', limit_value: 10, stop_after_empty_page: true },
        },
      ],
    });
    const pages = await collect(harness(config).source.pages(endpointOf(config)));
    expect(allRecords(pages)).toHaveLength(35);
    expect(api.requests).toHaveLength(6);
  });

  it('link_header with has_more_path stops although a next link is still there', async () => {
    const api = await useMockApi();
    api.get('/items', (req) => {
      const page = Number(req.query['page'] ?? 1);
      return reply.json(
        { data: DATA.slice((page - 1) * 10, page * 10), has_more: page < 5 },
        { headers: { link: `<${api.url}/items?page=${page + 1}>; rel="next"` } },
      );
    });
    const config = makeConfig({
      base_url: api.url,
      endpoints: [
        {
          path: '/items',
          records_path: '$.data',
          pagination: { type: 'link_header', has_more_path: '$.has_more' },
        },
      ],
    });
    const pages = await collect(harness(config).source.pages(endpointOf(config)));
    expect(allRecords(pages)).toEqual(DATA);
    expect(api.requests).toHaveLength(5);
  });

  it('a has_more_path that matches nothing is PAGINATION_INVALID naming the path', async () => {
    const api = await useMockApi();
    api.get('/items', envelope(DATA));
    const config = makeConfig({
      base_url: api.url,
      endpoints: [
        {
          path: '/items',
          records_path: '$.data',
          pagination: { type: 'offset', limit_value: 10, has_more_path: '$.hasMore' },
        },
      ],
    });
    const err = await floeErrorOf(() => collect(harness(config).source.pages(endpointOf(config))));
    expect(err.code).toBe('PAGINATION_INVALID');
    expect(err.message).toContain('has_more_path $.hasMore');
  });

  it('a total the endpoint ends short of is reported on the last page', async () => {
    const api = await useMockApi();
    api.get('/items', envelope(DATA.slice(0, 45), { total: 50 }));
    const config = makeConfig({
      base_url: api.url,
      endpoints: [
        {
          path: '/items',
          records_path: '$.data',
          pagination: { type: 'offset', limit_value: 10, total_path: '$.total' },
        },
      ],
    });
    const pages = await collect(harness(config).source.pages(endpointOf(config)));
    expect(allRecords(pages)).toHaveLength(45);
    expect(pages.at(-1)?.end?.warning).toMatch(/reported 50 records.*45/);
  });

  it('strict_totals: ending short of the total fails the endpoint', async () => {
    const api = await useMockApi();
    api.get('/items', envelope(DATA.slice(0, 45), { total: 50 }));
    const config = makeConfig({
      base_url: api.url,
      endpoints: [
        {
          path: '/items',
          records_path: '$.data',
          pagination: { type: 'offset', limit_value: 10, total_path: '$.total', strict_totals: true },
        },
      ],
    });
    const err = await floeErrorOf(() => collect(harness(config).source.pages(endpointOf(config))));
    expect(err.code).toBe('PAGINATION_SHORT');
    expect(err.message).toMatch(/50.*45/);
  });

  it('a repeated page names the stop signal the response offers', async () => {
    const api = await useMockApi();
    api.get('/items', envelope(DATA, { repeatLast: true }));
    const config = makeConfig({
      base_url: api.url,
      endpoints: [
        { path: '/items', records_path: '$.data', pagination: { type: 'offset', limit_value: 10 } },
      ],
    });
    const err = await floeErrorOf(() => collect(harness(config).source.pages(endpointOf(config))));
    expect(err.code).toBe('PAGINATION_LOOP');
    expect(err.message).toContain('has_more_path: $.has_more');
    expect(err.message).toContain('total_header: X-Total-Count');
  });
});

describe('an end the response contradicts', () => {
  it('a short page while the response says there is more is a MORE_SUGGESTED warning naming the signals', async () => {
    const api = await useMockApi();
    // The API caps the page size at 10 although 100 were asked for.
    api.get('/items', (req) => {
      const offset = Number(req.query['offset']);
      return reply.json(
        { data: DATA.slice(offset, offset + 10), has_more: offset + 10 < DATA.length },
        {
          headers: {
            'x-total-count': String(DATA.length),
            link: `<${api.url}/items?offset=${offset + 10}>; rel="next"`,
          },
        },
      );
    });
    const config = makeConfig({
      base_url: api.url,
      endpoints: [
        { path: '/items', records_path: '$.data', pagination: { type: 'offset', limit_value: 100 } },
      ],
    });
    const pages = await collect(harness(config).source.pages(endpointOf(config)));
    expect(pages).toHaveLength(1);
    const end = pages[0]?.end;
    expect(end?.code).toBe('MORE_SUGGESTED');
    expect(end?.warning).toContain('has_more_path: $.has_more (now true)');
    expect(end?.warning).toContain('total_header: X-Total-Count (now 50)');
    expect(end?.warning).toContain('Link rel="next"');
  });
});

describe('error-shaped pages after the first', () => {
  const pagination = { type: 'offset', limit_value: 10 };
  const pages =
    (third: MockResponse): Handler =>
    (req, n, api) =>
      n === 2 ? third : offsetPages(DATA, { recordsKey: 'data' })(req, n, api);

  it('{"data": null, "error": …} on page 3 fails the endpoint', async () => {
    const api = await useMockApi();
    api.get('/items', pages({ json: { data: null, error: { message: 'internal' } } }));
    const config = makeConfig({
      base_url: api.url,
      endpoints: [{ path: '/items', records_path: '$.data', pagination }],
    });
    const err = await floeErrorOf(() => collect(harness(config).source.pages(endpointOf(config))));
    expect(err.code).toBe('RESPONSE_ERROR_PAGE');
    expect(err.message).toContain('records_path $.data is null');
    expect(err.message).toContain('stop_on_null_records');
  });

  it('a 204 on page 3 fails the endpoint', async () => {
    const api = await useMockApi();
    api.get('/items', pages({ status: 204, raw: '' }));
    const config = makeConfig({
      base_url: api.url,
      endpoints: [{ path: '/items', records_path: '$.data', pagination }],
    });
    const err = await floeErrorOf(() => collect(harness(config).source.pages(endpointOf(config))));
    expect(err.code).toBe('RESPONSE_ERROR_PAGE');
    expect(err.message).toContain('204');
  });

  it('declared as the end, they end the endpoint', async () => {
    const api = await useMockApi();
    api.get('/items', pages({ status: 204, raw: '' }));
    api.get('/other', pages({ json: { data: null } }));
    const config = makeConfig({
      base_url: api.url,
      endpoints: [
        { path: '/items', records_path: '$.data', pagination: { ...pagination, stop_on_no_content: true } },
        { path: '/other', records_path: '$.data', pagination: { ...pagination, stop_on_null_records: true } },
      ],
    });
    const { source } = harness(config);
    expect(allRecords(await collect(source.pages(endpointOf(config, 0))))).toHaveLength(20);
    expect(allRecords(await collect(source.pages(endpointOf(config, 1))))).toHaveLength(20);
  });
});

describe('records detection without records_path', () => {
  it.each([
    ['a top-level array', [{ id: 1 }, { id: 2 }], 2, '$'],
    ['an array of objects under data', { data: [{ id: 1 }, { id: 2 }], meta: { n: 2 } }, 2, '$.data'],
    ['results beside a links array of strings', { links: ['a'], results: [{ id: 1 }] }, 1, '$.results'],
    ['nested under data.items', { data: { items: [{ id: 1 }, { id: 2 }, { id: 3 }] } }, 3, '$.data.items'],
    ['a single object', { id: 7, name: 'status', tags: [1, 2] }, 1, '$'],
  ])('%s', async (_name, body, count, path) => {
    const api = await useMockApi();
    api.get('/items', reply.json(body));
    const config = makeConfig({ base_url: api.url });
    const [page] = await collect(harness(config).source.pages(endpointOf(config)));
    expect(page?.records).toHaveLength(count);
    expect(page?.detected?.records_path).toBe(path);
  });

  it('records_path: $ keeps a single object whole', async () => {
    const api = await useMockApi();
    api.get('/items', reply.json({ data: [{ id: 1 }], total: 1 }));
    const config = makeConfig({ base_url: api.url, endpoints: [{ path: '/items', records_path: '$' }] });
    const [page] = await collect(harness(config).source.pages(endpointOf(config)));
    expect(page?.records).toEqual([{ data: [{ id: 1 }], total: 1 }]);
  });
});
