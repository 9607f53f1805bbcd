import { describe, expect, it } from 'vitest';
import { NextLinkPaginator } from '../../../../src/source/rest/paginators/next-link-paginator.js';
import { ctx } from './context.js';
import { nextLinkPagination } from '../../../../src/config/schema.js';

const paginator = new NextLinkPaginator(nextLinkPagination.parse({ type: 'next_link', next_link_path: '$.paging.next' }));

describe('NextLinkPaginator', () => {
  it('requests the endpoint URL first', () => {
    expect(paginator.target(paginator.first())).toEqual({ kind: 'query', query: {} });
  });

  it.each([
    {
      name: 'absolute',
      body: { paging: { next: 'https://api.x/posts?after=Q' } },
      want: { url: 'https://api.x/posts?after=Q' },
    },
    {
      name: 'relative',
      body: { paging: { next: '/v1/items?after=10' } },
      want: { url: 'http://h/v1/items?after=10' },
    },
    { name: 'null → stop', body: { paging: { next: null } }, want: undefined },
    { name: 'absent → stop', body: { paging: {} }, want: undefined },
    { name: 'empty → stop', body: { paging: { next: '' } }, want: undefined },
    { name: 'false → stop', body: { paging: { next: false } }, want: undefined },
    { name: 'null body → stop', body: null, want: undefined },
  ])('$name', ({ body, want }) => {
    expect(paginator.next(ctx({ url: null }, { body }))).toEqual(want);
  });

  it.each([
    { name: 'an object', body: { paging: { next: { href: '/x' } } } },
    { name: 'a number', body: { paging: { next: 2 } } },
    { name: 'another scheme', body: { paging: { next: 'mailto:x@y' } } },
  ])('rejects $name', ({ body }) => {
    expect(() => paginator.next(ctx({ url: null }, { body }))).toThrowError(
      expect.objectContaining({
        code: 'PAGINATION_INVALID',
        message: expect.stringContaining('$.paging.next') as string,
      }),
    );
  });
});
