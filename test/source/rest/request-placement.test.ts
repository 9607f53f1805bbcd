import { describe, expect, it } from 'vitest';
import { dataset, oauthTokens, reply, useMockApi, type MockApi } from '../../support/mock-api.js';
import { allRecords, collect, endpointOf, floeErrorOf, harness, makeConfig } from './helpers.js';

const DATA = dataset(25);

/** A POST search API that reads its paging from the JSON body. */
function bodyPaged(opts: { cursor?: boolean } = {}) {
  return (req: { body: string }) => {
    const b = JSON.parse(req.body || '{}') as { paging?: { offset?: number; limit?: number; cursor?: string }; q?: string };
    if (opts.cursor) {
      const at = b.paging?.cursor === undefined ? 0 : Number(b.paging.cursor.slice(1));
      const next = at + 10 < DATA.length ? `c${at + 10}` : null;
      return reply.json({ items: DATA.slice(at, at + 10), next });
    }
    const offset = b.paging?.offset ?? 0;
    const limit = b.paging?.limit ?? 5;
    return reply.json({ items: DATA.slice(offset, offset + limit), total: DATA.length });
  };
}


/** `/o?offset=` and `/p?page=` (under `results`, with `total_pages: 5`): DATA five records a page. */
function serveFivePerPage(api: MockApi): void {
  api.get('/o', (req) => reply.json(DATA.slice(Number(req.query['offset']), Number(req.query['offset']) + 5)));
  api.get('/p', (req) => reply.json({ results: DATA.slice((Number(req.query['page']) - 1) * 5, Number(req.query['page']) * 5), total_pages: 5 }));
}
describe('token placement, page limits, response actions, endpoint auth (real local server)', () => {
  it('offset_body_path / limit_body_path put the paging in the JSON body, beside the static body', async () => {
    const api = await useMockApi();
    api.post('/search', bodyPaged());
    const config = makeConfig({
      base_url: api.url,
      endpoints: [
        {
          path: '/search',
          method: 'POST',
          body: { q: 'open' },
          records_path: '$.items',
          pagination: { type: 'offset', limit_value: 10, offset_body_path: 'paging.offset', limit_body_path: 'paging.limit', total_path: '$.total' },
        },
      ],
    });
    const pages = await collect(harness(config).source.pages(endpointOf(config)));
    expect(allRecords(pages)).toHaveLength(25);
    expect(api.requests.map((r) => JSON.parse(r.body) as unknown)).toEqual([
      { q: 'open', paging: { offset: 0, limit: 10 } },
      { q: 'open', paging: { offset: 10, limit: 10 } },
      { q: 'open', paging: { offset: 20, limit: 10 } },
    ]);
    expect(api.requests.map((r) => r.rawUrl)).toEqual(['/search', '/search', '/search']);
    expect(api.requests[0]?.headers['content-type']).toBe('application/json');
  });

  it('cursor_body_path: the cursor goes in the body; a repeated body cursor is a PAGINATION_LOOP, not an endless run', async () => {
    const api = await useMockApi();
    api.post('/search', bodyPaged({ cursor: true }));
    const endpoint = { path: '/search', method: 'POST', body: { q: 1 }, records_path: '$.items', pagination: { type: 'cursor', cursor_body_path: 'paging.cursor', cursor_path: '$.next' } };
    const config = makeConfig({ base_url: api.url, endpoints: [endpoint] });
    const pages = await collect(harness(config).source.pages(endpointOf(config)));
    expect(allRecords(pages)).toHaveLength(25);
    expect(api.requests.map((r) => r.body)).toEqual(['{"q":1}', '{"q":1,"paging":{"cursor":"c10"}}', '{"q":1,"paging":{"cursor":"c20"}}']);

    const stuck = await useMockApi();
    stuck.post('/search', (req, n) => reply.json({ items: [{ id: n, at: req.body }], next: 'same' }));
    const loopy = makeConfig({ base_url: stuck.url, endpoints: [endpoint] });
    const e = await floeErrorOf(() => collect(harness(loopy).source.pages(endpointOf(loopy))));
    expect(e.code).toBe('PAGINATION_LOOP');
    expect(stuck.requests).toHaveLength(2); // the third would repeat the second, body and all
  });

  it('maximum_offset and maximum_page stop before requesting past them (dlt meaning); base_page counts total pages', async () => {
    const api = await useMockApi();
    serveFivePerPage(api);
    const config = makeConfig({
      base_url: api.url,
      endpoints: [
        { path: '/o', pagination: { type: 'offset', limit_value: 5, maximum_offset: 12 } },
        { path: '/p', records_path: '$.results', pagination: { type: 'page_number', maximum_page: 4 } },
        { path: '/p', name: 'p2', records_path: '$.results', pagination: { type: 'page_number', start_page: 3, base_page: 1, total_pages_path: '$.total_pages' } },
      ],
    });
    const { source } = harness(config);
    expect(allRecords(await collect(source.pages(endpointOf(config, 0))))).toHaveLength(15);
    expect(api.requestsTo('/o').map((r) => r.query['offset'])).toEqual(['0', '5', '10']);
    await collect(source.pages(endpointOf(config, 1)));
    expect(api.requestsTo('/p').map((r) => r.query['page'])).toEqual(['1', '2', '3']);
    const tail = await collect(source.pages(endpointOf(config, 2)));
    expect(allRecords(tail)).toHaveLength(15);
    expect(api.requestsTo('/p').slice(3).map((r) => r.query['page'])).toEqual(['3', '4', '5']);
  });

  it('pages fetched ahead (concurrency) never go past maximum_offset, maximum_page or the total pages counted from base_page', async () => {
    const api = await useMockApi();
    serveFivePerPage(api);
    const config = makeConfig({
      base_url: api.url,
      endpoints: [
        { path: '/o', concurrency: 4, pagination: { type: 'offset', limit_value: 5, maximum_offset: 12 } },
        { path: '/p', concurrency: 4, records_path: '$.results', pagination: { type: 'page_number', maximum_page: 4 } },
        { path: '/p', name: 'p2', concurrency: 4, records_path: '$.results', pagination: { type: 'page_number', start_page: 3, base_page: 1, total_pages_path: '$.total_pages' } },
      ],
    });
    const { source } = harness(config);
    expect(allRecords(await collect(source.pages(endpointOf(config, 0))))).toHaveLength(15);
    expect(api.requestsTo('/o').map((r) => r.query['offset']).sort()).toEqual(['0', '10', '5']);
    await collect(source.pages(endpointOf(config, 1)));
    expect(api.requestsTo('/p').map((r) => r.query['page']).sort()).toEqual(['1', '2', '3']);
    expect(allRecords(await collect(source.pages(endpointOf(config, 2))))).toHaveLength(15);
    expect(api.requestsTo('/p').slice(3).map((r) => r.query['page']).sort()).toEqual(['3', '4', '5']);
  });

  it('response_actions: a 200 whose body says "try again" is retried; one that says "error" fails; a 409 can be ignored', async () => {
    const api = await useMockApi();
    api.sequence('GET', '/busy', [reply.json({ status: 'try again later' }), reply.json([{ id: 1 }])]);
    api.get('/broken', () => reply.json({ status: 'internal error', data: [] }));
    api.get('/conflict', () => reply.status(409, { error: 'conflict' }));
    const config = makeConfig({
      base_url: api.url,
      response_actions: [{ content: 'internal error', action: 'fail' }],
      endpoints: [
        { path: '/busy', response_actions: [{ status_code: 200, content: 'try again', action: 'retry' }] },
        { path: '/broken' },
        { path: '/conflict', response_actions: [{ status_code: '409', action: 'ignore' }] },
      ],
    });
    const { source } = harness(config);
    expect(allRecords(await collect(source.pages(endpointOf(config, 0))))).toEqual([{ id: 1 }]);
    expect(api.requestsTo('/busy')).toHaveLength(2);
    const e = await floeErrorOf(() => collect(source.pages(endpointOf(config, 1))));
    expect(e.code).toBe('HTTP_RESPONSE_ACTION');
    expect(e.message).toMatch(/response_actions\[0\] marks as a failure \(contains "internal error"\)/);
    const ignored = await collect(source.pages(endpointOf(config, 2)));
    expect(ignored.map((p) => [p.records.length, p.end?.reason])).toEqual([[0, 'HTTP 409 ignored by endpoints[conflict].response_actions[0]']]);
  });

  it('an endpoint auth overrides the connector auth; OAuth2 sends audience and token_request_data; a form body', async () => {
    const api = await useMockApi();
    api.post('/token', oauthTokens({ expiresIn: 3600 }));
    api.get('/a', () => reply.json([{ id: 1 }]));
    api.post('/b', () => reply.json([{ id: 2 }]));
    const config = makeConfig({
      base_url: api.url,
      auth: { type: 'bearer', token: 'connector-token' },
      endpoints: [
        { path: '/a' },
        {
          path: '/b',
          method: 'POST',
          body_format: 'form',
          body: { q: 'x y', n: 2 },
          auth: { type: 'oauth2_client_credentials', token_url: `${api.url}/token`, client_id: 'id', client_secret: 'sec', audience: 'https://api.example', token_request_data: { resource: 'r1' } },
        },
      ],
    });
    const { source } = harness(config);
    await collect(source.pages(endpointOf(config, 0)));
    await collect(source.pages(endpointOf(config, 1)));
    expect(api.requestsTo('/a')[0]?.headers.authorization).toBe('Bearer connector-token');
    expect(api.requestsTo('/b')[0]?.headers.authorization).toBe('Bearer token-1');
    expect(api.requestsTo('/b')[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(api.requestsTo('/b')[0]?.body).toBe('q=x+y&n=2');
    const form = new URLSearchParams(api.requestsTo('/token')[0]?.body);
    expect([form.get('grant_type'), form.get('audience'), form.get('resource')]).toEqual(['client_credentials', 'https://api.example', 'r1']);
  });
});
