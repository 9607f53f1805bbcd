import { describe, expect, it } from 'vitest';
import { findLink, parseLinkHeader } from '../../../src/source/rest/link-header.js';

describe('parseLinkHeader / findLink(next)', () => {
  it.each([
    { name: 'absent header', header: undefined, next: undefined },
    { name: 'empty header', header: '', next: undefined },
    {
      name: 'single next, quoted rel',
      header: '<https://a/x?page=2>; rel="next"',
      next: 'https://a/x?page=2',
    },
    { name: 'unquoted rel', header: '<https://a/x?page=2>; rel=next', next: 'https://a/x?page=2' },
    {
      name: 'GitHub style: several links, next not first',
      header:
        '<https://a/x?page=1>; rel="prev", <https://a/x?page=3>; rel="next", <https://a/x?page=9>; rel="last"',
      next: 'https://a/x?page=3',
    },
    { name: 'rel list', header: '<https://a/x?page=2>; rel="next last"', next: 'https://a/x?page=2' },
    { name: 'uppercase rel', header: '<https://a/x?page=2>; rel="NEXT"', next: 'https://a/x?page=2' },
    {
      name: 'no next',
      header: '<https://a/x?page=1>; rel="first", <https://a/x?page=9>; rel="last"',
      next: undefined,
    },
    { name: '"next" only as part of another rel', header: '<https://a/x>; rel="nextpage"', next: undefined },
    { name: 'relative target kept as written', header: '</x?page=2>; rel="next"', next: '/x?page=2' },
    {
      name: 'comma and semicolon inside the URL',
      header: '<https://a/x?ids=1,2;3&page=2>; rel="next", <https://a/x?page=9>; rel="last"',
      next: 'https://a/x?ids=1,2;3&page=2',
    },
    {
      name: 'comma inside a quoted parameter',
      header: '<https://a/x?page=1>; title="a, b"; rel="prev", <https://a/x?page=2>; rel="next"',
      next: 'https://a/x?page=2',
    },
    {
      name: 'extra whitespace',
      header: '  < https://a/x?page=2 > ;  rel = "next" ',
      next: 'https://a/x?page=2',
    },
    {
      name: 'other params before rel',
      header: '<https://a/x?page=2>; type="application/json"; rel="next"',
      next: 'https://a/x?page=2',
    },
    {
      name: 'first rel parameter wins',
      header: '<https://a/x?page=2>; rel="prev"; rel="next"',
      next: undefined,
    },
  ])('$name', ({ header, next }) => {
    expect(findLink(header, 'next')).toBe(next);
  });

  it('returns every link with its params', () => {
    expect(parseLinkHeader('<https://a/1>; rel="next last"; title="T", <https://a/2>; rel=prev')).toEqual([
      { url: 'https://a/1', rel: ['next', 'last'], params: { rel: 'next last', title: 'T' } },
      { url: 'https://a/2', rel: ['prev'], params: { rel: 'prev' } },
    ]);
  });
});
