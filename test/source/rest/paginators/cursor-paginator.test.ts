import { describe, expect, it } from 'vitest';
import { cursorPagination } from '../../../../src/config/schema.js';
import { CursorPaginator } from '../../../../src/source/rest/paginators/cursor-paginator.js';
import { ctx } from './context.js';

const paginator = new CursorPaginator(
  cursorPagination.parse({ type: 'cursor', cursor_param: 'after', cursor_path: '$.meta.next_cursor' }),
);

describe('CursorPaginator', () => {
  it('requests the first page without a cursor', () => {
    expect(paginator.target(paginator.first())).toEqual({ kind: 'query', query: {} });
  });

  it('sends the cursor in cursor_param (encoding happens when the URL is built)', () => {
    expect(paginator.target({ cursor: 'a+b/c=' })).toEqual({ kind: 'query', query: { after: 'a+b/c=' } });
  });

  it.each([
    { name: 'string cursor', body: { meta: { next_cursor: 'abc' } }, want: { cursor: 'abc' } },
    { name: 'numeric cursor', body: { meta: { next_cursor: 1234 } }, want: { cursor: '1234' } },
    { name: 'null cursor → stop', body: { meta: { next_cursor: null } }, want: undefined },
    { name: 'absent cursor → stop', body: { meta: {} }, want: undefined },
    { name: 'absent parent → stop', body: {}, want: undefined },
    { name: 'empty string → stop', body: { meta: { next_cursor: '' } }, want: undefined },
    {
      name: 'continues even on an empty page if a cursor is given',
      body: { meta: { next_cursor: 'x' } },
      want: { cursor: 'x' },
    },
    { name: 'null body (204) → stop', body: null, want: undefined },
  ])('$name', ({ body, want }) => {
    expect(paginator.next(ctx({ cursor: 'prev' }, { body }))).toEqual(want);
  });

  it('rejects a cursor_path that points at an object', () => {
    expect(() =>
      paginator.next(ctx({ cursor: null }, { body: { meta: { next_cursor: { id: 1 } } } })),
    ).toThrowError(
      expect.objectContaining({
        code: 'PAGINATION_INVALID',
        message: expect.stringContaining('$.meta.next_cursor') as string,
      }),
    );
  });
});
