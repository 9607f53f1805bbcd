import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/util/clock.js';
import {
  dataset,
  oauthTokens,
  offsetPages,
  reply,
  useMockApi,
  type MockApi,
} from '../../support/mock-api.js';
import { AUTH_CASES } from './auth-cases.js';
import { collect, endpointOf, floeErrorOf, harness, makeConfig } from './helpers.js';

const paged = { path: '/items', records_path: '$.data', pagination: { type: 'offset', limit_value: 10 } };

describe('RestSource auth (real local server)', () => {
  const cases = Object.entries(AUTH_CASES).flatMap(([type, list]) => list.map((c) => ({ ...c, type })));

  it.each(cases)('$type: $name — on every page, never leaked', async ({ auth, serve, check, secrets }) => {
    const api = await useMockApi();
    api.get('/items', offsetPages(dataset(25), { recordsKey: 'data' }));
    serve?.(api);
    const config = makeConfig({
      base_url: api.url,
      auth: auth(api),
      headers: { 'X-Trace': 't1' },
      endpoints: [paged],
    });
    const { source, logs } = harness(config, { secrets: secrets.filter((s) => !s.startsWith('token-')) });
    const pages = await collect(source.pages(endpointOf(config)));
    expect(pages).toHaveLength(3);
    expect(api.requestsTo('/items')).toHaveLength(3);
    for (const r of api.requestsTo('/items')) expect(r.headers['x-trace']).toBe('t1');
    check(api);
    const printed = [...logs, ...pages.map((p) => p.url), JSON.stringify(pages.map((p) => p.next))].join(
      '\n',
    );
    expect(logs.length).toBeGreaterThan(0);
    for (const s of secrets) expect(printed).not.toContain(s);
  });

  it('an api key in the query never shows in error messages or logs', async () => {
    const api = await useMockApi();
    api.get('/items', reply.status(404, { error: 'no such thing' }));
    const config = makeConfig({
      base_url: api.url,
      auth: { type: 'api_key', key_name: 'token', key_value: 'zz-key-value', location: 'query_parameter' },
      endpoints: [{ path: '/items' }],
    });
    const { source, logs } = harness(config);
    const err = await floeErrorOf(() => collect(source.pages(endpointOf(config))));
    expect(err.code).toBe('HTTP_STATUS');
    expect(api.requests[0]?.query['token']).toBe('zz-key-value');
    expect(err.message).toContain(`${api.url}/items`);
    expect(JSON.stringify(err.toJSON())).not.toContain('zz-key-value');
    expect(logs.join('\n')).not.toContain('zz-key-value');
  });

  it('a next link that echoes the api key: sent once with our key, masked in Page.url and Page.next', async () => {
    const api = await useMockApi();
    api.get('/items', (req, n) =>
      reply.json(
        [{ id: n }],
        n === 0
          ? { headers: { link: `</items?page=2&api_key=${req.query['api_key'] ?? ''}>; rel="next"` } }
          : {},
      ),
    );
    const config = makeConfig({
      base_url: api.url,
      auth: { type: 'api_key', key_name: 'api_key', key_value: 'echoed-key-1', location: 'query_parameter' },
      endpoints: [{ path: '/items', pagination: { type: 'link_header' } }],
    });
    const pages = await collect(harness(config).source.pages(endpointOf(config)));
    expect(api.requests.map((r) => r.searchParams.getAll('api_key'))).toEqual([
      ['echoed-key-1'],
      ['echoed-key-1'],
    ]);
    expect(pages[1]?.url).toBe(`${api.url}/items?page=2&api_key=***`);
    expect(JSON.stringify(pages.map((p) => [p.url, p.next]))).not.toContain('echoed-key-1');
  });
});

