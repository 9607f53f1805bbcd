/**
 * Route handlers that serve a dataset in each pagination style, plus an OAuth token endpoint.
 * Re-exported by `mock-api.ts`; import them from there.
 */
import type { Handler, MockResponse, RecordedRequest } from './mock-api.js';

/** `n` records `{ id: 1, name: 'r1' }`, … (or whatever `make` builds). */
export function dataset(
  n: number,
  make: (i: number) => unknown = (i) => ({ id: i, name: `r${i}` }),
): unknown[] {
  return Array.from({ length: n }, (_, k) => make(k + 1));
}

/** Wraps records as `{ [recordsKey]: records, ...extra }`, or a bare array without a key. */
function body(
  records: readonly unknown[],
  recordsKey: string | undefined,
  extra: Record<string, unknown> = {},
): unknown {
  return recordsKey === undefined ? records : { [recordsKey]: records, ...extra };
}

function int(req: RecordedRequest, name: string, fallback: number): number {
  const v = req.query[name];
  return v === undefined ? fallback : Number.parseInt(v, 10);
}

/**
 * Offset/limit: reads `limit` and `offset` (names configurable) and serves that slice; a request
 * without `limit` gets `defaultLimit` records.
 */
export function offsetPages(
  records: readonly unknown[],
  opts: { limitParam?: string; offsetParam?: string; recordsKey?: string; defaultLimit?: number } = {},
): Handler {
  const { limitParam = 'limit', offsetParam = 'offset', recordsKey, defaultLimit = 100 } = opts;
  return (req) => {
    const limit = int(req, limitParam, defaultLimit);
    const offset = int(req, offsetParam, 0);
    return { json: body(records.slice(offset, offset + limit), recordsKey, { total: records.length }) };
  };
}

/** Page numbers: `page` from `startPage` (default 1) with `pageSize` records (or `per_page`-style param). */
export function pageNumberPages(
  records: readonly unknown[],
  opts: {
    pageParam?: string;
    pageSizeParam?: string;
    pageSize: number;
    startPage?: number;
    recordsKey?: string;
  },
): Handler {
  const { pageParam = 'page', pageSizeParam, startPage = 1, recordsKey } = opts;
  return (req) => {
    const size = pageSizeParam === undefined ? opts.pageSize : int(req, pageSizeParam, opts.pageSize);
    const page = int(req, pageParam, startPage) - startPage;
    return { json: body(records.slice(page * size, page * size + size), recordsKey) };
  };
}

/**
 * Cursor: the first request has no cursor; each page's body carries the next cursor at
 * `meta.next_cursor` (or `cursorKey`, a dotted path), `null` on the last page. Cursors are opaque
 * strings with characters that need URL encoding (`+`, `/`, `=`).
 */
export function cursorPages(
  records: readonly unknown[],
  opts: {
    pageSize: number;
    cursorParam?: string;
    cursorKey?: string;
    recordsKey?: string;
    cursorFor?: (offset: number) => string;
    lastCursor?: null | '' | 'absent';
  },
): Handler {
  const { pageSize, cursorParam = 'cursor', cursorKey = 'meta.next_cursor', recordsKey = 'data' } = opts;
  const cursorFor = opts.cursorFor ?? ((offset: number) => `c+${offset}/=`);
  return (req) => {
    const sent = req.query[cursorParam];
    let offset = 0;
    if (sent !== undefined) {
      offset = [...Array(records.length + 1).keys()].find((o) => cursorFor(o) === sent) ?? -1;
      if (offset < 0) return { status: 400, json: { error: `bad cursor ${sent}` } };
    }
    const slice = records.slice(offset, offset + pageSize);
    const more = offset + pageSize < records.length;
    const last = opts.lastCursor ?? null;
    const cursor = more ? cursorFor(offset + pageSize) : last;
    const out = { [recordsKey]: slice } as Record<string, unknown>;
    if (cursor !== 'absent') setPath(out, cursorKey, cursor);
    return { json: out };
  };
}

/**
 * RFC 8288 `Link` headers, GitHub style: `?page=N&per_page=M`, a top-level array body, and
 * `rel="next"` (plus `rel="last"`, and `rel="first"` after page 1) while more pages remain.
 * `relative: true` sends the next link as a relative URL.
 */
export function linkHeaderPages(
  records: readonly unknown[],
  opts: { pageSize: number; relative?: boolean; nextRel?: string },
): Handler {
  return (req, _n, api) => {
    const size = int(req, 'per_page', opts.pageSize);
    const page = int(req, 'page', 1);
    const slice = records.slice((page - 1) * size, page * size);
    const lastPage = Math.max(1, Math.ceil(records.length / size));
    const link = (p: number): string =>
      (opts.relative ? '' : api.url) + `${req.path}?page=${p}&per_page=${size}`;
    const parts: string[] = [];
    if (page > 1) parts.push(`<${link(1)}>; rel="first"`);
    if (page < lastPage) parts.push(`<${link(page + 1)}>; rel="${opts.nextRel ?? 'next'}"`);
    parts.push(`<${link(lastPage)}>; rel=last`);
    return { json: slice, headers: { link: parts.join(', ') } };
  };
}

/** A next-page URL in the body at `paging.next` (`null` on the last page), `?after=<offset>`. */
export function nextLinkPages(
  records: readonly unknown[],
  opts: { pageSize: number; relative?: boolean; recordsKey?: string; nextKey?: string },
): Handler {
  const { pageSize, recordsKey = 'data', nextKey = 'paging.next' } = opts;
  return (req, _n, api) => {
    const offset = int(req, 'after', 0);
    const more = offset + pageSize < records.length;
    const out = { [recordsKey]: records.slice(offset, offset + pageSize) } as Record<string, unknown>;
    const next = more ? `${opts.relative ? '' : api.url}${req.path}?after=${offset + pageSize}` : null;
    setPath(out, nextKey, next);
    return { json: out };
  };
}

/**
 * An OAuth 2.0 token endpoint: answers each request with `token-1`, `token-2`, … and
 * `expires_in`. Inspect `api.requestsTo(path)` for the form bodies and headers it received.
 */
export function oauthTokens(opts: { expiresIn?: number; prefix?: string } = {}): Handler {
  return (_req, n): MockResponse => ({
    json: {
      access_token: `${opts.prefix ?? 'token'}-${n + 1}`,
      token_type: 'bearer',
      ...(opts.expiresIn !== undefined ? { expires_in: opts.expiresIn } : {}),
    },
  });
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let cur = target;
  for (const k of keys.slice(0, -1)) {
    cur[k] ??= {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1] ?? ''] = value;
}
