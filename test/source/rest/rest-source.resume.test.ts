import { describe, expect, it } from 'vitest';
import type { EndpointConfig } from '../../../src/config/schema.js';
import type { RestSource } from '../../../src/source/rest/rest-source.js';
import {
  dataset,
  offsetPages,
  reply,
  useMockApi,
  type Handler,
  type MockApi,
} from '../../support/mock-api.js';
import { PAGINATION_CASES } from './pagination-cases.js';
import { allRecords, collect, endpointOf, floeErrorOf, harness, makeConfig } from './helpers.js';

/** A run as the runner does it: `X-Run` tells the server which run sent a request. */
function run(
  api: MockApi,
  endpoint: Record<string, unknown>,
  name: string,
  extra: Record<string, unknown> = {},
) {
  const config = makeConfig({
    base_url: `${api.url}/api`,
    headers: { 'X-Run': name },
    endpoints: [endpoint],
    ...extra,
  });
  return { config, endpoint: endpointOf(config) };
}

const sentBy = (api: MockApi, name: string) => api.requests.filter((r) => r.headers['x-run'] === name);

/** Extracts until page `crashAfter` was consumed, then "crashes"; returns the checkpoint. */
async function crash(source: RestSource, endpoint: EndpointConfig, crashAfter: number) {
  const loaded: unknown[] = [];
  let next: unknown;
  const err = await floeErrorOf(async () => {
    for await (const page of source.pages(endpoint)) {
      loaded.push(...page.records);
      next = page.next;
      if (page.index === crashAfter) throw new Error('killed');
    }
  }).catch((e: unknown) => e);
  expect(err).toMatchObject({ message: 'killed' });
  // The checkpoint is stored as JSON (state table, file) and read back.
  return { loaded, token: JSON.parse(JSON.stringify(next)) as unknown };
}

/** A next link echoing the request's query, so secrets the API got come back in the link. */
const echoingLinks =
  (records: readonly unknown[], size: number, where: 'header' | 'body'): Handler =>
  (req, _n, api) => {
    const page = Number(req.query['page'] ?? '1');
    const params = new URLSearchParams(req.searchParams);
    params.set('page', String(page + 1));
    const more = page * size < records.length;
    const next = more ? `${api.url}${req.path}?${params.toString()}` : null;
    const slice = records.slice((page - 1) * size, page * size);
    return where === 'header'
      ? reply.json(slice, next === null ? {} : { headers: { link: `<${next}>; rel="next"` } })
      : reply.json({ data: slice, next });
  };