describe('OAuth2 client credentials', () => {
  function oauthConfig(api: MockApi, over: Record<string, unknown> = {}) {
    return makeConfig({
      base_url: api.url,
      auth: {
        type: 'oauth2_client_credentials',
        token_url: api.at('/oauth/token'),
        client_id: 'cid',
        client_secret: 'the-client-secret',
        ...over,
      },
      endpoints: [{ path: '/items' }, { path: '/users' }],
    });
  }
  const bearer = (api: MockApi, path: string) => api.requestsTo(path).map((r) => r.headers.authorization);

  it('reuses the token until refresh_skew_seconds before expiry, then refreshes; the API never sees an expired token', async () => {
    const api = await useMockApi();
    api.post('/oauth/token', oauthTokens({ expiresIn: 3600 }));
    api.get('/items', { json: [] });
    const config = oauthConfig(api, { refresh_skew_seconds: 60 });
    const clock = new FakeClock();
    const { source } = harness(config, { clock });
    const run = () => collect(source.pages(endpointOf(config)));
    await run();
    clock.advance(3539_000); // 1 s before the refresh point (3600 − 60)
    await run();
    clock.advance(2_000); // past it
    await run();
    await run();
    expect(api.requestsTo('/oauth/token')).toHaveLength(2);
    expect(bearer(api, '/items')).toEqual([
      'Bearer token-1',
      'Bearer token-1',
      'Bearer token-2',
      'Bearer token-2',
    ]);
  });

  it('a short-lived token is refreshed at most half its lifetime early', async () => {
    const api = await useMockApi();
    api.post('/oauth/token', oauthTokens({ expiresIn: 30 }));
    api.get('/items', { json: [] });
    const config = oauthConfig(api, { refresh_skew_seconds: 60 });
    const clock = new FakeClock();
    const { source } = harness(config, { clock });
    await collect(source.pages(endpointOf(config)));
    clock.advance(14_000);
    await collect(source.pages(endpointOf(config)));
    clock.advance(2_000);
    await collect(source.pages(endpointOf(config)));
    expect(bearer(api, '/items')).toEqual(['Bearer token-1', 'Bearer token-1', 'Bearer token-2']);
  });

  it('concurrent endpoints share one token request (single flight)', async () => {
    const api = await useMockApi();
    api.post('/oauth/token', (_req, n) =>
      reply.delay(50, { json: { access_token: `token-${n + 1}`, expires_in: 3600 } }),
    );
    api.get('/items', { json: [{ id: 1 }] });
    api.get('/users', { json: [{ id: 2 }] });
    const config = oauthConfig(api);
    const { source } = harness(config);
    await Promise.all([
      collect(source.pages(endpointOf(config, 0))),
      collect(source.pages(endpointOf(config, 1))),
    ]);
    expect(api.requestsTo('/oauth/token')).toHaveLength(1);
    expect([...bearer(api, '/items'), ...bearer(api, '/users')]).toEqual([
      'Bearer token-1',
      'Bearer token-1',
    ]);
  });

  it('a 401 from the API drops the token, fetches a fresh one and retries once', async () => {
    const api = await useMockApi();
    api.post('/oauth/token', oauthTokens({ expiresIn: 3600 }));
    api.get('/items', (req) =>
      req.headers.authorization === 'Bearer token-1'
        ? reply.status(401, { error: 'token revoked' })
        : reply.json([{ id: 1 }]),
    );
    const config = oauthConfig(api);
    const { source } = harness(config);
    const pages = await collect(source.pages(endpointOf(config)));
    expect(pages[0]?.records).toEqual([{ id: 1 }]);
    expect(bearer(api, '/items')).toEqual(['Bearer token-1', 'Bearer token-2']);
    expect(api.requestsTo('/oauth/token')).toHaveLength(2);
  });

  it('a second 401 fails the endpoint (HTTP_STATUS) after exactly one retry', async () => {
    const api = await useMockApi();
    api.post('/oauth/token', oauthTokens({ expiresIn: 3600 }));
    api.get('/items', reply.status(401, { error: 'nope' }));
    const config = oauthConfig(api);
    const err = await floeErrorOf(() => collect(harness(config).source.pages(endpointOf(config))));
    expect(err).toMatchObject({ code: 'HTTP_STATUS', kind: 'terminal', details: { status: 401 } });
    expect(api.requestsTo('/items')).toHaveLength(2);
    expect(api.requestsTo('/oauth/token')).toHaveLength(2);
  });

  it('a 401 with static credentials is not retried', async () => {
    const api = await useMockApi();
    api.get('/items', reply.status(401));
    const config = makeConfig({
      base_url: api.url,
      auth: { type: 'bearer', token: 'static-token' },
      endpoints: [{ path: '/items' }],
    });
    await expect(collect(harness(config).source.pages(endpointOf(config)))).rejects.toMatchObject({
      code: 'HTTP_STATUS',
    });
    expect(api.requests).toHaveLength(1);
  });

  it('a rejected token request is AUTH_FAILED (terminal) with a clear message and no secret', async () => {
    const api = await useMockApi();
    api.post('/oauth/token', (req) => reply.status(401, { error: 'invalid_client', echo: req.body }));
    const config = oauthConfig(api);
    const { source, logs } = harness(config);
    const err = await floeErrorOf(() => collect(source.pages(endpointOf(config))));
    expect(err).toMatchObject({
      code: 'AUTH_FAILED',
      kind: 'terminal',
      details: { endpoint: 'items', status: 401 },
    });
    expect(err.message).toContain('invalid_client');
    expect(err.message).toContain('client_secret');
    expect(err.message).toContain(api.at('/oauth/token'));
    expect(JSON.stringify(err.toJSON()) + logs.join('\n')).not.toContain('the-client-secret');
    expect(api.requestsTo('/items')).toHaveLength(0);
    expect(api.requestsTo('/oauth/token')).toHaveLength(1);
  });

  it('a token endpoint 503 is retried on the backoff schedule', async () => {
    const api = await useMockApi();
    api.sequence('POST', '/oauth/token', [
      reply.status(503),
      { json: { access_token: 'token-ok', expires_in: 60 } },
    ]);
    api.get('/items', { json: [] });
    const config = oauthConfig(api);
    const clock = new FakeClock();
    await collect(harness(config, { clock }).source.pages(endpointOf(config)));
    expect(clock.sleeps).toEqual([1000]);
    expect(bearer(api, '/items')).toEqual(['Bearer token-ok']);
  });

  it('a token response without access_token is AUTH_FAILED', async () => {
    const api = await useMockApi();
    api.post('/oauth/token', { json: { error: 'weird' } });
    const config = oauthConfig(api);
    await expect(collect(harness(config).source.pages(endpointOf(config)))).rejects.toMatchObject({
      code: 'AUTH_FAILED',
      message: expect.stringContaining('access_token') as string,
    });
  });
});
