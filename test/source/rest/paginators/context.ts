import type { PageContext } from '../../../../src/source/rest/paginators/paginator.js';

/** A PageContext for paginator unit tests; override what the case needs. */
export function ctx<T>(token: T, over: Partial<PageContext<T>> = {}): PageContext<T> {
  return {
    token,
    endpoint: 'items',
    requestUrl: 'http://h/v1/items?page=1',
    sanitizedUrl: 'http://h/v1/items?page=1',
    status: 200,
    headers: {},
    body: null,
    recordCount: 0,
    reported: {},
    position: { pages: 1, records: over.recordCount ?? 0 },
    ...over,
  };
}
