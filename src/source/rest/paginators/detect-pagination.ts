import { findLink } from '../link-header.js';
import { findSignalHints, path } from '../stop-signal-hints.js';
import { isAbsoluteHttpUrl } from '../url.js';

/** A detected pagination config in the form a user pins it (input form: defaults left out). */
export type DetectedPagination = Readonly<Record<string, string | number>> & { readonly type: string };

/** What detection looks at: the first response and the query of the request that got it. */
export interface DetectionInput {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  /** Decoded query parameters of the first request. */
  readonly query: ReadonlyMap<string, string>;
}

const NEXT_URL_PATHS: readonly (readonly string[])[] = [
  ['next'],
  ['next_url'],
  ['nextUrl'],
  ['next_page_url'],
  ['nextLink'],
  ['@odata.nextLink'],
  ['next', 'href'],
  ['next', 'url'],
  ['links', 'next'],
  ['links', 'next', 'href'],
  ['_links', 'next', 'href'],
  ['paging', 'next'],
  ['pagination', 'next'],
  ['pagination', 'next_url'],
  ['meta', 'next'],
];
const CURSOR_PATHS: readonly (readonly [readonly string[], string])[] = [
  [['next_cursor'], 'cursor'],
  [['nextCursor'], 'cursor'],
  [['next_page_token'], 'page_token'],
  [['nextPageToken'], 'pageToken'],
  [['meta', 'next_cursor'], 'cursor'],
  [['pagination', 'next_cursor'], 'cursor'],
  [['response_metadata', 'next_cursor'], 'cursor'],
  [['paging', 'cursors', 'after'], 'after'],
  [['cursor'], 'cursor'],
  [['next'], 'cursor'],
];
const PAGE_PARAMS = /^(?:_?page|page_?number|pageNumber|p)$/i;

/**
 * `pagination: { type: auto }`: what the first response shows, in dlt's order:
 * 1. a `Link: <…>; rel="next"` header → `link_header`;
 * 2. a next-page URL in the body (`next`, `links.next`, `paging.next`, `@odata.nextLink`, …) → `next_link`;
 * 3. a Stripe list (`object: "list"`, `has_more`, `data`) → `cursor` on `starting_after` with `has_more_path`;
 * 4. a cursor string (`next_cursor`, `next_page_token`, `meta.next_cursor`, …) → `cursor` (with
 *    `has_more_path` when the body has such a flag);
 * 5. a page-number envelope (a page count, or an integer `next`) when the request sent a page
 *    parameter (`page`, `_page`, …) → `page_number` with the best stop signal it offers;
 * 6. otherwise `undefined`: one page.
 */
export function detectPagination(input: DetectionInput): DetectedPagination | undefined {
  const { headers, body, query } = input;
  if (findLink(headers['link'], 'next') !== undefined) return { type: 'link_header' };
  if (!isObject(body)) return undefined;
  for (const keys of NEXT_URL_PATHS) {
    const v = at(body, keys);
    if (typeof v === 'string' && (isAbsoluteHttpUrl(v) || v.startsWith('/') || v.startsWith('?'))) {
      return { type: 'next_link', next_link_path: jsonPath(keys) };
    }
  }
  const hints = findSignalHints(body, headers);
  const hasMore = hints.find((h) => h.field === 'has_more_path');
  if (body['object'] === 'list' && typeof body['has_more'] === 'boolean' && Array.isArray(body['data'])) {
    return {
      type: 'cursor',
      cursor_param: 'starting_after',
      cursor_path: '$.data[-1:].id',
      has_more_path: '$.has_more',
    };
  }
  for (const [keys, param] of CURSOR_PATHS) {
    const v = at(body, keys);
    if (typeof v === 'string' && v !== '') {
      return {
        type: 'cursor',
        cursor_param: param,
        cursor_path: jsonPath(keys),
        ...(hasMore ? { has_more_path: hasMore.value } : {}),
      };
    }
  }
  const pageParam = [...query.keys()].find((k) => PAGE_PARAMS.test(k));
  const pages = hints.find((h) => h.field === 'total_pages_path');
  const total = hints.find((h) => h.field === 'total_path' || h.field === 'total_header');
  if (pageParam !== undefined && (pages ?? total ?? hasMore) !== undefined) {
    const start = Number(query.get(pageParam));
    const signal = pages ?? total ?? hasMore!;
    return {
      type: 'page_number',
      page_param: pageParam,
      ...(start === 0 ? { start_page: 0 } : {}),
      [signal.field]: signal.value,
    };
  }
  return undefined;
}

function at(obj: Record<string, unknown>, keys: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const k of keys) {
    if (!isObject(cur) || !Object.hasOwn(cur, k)) return undefined;
    cur = cur[k];
  }
  return cur;
}

function jsonPath(keys: readonly string[]): string {
  return keys.reduce((p, k) => path(p, k), '$');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
