import { afterEach, describe, expect, it } from 'vitest';
import { MockApi, reply } from '../../support/mock-api.js';

// The mock API is shared with the runner and CLI tests, so its own contract is tested here.
describe('MockApi', () => {
  let api: MockApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  it('records method, path, query, headers, body and arrival time', async () => {
    api = await MockApi.start();
    api.post('/x', reply.json({ ok: true }));
    const res = await fetch(api.at('/x?a=1&b=two%20words'), {
      method: 'POST',
      headers: { 'X-Test': 'yes', 'content-type': 'application/json' },
      body: '{"q":1}',
    });
    expect(await res.json()).toEqual({ ok: true });
    const [r] = api.requests;
    expect(r).toMatchObject({
      method: 'POST',
      path: '/x',
      rawUrl: '/x?a=1&b=two%20words',
      query: { a: '1', b: 'two words' },
      body: '{"q":1}',
      matched: true,
    });
    expect(r?.headers['x-test']).toBe('yes');
    expect(r?.at).toBeTypeOf('number');
    api.assertNoUnexpected();
  });

  it('answers 599 to an unmatched request and assertNoUnexpected throws', async () => {
    api = await MockApi.start();
    api.get('/known', reply.json([]));
    expect((await fetch(api.at('/unknown'))).status).toBe(599);
    expect((await fetch(api.at('/known'), { method: 'POST' })).status).toBe(599);
    expect(api.unexpected.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /unknown', 'POST /known']);
    expect(() => api?.assertNoUnexpected()).toThrow(/2 unexpected request/);
  });

  it('plays a sequence, and one request too many is unexpected', async () => {
    api = await MockApi.start();
    api.sequence('GET', '/s', [reply.status(503), reply.json([1])]);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(api.at('/s'))).status);
    expect(statuses).toEqual([503, 200, 599]);
    expect(api.unexpected).toHaveLength(1);
  });

  it('serves raw bodies with their content-type, headers and delays', async () => {
    api = await MockApi.start();
    api.get('/html', reply.delay(30, reply.html('<html>x</html>', 502)));
    const started = performance.now();
    const res = await fetch(api.at('/html'));
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toBe('<html>x</html>');
  });
});