describe('RestSource resume from a stored Page.next (real local server)', () => {
  const cases = Object.entries(PAGINATION_CASES).flatMap(([type, list]) =>
    list.flatMap((c) =>
      c.requests.length < 2
        ? [{ ...c, type, crashAfter: -1 }]
        : c.requests.slice(1).map((_, i) => ({ ...c, type, crashAfter: i })),
    ),
  );

  it.each(cases)(
    '$type: $name — killed after page $crashAfter, resumed at the token, same records as uninterrupted',
    async ({ serve, endpoint, requests, records, crashAfter }) => {
      const api = await useMockApi();
      serve(api);
      const full = run(api, endpoint, 'full');
      const expected = allRecords(await collect(harness(full.config).source.pages(full.endpoint)));
      expect(expected).toHaveLength(records);

      const a = run(api, endpoint, 'a');
      const b = run(api, endpoint, 'b');
      let loaded: unknown[] = [];
      let token: unknown = {};
      if (crashAfter >= 0)
        ({ loaded, token } = await crash(harness(a.config).source, a.endpoint, crashAfter));
      const resumed = await collect(harness(b.config).source.pages(b.endpoint, { resumeFrom: token }));

      // single_page restarts; the others start at the request the token describes and go to the end.
      expect(sentBy(api, 'b').map((r) => r.rawUrl)).toEqual(requests.slice(crashAfter + 1));
      expect([...loaded, ...allRecords(resumed)]).toEqual(expected);
      expect(resumed.map((p) => p.index)).toEqual(requests.slice(crashAfter + 1).map((_, i) => i));
    },
  );

  it.each(['header', 'body'] as const)(
    'an api key echoed in a next link (%s): masked in Page.next, re-set by auth on resume, never sent as ***',
    async (where) => {
      const api = await useMockApi();
      api.get('/api/items', echoingLinks(dataset(25), 10, where));
      const endpoint = {
        path: '/items',
        query_params: { state: 'open' },
        ...(where === 'header'
          ? { pagination: { type: 'link_header' } }
          : { records_path: '$.data', pagination: { type: 'next_link', next_link_path: '$.next' } }),
      };
      const auth = {
        type: 'api_key',
        key_name: 'api_key',
        key_value: 'sekret-key-123',
        location: 'query_parameter',
      };
      const a = run(api, endpoint, 'a', { auth });
      const { loaded, token } = await crash(harness(a.config).source, a.endpoint, 0);
      expect(JSON.stringify(token)).not.toContain('sekret-key-123');
      expect(token).toEqual({ url: `${api.url}/api/items?state=open&api_key=***&page=2` });

      const b = run(api, endpoint, 'b', { auth });
      const resumed = await collect(harness(b.config).source.pages(b.endpoint, { resumeFrom: token }));
      const sent = sentBy(api, 'b');
      expect(sent.map((r) => r.query)).toEqual([
        { state: 'open', page: '2', api_key: 'sekret-key-123' },
        { state: 'open', api_key: 'sekret-key-123', page: '3' },
      ]);
      for (const r of api.requests) expect(r.rawUrl).not.toContain('*');
      expect([...loaded, ...allRecords(resumed)]).toEqual(dataset(25));
    },
  );

  it('a masked static query param in a next link is restored from query_params', async () => {
    const api = await useMockApi();
    api.get('/api/items', echoingLinks(dataset(25), 10, 'header'));
    const endpoint = {
      path: '/items',
      query_params: { token: 'static-secret-42' },
      pagination: { type: 'link_header' },
    };
    const a = run(api, endpoint, 'a');
    const { token } = await crash(harness(a.config, { secrets: ['static-secret-42'] }).source, a.endpoint, 0);
    expect(token).toEqual({ url: `${api.url}/api/items?token=***&page=2` });
    const b = run(api, endpoint, 'b');
    await collect(
      harness(b.config, { secrets: ['static-secret-42'] }).source.pages(b.endpoint, { resumeFrom: token }),
    );
    expect(sentBy(api, 'b').map((r) => r.query['token'])).toEqual(['static-secret-42', 'static-secret-42']);
  });

  it.each([
    {
      name: 'another masked query param in a next URL',
      pagination: { type: 'link_header' },
      token: (api: MockApi) => ({ url: `${api.url}/api/items?sig=***&page=2` }),
      mention: 'query parameter "sig"',
    },
    {
      name: 'a masked path segment in a next URL',
      pagination: { type: 'next_link', next_link_path: '$.next' },
      token: (api: MockApi) => ({ url: `${api.url}/api/t/***/items?page=2` }),
      mention: 'host or path',
    },
    {
      name: 'a masked cursor',
      pagination: { type: 'cursor', cursor_param: 'c', cursor_path: '$.next' },
      token: () => ({ cursor: 'abc***def' }),
      mention: 'cursor "abc***def"',
    },
    {
      name: 'a token of another pagination type',
      pagination: { type: 'cursor', cursor_param: 'c', cursor_path: '$.next' },
      token: () => ({ offset: 10 }),
      mention: '{"offset":10} is not a cursor token (expected { "cursor": "…" })',
    },
    {
      name: 'no token at all',
      pagination: { type: 'offset', limit_value: 10 },
      token: () => null,
      mention: 'null is not a offset token',
    },
  ])('STATE_INVALID before any request: $name', async ({ pagination, token, mention }) => {
    const api = await useMockApi();
    const auth = {
      type: 'api_key',
      key_name: 'api_key',
      key_value: 'sekret-key-123',
      location: 'query_parameter',
    };
    const b = run(api, { path: '/items', pagination }, 'b', { auth });
    const err = await floeErrorOf(() =>
      collect(harness(b.config).source.pages(b.endpoint, { resumeFrom: token(api) })),
    );
    expect(err).toMatchObject({ code: 'STATE_INVALID', kind: 'terminal', details: { endpoint: 'items' } });
    expect(err.message).toContain('Endpoint "items": cannot resume: ');
    expect(err.message).toContain(mention);
    expect(err.message).toContain('Nothing was requested');
    expect(api.requests).toHaveLength(0);
  });

  it('static params, headers, POST body and auth are sent on the first resumed request; templates rendered', async () => {
    const api = await useMockApi();
    api.post('/api/search', offsetPages(dataset(25), { recordsKey: 'hits' }));
    const endpoint = {
      path: '/search',
      method: 'POST',
      query_params: { since: '{{ incremental.start_value }}' },
      headers: { 'X-Day': '{{ dt }}' },
      body: { q: 'x', since: '{{ incremental.start_value }}' },
      records_path: '$.hits',
      pagination: { type: 'offset', limit_value: 10 },
    };
    const b = run(api, endpoint, 'b', { auth: { type: 'bearer', token: 'bearer-tok-1' } });
    const vars = { 'incremental.start_value': '2024-01-01T00:00:00Z', dt: '2024-01-01' };
    const pages = await collect(
      harness(b.config).source.pages(b.endpoint, { vars, resumeFrom: { offset: 10 } }),
    );
    expect(allRecords(pages)).toEqual(dataset(25).slice(10));
    expect(api.requests.map((r) => r.rawUrl)).toEqual([
      '/api/search?since=2024-01-01T00%3A00%3A00Z&limit=10&offset=10',
      '/api/search?since=2024-01-01T00%3A00%3A00Z&limit=10&offset=20',
    ]);
    for (const r of api.requests) {
      expect(r.headers).toMatchObject({ 'x-day': '2024-01-01', authorization: 'Bearer bearer-tok-1' });
      expect(JSON.parse(r.body)).toEqual({ q: 'x', since: '2024-01-01T00:00:00Z' });
    }
  });

  it('loop detection after a resume starts fresh from the token', async () => {
    const api = await useMockApi();
    // "" → A → B → A …: an uninterrupted run stops at B's next (A was page 1).
    const nextOf: Record<string, string> = { '': 'A', A: 'B', B: 'A' };
    api.get('/api/items', (req) =>
      reply.json({ data: [{ c: req.query['c'] ?? '' }], next: nextOf[req.query['c'] ?? ''] }),
    );
    const endpoint = {
      path: '/items',
      records_path: '$.data',
      pagination: { type: 'cursor', cursor_param: 'c', cursor_path: '$.next' },
    };
    const b = run(api, endpoint, 'b');
    const { source } = harness(b.config);
    // Resumed at B: B (page 0) → A (page 1) → B again is the loop, reported against page 0.
    const seen: unknown[] = [];
    const err = await floeErrorOf(async () => {
      for await (const p of source.pages(b.endpoint, { resumeFrom: { cursor: 'B' } }))
        seen.push(...p.records);
    });
    expect(err.code).toBe('PAGINATION_LOOP');
    expect(err.message).toContain('cursor "B"');
    expect(err.message).toContain('already requested for page 0 of this extraction');
    expect(api.requests.map((r) => r.query['c'])).toEqual(['B', 'A']);
    expect(seen).toEqual([{ c: 'B' }]);
    // A second resume from the same token on the same source knows nothing of the first.
    const again = await floeErrorOf(() => collect(source.pages(b.endpoint, { resumeFrom: { cursor: 'A' } })));
    expect(again.message).toContain('cursor "A"');
    expect(api.requests.map((r) => r.query['c'])).toEqual(['B', 'A', 'A', 'B']);
  });
});
