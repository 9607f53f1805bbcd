import { describe, expect, it } from 'vitest';
import { pageRequest, requestTemplate } from '../../../src/source/rest/request-builder.js';
import { USER_AGENT } from '../../../src/source/rest/user-agent.js';
import { endpointOf, makeConfig } from './helpers.js';

const build = (input: Record<string, unknown>, endpoint: Record<string, unknown>) => {
  const config = makeConfig({ base_url: 'http://h/api', ...input, endpoints: [endpoint] });
  return requestTemplate(config, endpointOf(config));
};

describe('requestTemplate', () => {
  it('sends Accept: application/json, Accept-Encoding and User-Agent: floe/<version> by default', () => {
    const t = build({}, { path: '/x' });
    expect(t.headers).toEqual({ accept: 'application/json', 'accept-encoding': 'gzip, deflate, br', 'user-agent': USER_AGENT });
    expect(USER_AGENT).toMatch(/^floe\/\d+\.\d+\.\d+/);
  });

  it('merges connector headers under endpoint headers, case-insensitively, over the defaults', () => {
    const t = build(
      { headers: { Accept: 'application/vnd.github+json', 'X-Team': 'a', 'X-Both': 'connector' } },
      { path: '/x', headers: { 'x-both': 'endpoint', 'User-Agent': 'custom/1' } },
    );
    expect(t.headers).toEqual({
      accept: 'application/vnd.github+json',
      'accept-encoding': 'gzip, deflate, br',
      'user-agent': 'custom/1',
      'x-team': 'a',
      'x-both': 'endpoint',
    });
  });

  it('POST with a body: JSON body and Content-Type: application/json (overridable)', () => {
    const t = build({}, { path: '/search', method: 'POST', body: { filter: { status: 'open' } } });
    expect(t.body).toBe('{"filter":{"status":"open"}}');
    expect(t.headers['content-type']).toBe('application/json');
    const custom = build(
      {},
      { path: '/s', method: 'POST', body: {}, headers: { 'Content-Type': 'application/vnd.api+json' } },
    );
    expect(custom.headers['content-type']).toBe('application/vnd.api+json');
  });

  it('POST without a body sends none; GET never sends one', () => {
    expect(build({}, { path: '/s', method: 'POST' }).body).toBeUndefined();
    expect(build({}, { path: '/s', body: { a: 1 } }).body).toBeUndefined();
  });

  it('stringifies query_params', () => {
    expect(build({}, { path: '/x', query_params: { n: 5, on: true, s: 'a b' } }).query).toEqual({
      n: '5',
      on: 'true',
      s: 'a b',
    });
  });
});

describe('pageRequest', () => {
  const t = build({}, { path: '/items', query_params: { state: 'all', per_page: 50 } });

  it('query target: base path kept, static params then pagination params, all encoded', () => {
    expect(pageRequest(t, { kind: 'query', query: { cursor: 'a+b/=' } }).url).toBe(
      'http://h/api/items?state=all&per_page=50&cursor=a%2Bb%2F%3D',
    );
  });

  it('pagination params win a name clash with query_params', () => {
    expect(pageRequest(t, { kind: 'query', query: { per_page: '10' } }).url).toBe(
      'http://h/api/items?state=all&per_page=10',
    );
  });

  it('url target: used as given, static params only added when missing', () => {
    expect(pageRequest(t, { kind: 'url', url: 'http://h/api/items?page=2&per_page=50' }).url).toBe(
      'http://h/api/items?page=2&per_page=50&state=all',
    );
  });
});
