import { describe, expect, it } from 'vitest';
import { offsetPagination } from '../../../../src/config/schema.js';
import { OffsetPaginator } from '../../../../src/source/rest/paginators/offset-paginator.js';
import { ctx } from './context.js';

const paginator = (over: Record<string, unknown> = {}): OffsetPaginator =>
  new OffsetPaginator(offsetPagination.parse({ type: 'offset', limit_value: 10, ...over }));

describe('OffsetPaginator', () => {
  it('starts at start_offset with limit and offset in the query', () => {
    const p = paginator({ limit_param: 'per_page', offset_param: 'skip', start_offset: 5 });
    expect(p.first()).toEqual({ offset: 5 });
    expect(p.target(p.first())).toEqual({ kind: 'query', query: { per_page: '10', skip: '5' } });
  });

  it('defaults to limit/offset from 0', () => {
    const p = paginator();
    expect(p.target(p.first())).toEqual({ kind: 'query', query: { limit: '10', offset: '0' } });
  });

  it.each([
    { name: 'full page → next offset', offset: 0, records: 10, want: { offset: 10 } },
    { name: 'full page later on', offset: 30, records: 10, want: { offset: 40 } },
    { name: 'more records than the limit still continues', offset: 0, records: 12, want: { offset: 10 } },
    { name: 'short page → stop', offset: 20, records: 3, want: undefined },
    { name: 'empty page → stop', offset: 20, records: 0, want: undefined },
  ])('$name', ({ offset, records, want }) => {
    expect(paginator().next(ctx({ offset }, { recordCount: records }))).toEqual(want);
  });
});
