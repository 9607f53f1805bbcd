import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/util/clock.js';
import { dataset, offsetPages, reply, useMockApi } from '../../support/mock-api.js';
import { collect, endpointOf, floeErrorOf, harness, makeConfig } from './helpers.js';

const one = (path = '/items', extra: Record<string, unknown> = {}) => ({ path, ...extra });

describe('RestSource retries and errors (real local server)', () => {
  it('503, 503, 200: retried after exactly 1 s and 2 s (fake clock), then the page arrives', async () => {
    const api = await useMockApi();
    api.sequence('GET', '/items', [reply.status(503), reply.status(503), reply.json([{ id: 1 }])]);
    const config = makeConfig({ base_url: api.url, endpoints: [one()] });
    const clock = new FakeClock();
    const pages = await collect(harness(config, { clock }).source.pages(endpointOf(config)));
    expect(pages[0]?.records).toEqual([{ id: 1 }]);
    expect(api.requests).toHaveLength(3);
    expect(clock.sleeps).toEqual([1000, 2000]);
  });

  it('a retry mid-pagination resends the same page request', async () => {
    const api = await useMockApi();
    const pages = offsetPages(dataset(15), { recordsKey: 'data' });
    api.get('/items', (req, n) => (n === 1 ? reply.status(502) : pages(req, n, api)));
    const config = makeConfig({
      base_url: api.url,
      endpoints: [one('/items', { records_path: '$.data', pagination: { type: 'offset', limit_value: 10 } })],
    });
    const out = await collect(harness(config).source.pages(endpointOf(config)));
    expect(out.flatMap((p) => p.records)).toHaveLength(15);
    expect(api.requests.map((r) => r.query['offset'])).toEqual(['0', '10', '10']);
  });

  it('exhausted retries: HTTP_RETRIES_EXHAUSTED after 1+6 requests with the full 1…32 s schedule', async () => {
    const api = await useMockApi();
    api.get('/items', reply.status(500, { error: 'kaput' }));
    const config = makeConfig({ base_url: api.url, endpoints: [one()] });
    const clock = new FakeClock();
    const err = await floeErrorOf(() => collect(harness(config, { clock }).source.pages(endpointOf(config))));
    expect(err).toMatchObject({
      code: 'HTTP_RETRIES_EXHAUSTED',
      kind: 'terminal',
      details: { endpoint: 'items', status: 500, attempts: 7 },
    });
    expect(err.message).toMatch(
      /^Endpoint "items": GET http:\/\/127\.0\.0\.1:\d+\/items still returned HTTP 500/,
    );
    expect(err.message).toContain('kaput');
    expect(api.requests).toHaveLength(7);
    expect(clock.sleeps).toEqual([1000, 2000, 4000, 8000, 16000, 32000]);
  });

  it('Retry-After on a 429 (seconds) is waited instead of the backoff', async () => {
    const api = await useMockApi();
    api.sequence('GET', '/items', [reply.retryAfter(429, '5'), reply.json([])]);
    const config = makeConfig({ base_url: api.url, endpoints: [one()] });
    const clock = new FakeClock();
    await collect(harness(config, { clock }).source.pages(endpointOf(config)));
    expect(clock.sleeps).toEqual([5000]);
  });

  it('Retry-After as an HTTP-date is measured against the injected clock', async () => {
    const api = await useMockApi();
    const clock = new FakeClock(Date.UTC(2026, 4, 1, 10, 0, 0));
    api.sequence('GET', '/items', [
      reply.retryAfter(503, new Date(Date.UTC(2026, 4, 1, 10, 0, 42)).toUTCString()),
      reply.json([]),
    ]);
    const config = makeConfig({ base_url: api.url, endpoints: [one()] });
    await collect(harness(config, { clock }).source.pages(endpointOf(config)));
    expect(clock.sleeps).toEqual([42_000]);
  });

  it.each([400, 401, 403, 404, 422])(
    '%i fails the endpoint at once: HTTP_STATUS, one request',
    async (status) => {
      const api = await useMockApi();
      api.get('/items', reply.status(status, { message: `bad ${status}` }));
      const config = makeConfig({ base_url: api.url, endpoints: [one('/items', { name: 'my_items' })] });
      const clock = new FakeClock();
      const err = await floeErrorOf(() =>
        collect(harness(config, { clock }).source.pages(endpointOf(config))),
      );
      expect(err).toMatchObject({
        code: 'HTTP_STATUS',
        kind: 'terminal',
        details: { status, endpoint: 'my_items' },
      });
      expect(err.message).toContain(`HTTP ${status}`);
      expect(err.message).toContain(`${api.url}/items`);
      expect(err.message).toContain(`bad ${status}`);
      expect(api.requests).toHaveLength(1);
      expect(clock.sleeps).toEqual([]);
    },
  );

  it('a redirect is not followed (credentials stay on this host)', async () => {
    const api = await useMockApi();
    api.get('/old', { status: 301, headers: { location: '/new' }, json: {} });
    const config = makeConfig({ base_url: api.url, endpoints: [one('/old')] });
    const err = await floeErrorOf(() => collect(harness(config).source.pages(endpointOf(config))));
    expect(err).toMatchObject({ code: 'HTTP_STATUS', details: { status: 301 } });
    expect(err.message).toContain('/new');
    expect(api.requests).toHaveLength(1);
  });

  it.each([
    { name: 'an HTML proxy page with 200', response: reply.html() },
    {
      name: 'a login page served as text/html',
      response: reply.html('<html><body>Please sign in</body></html>'),
    },
    { name: 'plain text', response: reply.text('OK') },
    { name: 'broken JSON', response: reply.text('{"data": [', 'application/json') },
  ])('$name → RESPONSE_NOT_JSON with content-type, status, URL and excerpt', async ({ response }) => {
    const api = await useMockApi();
    api.get('/items', response);
    const config = makeConfig({ base_url: api.url, endpoints: [one()] });
    const err = await floeErrorOf(() => collect(harness(config).source.pages(endpointOf(config))));
    expect(err).toMatchObject({
      code: 'RESPONSE_NOT_JSON',
      kind: 'terminal',
      details: { endpoint: 'items', status: 200 },
    });
    expect(err.message).toContain(response.headers?.['content-type'] as string);
    expect(err.message).toContain(`${api.url}/items`);
    expect(err.message).toContain((response.raw ?? '').slice(0, 10));
    expect(api.requests).toHaveLength(1);
  });

  it('a records_path that matches nothing → RECORDS_PATH_NO_MATCH naming endpoint, path and keys', async () => {
    const api = await useMockApi();
    api.get('/items', { json: { results: [{ id: 1 }], count: 1 } });
    const config = makeConfig({ base_url: api.url, endpoints: [one('/items', { records_path: '$.data' })] });
    const err = await floeErrorOf(() => collect(harness(config).source.pages(endpointOf(config))));
    expect(err).toMatchObject({ code: 'RECORDS_PATH_NO_MATCH', kind: 'terminal' });
    expect(err.message).toContain('"items"');
    expect(err.message).toContain('$.data');
    expect(err.message).toContain('results, count');
  });

  it('an object response without records_path: the records are detected under results (issue 7)', async () => {
    const api = await useMockApi();
    api.get('/items', { json: { results: [{ id: 1 }] } });
    const config = makeConfig({ base_url: api.url, endpoints: [one()] });
    const [page] = await collect(harness(config).source.pages(endpointOf(config)));
    expect(page?.records).toEqual([{ id: 1 }]);
    expect(page?.detected).toEqual({ records_path: '$.results' });
  });

  it('a slow response times out after timeout_seconds (HTTP_TIMEOUT, transient) and is retried', async () => {
    const api = await useMockApi();
    api.sequence('GET', '/items', [
      reply.delay(2_000, reply.json([{ id: 'late' }])),
      reply.json([{ id: 'ok' }]),
    ]);
    const config = makeConfig({ base_url: api.url, timeout_seconds: 0.2, endpoints: [one()] });
    const clock = new FakeClock();
    const started = performance.now();
    const pages = await collect(harness(config, { clock }).source.pages(endpointOf(config)));
    expect(performance.now() - started).toBeLessThan(1500);
    expect(pages[0]?.records).toEqual([{ id: 'ok' }]);
    expect(clock.sleeps).toEqual([1000]);
  });

  it('timeouts that never end: HTTP_TIMEOUT, terminal, with attempts', async () => {
    const api = await useMockApi();
    api.get('/items', reply.delay(2_000));
    const config = makeConfig({
      base_url: api.url,
      timeout_seconds: 0.1,
      retry: { max_retries: 1 },
      endpoints: [one()],
    });
    const err = await floeErrorOf(() => collect(harness(config).source.pages(endpointOf(config))));
    expect(err).toMatchObject({
      code: 'HTTP_TIMEOUT',
      kind: 'terminal',
      details: { attempts: 2, endpoint: 'items' },
    });
    expect(err.message).toContain('timed out after 0.1 s');
    expect(api.requests).toHaveLength(2);
  });

  it('a connection reset is retried', async () => {
    const api = await useMockApi();
    api.sequence('GET', '/items', [reply.reset(), reply.json([{ id: 1 }])]);
    const config = makeConfig({ base_url: api.url, endpoints: [one()] });
    const clock = new FakeClock();
    const pages = await collect(harness(config, { clock }).source.pages(endpointOf(config)));
    expect(pages[0]?.records).toEqual([{ id: 1 }]);
    expect(clock.sleeps).toEqual([1000]);
  });

  it('a refused connection is HTTP_NETWORK after the retries', async () => {
    const api = await useMockApi();
    const url = api.url;
    await api.close();
    const config = makeConfig({ base_url: url, retry: { max_retries: 2 }, endpoints: [one()] });
    const clock = new FakeClock();
    const err = await floeErrorOf(() => collect(harness(config, { clock }).source.pages(endpointOf(config))));
    expect(err).toMatchObject({
      code: 'HTTP_NETWORK',
      kind: 'terminal',
      details: { attempts: 3, endpoint: 'items' },
    });
    expect(err.message).toContain('ECONNREFUSED');
    expect(clock.sleeps).toEqual([1000, 2000]);
  });

  it('a 204 No Content is an empty page', async () => {
    const api = await useMockApi();
    api.get('/items', { status: 204, raw: '' });
    const config = makeConfig({ base_url: api.url, endpoints: [one('/items', { records_path: '$.data' })] });
    const pages = await collect(harness(config).source.pages(endpointOf(config)));
    expect(pages.map((p) => p.records)).toEqual([[]]);
  });
});
