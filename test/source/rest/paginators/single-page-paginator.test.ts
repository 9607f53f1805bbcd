import { describe, expect, it } from 'vitest';
import type { Paginator } from '../../../../src/source/rest/paginators/paginator.js';
import { SinglePagePaginator } from '../../../../src/source/rest/paginators/single-page-paginator.js';
import { ctx } from './context.js';

describe('SinglePagePaginator', () => {
  it('makes one plain request and never a second, even after a full page with a next link', () => {
    const p: Paginator = new SinglePagePaginator();
    expect(p.target(p.first())).toEqual({ kind: 'query', query: {} });
    expect(
      p.next(ctx({}, { recordCount: 100, headers: { link: '<http://h/2>; rel="next"' } })),
    ).toBeUndefined();
  });
});
