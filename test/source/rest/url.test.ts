import { describe, expect, it } from 'vitest';
import { joinUrl, queryNames, resolveLink, withQuery } from '../../../src/source/rest/url.js';
import { Redactor } from '../../../src/util/redact.js';

describe('joinUrl', () => {
  it.each([
    { name: 'keeps the base path', base: 'http://h/gh', path: '/repos/x', want: 'http://h/gh/repos/x' },
    {
      name: 'one slash when both have one',
      base: 'http://h/gh/',
      path: '/repos/x',
      want: 'http://h/gh/repos/x',
    },
    {
      name: 'one slash when neither has one',
      base: 'http://h/gh',
      path: 'repos/x',
      want: 'http://h/gh/repos/x',
    },
    {
      name: 'collapses repeated slashes at the seam',
      base: 'http://h/v2//',
      path: '//users',
      want: 'http://h/v2/users',
    },
    {
      name: 'base without a path',
      base: 'https://api.example.com',
      path: '/users',
      want: 'https://api.example.com/users',
    },
    {
      name: 'full http URL path is used as is',
      base: 'http://h/gh',
      path: 'http://other/x?a=1',
      want: 'http://other/x?a=1',
    },
    {
      name: 'full https URL path is used as is',
      base: 'http://h/gh',
      path: 'HTTPS://other/x',
      want: 'HTTPS://other/x',
    },
    {
      name: 'path with its own query',
      base: 'http://h/v2',
      path: '/users?active=true',
      want: 'http://h/v2/users?active=true',
    },
    {
      name: 'base query is kept, before the path query',
      base: 'http://h/v2?tenant=a',
      path: '/users?x=1',
      want: 'http://h/v2/users?tenant=a&x=1',
    },
  ])('$name', ({ base, path, want }) => {
    expect(joinUrl(base, path)).toBe(want);
  });
});

describe('withQuery', () => {
  it.each([
    {
      name: 'adds to a bare URL',
      url: 'http://h/x',
      params: { a: '1' },
      mode: 'replace' as const,
      want: 'http://h/x?a=1',
    },
    {
      name: 'appends to an existing query',
      url: 'http://h/x?a=1',
      params: { b: '2' },
      mode: 'replace' as const,
      want: 'http://h/x?a=1&b=2',
    },
    {
      name: 'encodes space as %20 and reserved characters',
      url: 'http://h/x',
      params: { q: 'a b&c=d/+?' },
      mode: 'replace' as const,
      want: 'http://h/x?q=a%20b%26c%3Dd%2F%2B%3F',
    },
    {
      name: 'encodes names too',
      url: 'http://h/x',
      params: { 'filter[name]': 'x' },
      mode: 'replace' as const,
      want: 'http://h/x?filter%5Bname%5D=x',
    },
    {
      name: 'replace drops every earlier value',
      url: 'http://h/x?page=1&a=1&page=2',
      params: { page: '3' },
      mode: 'replace' as const,
      want: 'http://h/x?a=1&page=3',
    },
    {
      name: 'if_absent keeps a present value',
      url: 'http://h/x?per_page=5',
      params: { per_page: '100', b: '2' },
      mode: 'if_absent' as const,
      want: 'http://h/x?per_page=5&b=2',
    },
    {
      name: 'keeps the original encoding of existing pairs',
      url: 'http://h/x?q=a+b',
      params: { z: '1' },
      mode: 'if_absent' as const,
      want: 'http://h/x?q=a+b&z=1',
    },
    {
      name: 'matches encoded existing names',
      url: 'http://h/x?filter%5Bname%5D=x',
      params: { 'filter[name]': 'y' },
      mode: 'if_absent' as const,
      want: 'http://h/x?filter%5Bname%5D=x',
    },
    {
      name: 'drops the fragment',
      url: 'http://h/x#frag',
      params: { a: '1' },
      mode: 'replace' as const,
      want: 'http://h/x?a=1',
    },
    {
      name: 'no params leaves the URL alone',
      url: 'http://h/x?a=1#f',
      params: {},
      mode: 'replace' as const,
      want: 'http://h/x?a=1#f',
    },
  ])('$name', ({ url, params, mode, want }) => {
    expect(withQuery(url, params, mode)).toBe(want);
  });

  it('lists decoded query names', () => {
    expect([...queryNames('http://h/x?a=1&b%20c=2&a=3')]).toEqual(['a', 'b c']);
  });
});

describe('resolveLink', () => {
  it.each([
    {
      name: 'absolute',
      link: 'https://api.x/items?page=2',
      req: 'http://h/a/b',
      want: 'https://api.x/items?page=2',
    },
    {
      name: 'root-relative',
      link: '/items?page=2',
      req: 'http://h/v1/items?page=1',
      want: 'http://h/items?page=2',
    },
    {
      name: 'query-only',
      link: '?page=2',
      req: 'http://h/v1/items?page=1',
      want: 'http://h/v1/items?page=2',
    },
    {
      name: 'path-relative',
      link: 'items?page=2',
      req: 'http://h/v1/items?page=1',
      want: 'http://h/v1/items?page=2',
    },
    { name: 'drops the fragment', link: '/x?page=2#top', req: 'http://h/', want: 'http://h/x?page=2' },
    { name: 'rejects other schemes', link: 'javascript:alert(1)', req: 'http://h/', want: undefined },
    { name: 'rejects ftp', link: 'ftp://h/x', req: 'http://h/', want: undefined },
  ])('$name', ({ link, req, want }) => {
    expect(resolveLink(link, req)).toBe(want);
  });
});

describe('URL redaction', () => {
  it('masks an api key in the query, by name and by registered value', () => {
    const r = new Redactor();
    r.add('s3cr3t-key');
    const url = withQuery('http://h/x?page=2', { api_key: 's3cr3t-key' });
    expect(r.url(url)).toBe('http://h/x?page=2&api_key=***');
    // A custom parameter name is not secret-looking, but the registered value is still masked.
    const custom = withQuery('http://h/x', { k: 's3cr3t-key' });
    expect(r.url(custom)).not.toContain('s3cr3t-key');
  });
});
