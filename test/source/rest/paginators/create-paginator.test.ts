import { describe, expect, it } from 'vitest';
import { PAGINATION_TYPES, type PaginationConfig } from '../../../../src/config/schema.js';
import {
  createPaginator,
  PAGINATOR_FACTORIES,
} from '../../../../src/source/rest/paginators/create-paginator.js';

describe('createPaginator', () => {
  it('has a factory for every pagination type in the schema', () => {
    for (const type of PAGINATION_TYPES) expect(PAGINATOR_FACTORIES[type], type).toBeTypeOf('function');
  });

  it('no pagination → a single page', () => {
    expect(createPaginator(undefined).type).toBe('single_page');
  });

  it('an unknown type lists the known ones', () => {
    expect(() => createPaginator({ type: 'bogus' } as unknown as PaginationConfig)).toThrowError(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: expect.stringContaining(PAGINATION_TYPES.join(', ')) as string,
      }),
    );
  });
});
