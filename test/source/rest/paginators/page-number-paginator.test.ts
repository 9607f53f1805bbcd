import { describe, expect, it } from 'vitest';
import { pageNumberPagination } from '../../../../src/config/schema.js';
import { PageNumberPaginator } from '../../../../src/source/rest/paginators/page-number-paginator.js';
import { ctx } from './context.js';

const paginator = (over: Record<string, unknown> = {}): PageNumberPaginator =>
  new PageNumberPaginator(
    pageNumberPagination.parse({ type: 'page_number', page_size_param: 'per_page', page_size_value: 5, ...over }),
  );
const signalled = (over: Record<string, unknown>): PageNumberPaginator =>
  new PageNumberPaginator(pageNumberPagination.parse({ type: 'page_number', ...over }));

describe('PageNumberPaginator', () => {
  it.each([
    { name: 'default start page 1', over: {}, query: { page: '1', per_page: '5' } },
    { name: 'start page 0', over: { start_page: 0 }, query: { page: '0', per_page: '5' } },
    {
      name: 'with page size param',
      over: { page_param: 'p', page_size_param: 'per_page' },
      query: { p: '1', per_page: '5' },
    },
  ])('first page: $name', ({ over, query }) => {
    const p = paginator(over);
    expect(p.target(p.first())).toEqual({ kind: 'query', query });
  });

  it.each([
    { name: 'full page → next page', page: 1, records: 5, want: { page: 2 } },
    { name: 'from page 0', page: 0, records: 5, want: { page: 1 } },
    { name: 'short page → stop', page: 3, records: 4, want: undefined },
    { name: 'empty page → stop', page: 3, records: 0, want: undefined },
  ])('$name', ({ page, records, want }) => {
    expect(paginator().next(ctx({ page }, { recordCount: records }))).toEqual(want);
  });

  it('without page_size_param (a stop signal then required) sends only the page', () => {
    const p = signalled({ total_header: 'X-Total-Count' });
    expect(p.target(p.first())).toEqual({ kind: 'query', query: { page: '1' } });
  });

  it.each([
    { name: 'total_pages reached', over: { total_pages_path: '$.pages' }, page: 3, reported: { totalPages: 3 }, want: undefined },
    { name: 'total_pages not yet', over: { total_pages_path: '$.pages' }, page: 2, reported: { totalPages: 3 }, want: { page: 3 } },
    { name: 'has_more false', over: { has_more_path: '$.more' }, page: 1, reported: { hasMore: false }, want: undefined },
    { name: 'a short page goes on with a signal', over: { page_size_param: 'n', page_size_value: 10, has_more_path: '$.more' }, page: 1, reported: { hasMore: true }, want: { page: 2 } },
  ])('signal: $name', ({ over, page, reported, want }) => {
    expect(signalled(over).next(ctx({ page }, { recordCount: 3, reported }))).toEqual(want);
  });
});
