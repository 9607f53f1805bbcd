import { describe, expect, it } from 'vitest';
import { LinkHeaderPaginator } from '../../../../src/source/rest/paginators/link-header-paginator.js';
import { ctx } from './context.js';
import { linkHeaderPagination } from '../../../../src/config/schema.js';

const paginator = new LinkHeaderPaginator(linkHeaderPagination.parse({ type: 'link_header' }));

describe('LinkHeaderPaginator', () => {
  it('requests the endpoint URL first', () => {
    expect(paginator.target(paginator.first())).toEqual({ kind: 'query', query: {} });
  });

  it.each([
    {
      name: 'absolute next',
      link: '<https://api.x/items?page=2>; rel="next"',
      want: { url: 'https://api.x/items?page=2' },
    },
    {
      name: 'relative next resolved against the request URL',
      link: '</v1/items?page=2>; rel="next"',
      want: { url: 'http://h/v1/items?page=2' },
    },
    { name: 'query-only next', link: '<?page=2>; rel=next', want: { url: 'http://h/v1/items?page=2' } },
    {
      name: 'next among others',
      link: '<https://a/1>; rel="prev", <https://a/3>; rel="next last"',
      want: { url: 'https://a/3' },
    },
    { name: 'no next → stop', link: '<https://a/1>; rel="first"', want: undefined },
    { name: 'no Link header → stop', link: undefined, want: undefined },
  ])('$name', ({ link, want }) => {
    const headers = link === undefined ? {} : { link };
    expect(paginator.next(ctx({ url: null }, { headers }))).toEqual(want);
  });

  it('follows the next URL as given', () => {
    expect(paginator.target({ url: 'https://a/3?x=1' })).toEqual({ kind: 'url', url: 'https://a/3?x=1' });
  });

  it('rejects a non-http next link', () => {
    expect(() =>
      paginator.next(ctx({ url: null }, { headers: { link: '<javascript:x>; rel="next"' } })),
    ).toThrowError(expect.objectContaining({ code: 'PAGINATION_INVALID' }));
  });
});
