/**
 * URL building by string operations, not URL resolution: `new URL('/repos', 'http://h/gh')` drops
 * the base path (`http://h/repos`), while a data engineer expects `http://h/gh/repos`.
 */

const ABSOLUTE = /^https?:\/\//i;

/** True when `path` is a full http(s) URL that must be used as is. */
export function isAbsoluteHttpUrl(path: string): boolean {
  return ABSOLUTE.test(path);
}

/**
 * Appends an endpoint path to `base_url`, keeping the base's path, with exactly one slash between
 * them: `joinUrl('http://h/gh/', '/repos/x')` → `http://h/gh/repos/x`. A full http(s) URL as path
 * is returned unchanged. Query strings on either side are kept (the base's first).
 */
export function joinUrl(base: string, path: string): string {
  if (isAbsoluteHttpUrl(path)) return path;
  const b = splitQuery(base);
  const p = splitQuery(path);
  const head = b.head.replace(/\/+$/, '') + '/' + p.head.replace(/^\/+/, '');
  const query = [b.query, p.query].filter((q) => q !== '').join('&');
  return query === '' ? head : `${head}?${query}`;
}

/** How `withQuery` treats a parameter that the URL already has. */
export type QueryMode = 'replace' | 'if_absent';

/**
 * Adds query parameters, percent-encoded with `encodeURIComponent` (a space becomes `%20`, not
 * `+`, which strict servers would read literally). `replace` drops any existing values of the same
 * name first; `if_absent` leaves a parameter the URL already has alone. Existing pairs keep their
 * original encoding. A fragment is dropped: it is never sent.
 */
export function withQuery(
  url: string,
  params: Readonly<Record<string, string>>,
  mode: QueryMode = 'replace',
): string {
  const names = Object.keys(params);
  if (names.length === 0) return url;
  const { head, query } = splitQuery(url);
  const pairs = query === '' ? [] : query.split('&').filter((p) => p !== '');
  const present = new Set(pairs.map(pairName));
  const kept = mode === 'replace' ? pairs.filter((p) => !(pairName(p) in params)) : pairs;
  const added = names
    .filter((name) => mode === 'replace' || !present.has(name))
    .map((name) => `${encodeURIComponent(name)}=${encodeURIComponent(params[name] ?? '')}`);
  const all = [...kept, ...added];
  return all.length === 0 ? head : `${head}?${all.join('&')}`;
}

/** The URL without any value of query parameter `name` (compared decoded). */
export function withoutQueryParam(url: string, name: string): string {
  const { head, query } = splitQuery(url);
  if (query === '') return url;
  const kept = query.split('&').filter((p) => p !== '' && pairName(p) !== name);
  return kept.length === 0 ? head : `${head}?${kept.join('&')}`;
}

/**
 * Percent-encodes a value for a URL path: like `encodeURIComponent` (so `/ ? # % +` and spaces are
 * escaped and the value stays one segment), but `:` and `@` stay literal, as RFC 3986 allows in a
 * segment, so `2024-01-01T00:00:00Z` reads as is. `+` is escaped (`%2B`) because some servers
 * decode a path like a form and would read it as a space.
 */
export function encodePathSegment(value: string): string {
  return encodeURIComponent(value).replace(/%3A/g, ':').replace(/%40/g, '@');
}

/** The decoded names of the URL's query parameters. */
export function queryNames(url: string): Set<string> {
  const { query } = splitQuery(url);
  return new Set(
    query === ''
      ? []
      : query
          .split('&')
          .filter((p) => p !== '')
          .map(pairName),
  );
}

/**
 * Resolves a link from a response (`Link` header or a next-page URL in the body) against the URL
 * of the request that returned it. Returns `undefined` unless the result is http(s).
 */
export function resolveLink(link: string, requestUrl: string): string | undefined {
  let u: URL;
  try {
    u = new URL(link, requestUrl);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
  u.hash = '';
  return u.toString();
}

function splitQuery(url: string): { head: string; query: string } {
  const noHash = url.split('#', 1)[0] ?? '';
  const q = noHash.indexOf('?');
  return q < 0 ? { head: noHash, query: '' } : { head: noHash.slice(0, q), query: noHash.slice(q + 1) };
}

function pairName(pair: string): string {
  const raw = pair.split('=', 1)[0] ?? '';
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}
