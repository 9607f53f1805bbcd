/** Compression, credential origins and `user:pass@` in base_url (issue 7, HTTP). */
import { describe, expect, it } from 'vitest';
import { floeConfig } from '../../../src/config/schema.js';
import { dataset, reply, useMockApi } from '../../support/mock-api.js';
import { allRecords, collect, endpointOf, floeErrorOf, harness, makeConfig } from './helpers.js';

const DATA = dataset(30);

describe('compression', () => {
  it('asks for gzip, deflate and br', async () => {
    const api = await useMockApi();
    api.get('/items', reply.json(DATA));
    const config = makeConfig({ base_url: api.url });
    await collect(harness(config).source.pages(endpointOf(config)));
    expect(api.requests[0]?.headers['accept-encoding']).toBe('gzip, deflate, br');
  });

  it.each(['gzip', 'deflate', 'br'] as const)('decodes %s', async (encoding) => {
    const api = await useMockApi();
    api.get('/items', reply.compressed(DATA, encoding));
    const config = makeConfig({ base_url: api.url });
    const [page] = await collect(harness(config).source.pages(endpointOf(config)));
    expect(page?.records).toEqual(DATA);
  });

  it('decodes a gzip body even when the request asked for none (a connector header overrides Accept-Encoding)', async () => {
    const api = await useMockApi();
    api.get('/items', reply.compressed(DATA, 'gzip'));
    const config = makeConfig({ base_url: api.url, headers: { 'Accept-Encoding': 'identity' } });
    const [page] = await collect(harness(config).source.pages(endpointOf(config)));
    expect(api.requests[0]?.headers['accept-encoding']).toBe('identity');
    expect(page?.records).toEqual(DATA);
  });

  it('an unknown or broken encoding is RESPONSE_ENCODING naming it', async () => {
    const api = await useMockApi();
    api.get('/items', {
      raw: 'not really',
      headers: { 'content-type': 'application/json', 'content-encoding': 'compress' },
    });
    api.get('/broken', {
      raw: 'not gzip at all',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });
    const config = makeConfig({ base_url: api.url, endpoints: [{ path: '/items' }, { path: '/broken' }] });
    const { source } = harness(config);
    const unknown = await floeErrorOf(() => collect(source.pages(endpointOf(config, 0))));
    expect(unknown.code).toBe('RESPONSE_ENCODING');
    expect(unknown.message).toContain('compress');
    const broken = await floeErrorOf(() => collect(source.pages(endpointOf(config, 1))));
    expect(broken.code).toBe('RESPONSE_ENCODING');
    expect(broken.message).toContain('gzip');
  });
});

describe('credentials stay with base_url’s origin', () => {
  const TOKEN = 'tok_SECRET_123456';

  /** Two servers: the API, whose Link header points at `other` for page 2. */
  async function twoOrigins(): Promise<{
    api: Awaited<ReturnType<typeof useMockApi>>;
    other: Awaited<ReturnType<typeof useMockApi>>;
  }> {
    const api = await useMockApi();
    const other = await useMockApi();
    api.get(
      '/items',
      reply.json(DATA.slice(0, 10), { headers: { link: `<${other.url}/items?page=2>; rel="next"` } }),
    );
    other.get('/items', reply.json(DATA.slice(10, 20)));
    return { api, other };
  }

  it('a Link to a host not in allowed_hosts is refused before any request goes there', async () => {
    const { api, other } = await twoOrigins();
    const config = makeConfig({
      base_url: api.url,
      auth: { type: 'bearer', token: TOKEN },
      endpoints: [{ path: '/items', pagination: { type: 'link_header' } }],
    });
    const err = await floeErrorOf(() => collect(harness(config).source.pages(endpointOf(config))));
    expect(err.code).toBe('HTTP_FOREIGN_HOST');
    expect(err.message).toContain('allowed_hosts');
    expect(err.message).not.toContain(TOKEN);
    expect(other.requests).toHaveLength(0);
  });

  it('an allowed host is followed without the auth header, the api key parameter or secret headers', async () => {
    const { api, other } = await twoOrigins();
    const config = floeConfig.parse({
      name: 't',
      base_url: api.url,
      allowed_hosts: ['127.0.0.1'],
      auth: { type: 'bearer', token: TOKEN },
      headers: { 'X-Secret': 'hdr_SECRET_654321', 'X-Plain': 'hello' },
      endpoints: [{ path: '/items', pagination: { type: 'link_header' } }],
    });
    const { source } = harness(config, { secrets: ['hdr_SECRET_654321'] });
    // Same IP, different port: another origin.
    const pages = await collect(source.pages(endpointOf(config)));
    expect(allRecords(pages)).toEqual(DATA.slice(0, 20));
    expect(api.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(api.requests[0]?.headers['x-secret']).toBe('hdr_SECRET_654321');
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
    expect(other.requests[0]?.headers['x-secret']).toBeUndefined();
    expect(other.requests[0]?.headers['x-plain']).toBe('hello');
  });

  it('an api_key query parameter is not sent to an allowed foreign host', async () => {
    const { api, other } = await twoOrigins();
    const config = makeConfig({
      base_url: api.url,
      allowed_hosts: ['127.0.0.1'],
      auth: { type: 'api_key', key_name: 'api_key', key_value: TOKEN, location: 'query_parameter' },
      endpoints: [{ path: '/items', pagination: { type: 'link_header' } }],
    });
    await collect(harness(config).source.pages(endpointOf(config)));
    expect(api.requests[0]?.query['api_key']).toBe(TOKEN);
    expect(other.requests[0]?.query['api_key']).toBeUndefined();
  });
});

describe('user:pass@ in base_url', () => {
  it('becomes basic auth, and the URL floe prints has no credentials', async () => {
    const api = await useMockApi();
    api.get('/items', reply.json(DATA));
    const config = makeConfig({ base_url: api.url.replace('http://', 'http://ann:p%40ss_word@') });
    expect(config.base_url).toBe(api.url);
    expect(config.auth).toEqual({ type: 'basic', username: 'ann', password: 'p@ss_word' });
    const { source, logs } = harness(config);
    const [page] = await collect(source.pages(endpointOf(config)));
    expect(api.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('ann:p@ss_word').toString('base64')}`,
    );
    expect(page?.url).not.toContain('ann');
    expect(logs.join('\n')).not.toContain('p@ss_word');
  });

  it('together with auth it is a config error that does not print the password', () => {
    const parsed = floeConfig.safeParse({
      name: 't',
      base_url: 'http://ann:hunter2@127.0.0.1:1',
      auth: { type: 'bearer', token: 'abcd1234' },
      endpoints: [{ path: '/x' }],
    });
    expect(parsed.success).toBe(false);
    const text = JSON.stringify(parsed.error?.issues);
    expect(text).toContain('base_url');
    expect(text).not.toContain('hunter2');
  });
});
