/**
 * Integration cases per pagination type, run by `rest-source.pagination.test.ts` against the mock
 * API. Keyed by type so `exhaustiveness.test.ts` can fail when a schema type has no case.
 */
import type { PaginationConfig } from '../../../src/config/schema.js';
import {
  cursorPages,
  dataset,
  linkHeaderPages,
  nextLinkPages,
  offsetPages,
  pageNumberPages,
  type MockApi,
} from '../../support/mock-api.js';

export interface PaginationCase {
  readonly name: string;
  /** Adds the routes; the endpoint is served under `/api` (base_url is `<mock>/api`). */
  readonly serve: (api: MockApi) => void;
  readonly endpoint: Record<string, unknown>;
  /** Raw request URLs (path + query) the server must see, in order. */
  readonly requests: readonly string[];
  readonly records: number;
}

const DATA = dataset(25);
const EXACT = dataset(20);

export const PAGINATION_CASES: { readonly [K in PaginationConfig['type']]: readonly PaginationCase[] } = {
  offset: [
    {
      name: 'stops on a short page',
      serve: (api) => api.get('/api/items', offsetPages(DATA, { recordsKey: 'data' })),
      endpoint: { path: '/items', records_path: '$.data', pagination: { type: 'offset', limit_value: 10 } },
      requests: [
        '/api/items?limit=10&offset=0',
        '/api/items?limit=10&offset=10',
        '/api/items?limit=10&offset=20',
      ],
      records: 25,
    },
    {
      name: 'an exact multiple stops on the empty page',
      serve: (api) => api.get('/api/items', offsetPages(EXACT, { recordsKey: 'data' })),
      endpoint: { path: '/items', records_path: '$.data', pagination: { type: 'offset', limit_value: 10 } },
      requests: [
        '/api/items?limit=10&offset=0',
        '/api/items?limit=10&offset=10',
        '/api/items?limit=10&offset=20',
      ],
      records: 20,
    },
    {
      name: 'custom names, start_offset and query_params',
      serve: (api) =>
        api.get('/api/items', offsetPages(DATA, { limitParam: 'per_page', offsetParam: 'skip' })),
      endpoint: {
        path: 'items',
        query_params: { state: 'open' },
        pagination: {
          type: 'offset',
          limit_param: 'per_page',
          limit_value: 10,
          offset_param: 'skip',
          start_offset: 5,
        },
      },
      requests: [
        '/api/items?state=open&per_page=10&skip=5',
        '/api/items?state=open&per_page=10&skip=15',
        '/api/items?state=open&per_page=10&skip=25',
      ],
      records: 20,
    },
  ],
  cursor: [
    {
      name: 'first page without cursor, then URL-encoded cursors until null',
      serve: (api) => api.get('/api/items', cursorPages(DATA, { pageSize: 10 })),
      endpoint: {
        path: '/items',
        records_path: '$.data',
        pagination: { type: 'cursor', cursor_param: 'cursor', cursor_path: '$.meta.next_cursor' },
      },
      requests: ['/api/items', '/api/items?cursor=c%2B10%2F%3D', '/api/items?cursor=c%2B20%2F%3D'],
      records: 25,
    },
    {
      name: 'stops on an empty-string cursor',
      serve: (api) =>
        api.get('/api/items', cursorPages(DATA, { pageSize: 10, cursorParam: 'after', lastCursor: '' })),
      endpoint: {
        path: '/items',
        records_path: '$.data',
        pagination: { type: 'cursor', cursor_param: 'after', cursor_path: '$.meta.next_cursor' },
      },
      requests: ['/api/items', '/api/items?after=c%2B10%2F%3D', '/api/items?after=c%2B20%2F%3D'],
      records: 25,
    },
    {
      name: 'stops when the cursor is absent',
      serve: (api) =>
        api.get('/api/items', cursorPages(DATA, { pageSize: 20, lastCursor: 'absent', cursorKey: 'next' })),
      endpoint: {
        path: '/items',
        records_path: '$.data',
        pagination: { type: 'cursor', cursor_param: 'cursor', cursor_path: '$.next' },
      },
      requests: ['/api/items', '/api/items?cursor=c%2B20%2F%3D'],
      records: 25,
    },
  ],
  header_cursor: [
    {
      name: 'the next cursor from a response header, until the header is absent',
      serve: (api) =>
        api.get('/api/items', (req) => {
          const offset = req.query['cursor'] === undefined ? 0 : Number(req.query['cursor'].slice(1));
          const more = offset + 10 < DATA.length;
          return { json: DATA.slice(offset, offset + 10), headers: more ? { 'X-Next': `o${offset + 10}` } : {} };
        }),
      endpoint: { path: '/items', pagination: { type: 'header_cursor', cursor_header: 'X-Next' } },
      requests: ['/api/items', '/api/items?cursor=o10', '/api/items?cursor=o20'],
      records: 25,
    },
  ],
  page_number: [
    {
      name: 'from page 1 with a page size param',
      serve: (api) =>
        api.get(
          '/api/items',
          pageNumberPages(DATA, { pageSize: 10, pageSizeParam: 'per_page', recordsKey: 'results' }),
        ),
      endpoint: {
        path: '/items',
        records_path: '$.results',
        pagination: {
          type: 'page_number',
          page_param: 'page',
          page_size_param: 'per_page',
          page_size_value: 10,
        },
      },
      requests: [
        '/api/items?page=1&per_page=10',
        '/api/items?page=2&per_page=10',
        '/api/items?page=3&per_page=10',
      ],
      records: 25,
    },
    {
      name: 'from page 0 without a size param; stop_after_empty_page ends on the empty page',
      serve: (api) => api.get('/api/items', pageNumberPages(EXACT, { pageSize: 10, startPage: 0 })),
      endpoint: { path: '/items', pagination: { type: 'page_number', start_page: 0, stop_after_empty_page: true } },
      requests: ['/api/items?page=0', '/api/items?page=1', '/api/items?page=2'],
      records: 20,
    },
  ],
  link_header: [
    {
      name: 'absolute next links, used as given (query_params not duplicated)',
      serve: (api) => api.get('/api/items', linkHeaderPages(DATA, { pageSize: 10 })),
      endpoint: { path: '/items', query_params: { per_page: 10 }, pagination: { type: 'link_header' } },
      requests: ['/api/items?per_page=10', '/api/items?page=2&per_page=10', '/api/items?page=3&per_page=10'],
      records: 25,
    },
    {
      name: 'relative next links and rel lists',
      serve: (api) =>
        api.get(
          '/api/items',
          linkHeaderPages(DATA, { pageSize: 10, relative: true, nextRel: 'next prefetch' }),
        ),
      endpoint: { path: '/items', pagination: { type: 'link_header' } },
      requests: ['/api/items', '/api/items?page=2&per_page=10', '/api/items?page=3&per_page=10'],
      records: 25,
    },
  ],
  next_link: [
    {
      name: 'absolute next URLs in the body; missing query_params are added',
      serve: (api) => api.get('/api/items', nextLinkPages(DATA, { pageSize: 10 })),
      endpoint: {
        path: '/items',
        records_path: '$.data',
        query_params: { state: 'all' },
        pagination: { type: 'next_link', next_link_path: '$.paging.next' },
      },
      requests: ['/api/items?state=all', '/api/items?after=10&state=all', '/api/items?after=20&state=all'],
      records: 25,
    },
    {
      name: 'relative next URLs',
      serve: (api) =>
        api.get('/api/items', nextLinkPages(DATA, { pageSize: 10, relative: true, nextKey: 'next' })),
      endpoint: {
        path: '/items',
        records_path: '$.data',
        pagination: { type: 'next_link', next_link_path: '$.next' },
      },
      requests: ['/api/items', '/api/items?after=10', '/api/items?after=20'],
      records: 25,
    },
  ],
  single_page: [
    {
      name: 'one request for a top-level array',
      serve: (api) => api.get('/api/items', { json: DATA }),
      endpoint: { path: '/items', pagination: { type: 'single_page' } },
      requests: ['/api/items'],
      records: 25,
    },
    {
      name: 'no pagination at all',
      serve: (api) => api.get('/api/items', { json: { data: DATA, next: 'ignored' } }),
      endpoint: { path: '/items', records_path: '$.data' },
      requests: ['/api/items'],
      records: 25,
    },
  ],
  auto: [
    {
      name: 'detects a Link header (and a top-level array)',
      serve: (api) => api.get('/api/items', linkHeaderPages(DATA, { pageSize: 10, relative: true })),
      endpoint: { path: '/items', query_params: { per_page: 10 }, pagination: { type: 'auto' } },
      requests: ['/api/items?per_page=10', '/api/items?page=2&per_page=10', '/api/items?page=3&per_page=10'],
      records: 25,
    },
    {
      name: 'detects a next URL in the body (and records under data)',
      serve: (api) => api.get('/api/items', nextLinkPages(DATA, { pageSize: 10, nextKey: 'next' })),
      endpoint: { path: '/items', pagination: { type: 'auto' } },
      requests: ['/api/items', '/api/items?after=10', '/api/items?after=20'],
      records: 25,
    },
    {
      name: 'detects a cursor field',
      serve: (api) => api.get('/api/items', cursorPages(DATA, { pageSize: 10, cursorKey: 'next_cursor' })),
      endpoint: { path: '/items', pagination: { type: 'auto' } },
      requests: ['/api/items', '/api/items?cursor=c%2B10%2F%3D', '/api/items?cursor=c%2B20%2F%3D'],
      records: 25,
    },
    {
      name: 'nothing to detect: one page',
      serve: (api) => api.get('/api/items', { json: { data: DATA } }),
      endpoint: { path: '/items', pagination: { type: 'auto' } },
      requests: ['/api/items'],
      records: 25,
    },
  ],
};
