import { useEffect, useState } from 'preact/hooks';

/** The console's pages, addressed by the URL fragment so `/` is the only page the server serves. */
export type Route =
  | { page: 'connectors' }
  | { page: 'connector-new' }
  | { page: 'connector'; id: string }
  | { page: 'connector-edit'; id: string }
  | { page: 'preview'; id: string; endpoint: string | undefined }
  | { page: 'runs'; connector: string | undefined; status: string | undefined }
  | { page: 'run'; id: string }
  | { page: 'backfill'; id: string }
  | { page: 'not-found'; path: string };

const PATTERNS: [RegExp, (m: string[], q: URLSearchParams) => Route][] = [
  [/^\/?$/, () => ({ page: 'connectors' })],
  [/^\/connectors\/?$/, () => ({ page: 'connectors' })],
  [/^\/connectors\/new$/, () => ({ page: 'connector-new' })],
  [/^\/connectors\/([^/]+)$/, (m) => ({ page: 'connector', id: m[1]! })],
  [/^\/connectors\/([^/]+)\/edit$/, (m) => ({ page: 'connector-edit', id: m[1]! })],
  [
    /^\/connectors\/([^/]+)\/preview$/,
    (m, q) => ({ page: 'preview', id: m[1]!, endpoint: q.get('endpoint') ?? undefined }),
  ],
  [
    /^\/runs\/?$/,
    (_m, q) => ({
      page: 'runs',
      connector: q.get('connector') ?? undefined,
      status: q.get('status') ?? undefined,
    }),
  ],
  [/^\/runs\/([^/]+)$/, (m) => ({ page: 'run', id: m[1]! })],
  [/^\/backfills\/([^/]+)$/, (m) => ({ page: 'backfill', id: m[1]! })],
];

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [path = '', query = ''] = raw.split('?');
  const q = new URLSearchParams(query);
  for (const [re, make] of PATTERNS) {
    const m = re.exec(path);
    if (m)
      return make(
        m.map((x) => decodeURIComponent(x)),
        q,
      );
  }
  return { page: 'not-found', path };
}

/** A link target for a page. */
export function href(path: string, query: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams(
    Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''),
  );
  const s = q.toString();
  return `#${path}${s ? `?${s}` : ''}`;
}

export function navigate(path: string, query: Record<string, string | undefined> = {}): void {
  location.hash = href(path, query);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = (): void => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}
