import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useState } from 'preact/hooks';
import type { ApiClient } from '../api-client.js';
import { ApiFailure } from '../api-client.js';

export const ApiContext = createContext<ApiClient | undefined>(undefined);

export function useApi(): ApiClient {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside the signed-in app');
  return api;
}

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: ApiFailure | undefined;
  readonly loading: boolean;
  readonly reload: () => void;
}

/** Loads `path` (again when it changes, or on `reload()`), keeping the last data while reloading. */
export function useLoad<T>(path: string | undefined): Loaded<T> {
  const api = useApi();
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiFailure | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === undefined) return;
    let live = true;
    setLoading(true);
    api.get<T>(path).then(
      (d) => {
        if (!live) return;
        setData(d);
        setError(undefined);
        setLoading(false);
      },
      (e: unknown) => {
        if (!live) return;
        setError(e instanceof ApiFailure ? e : new ApiFailure(0, 'client_error', String(e)));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [api, path, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

export interface Paged<T> {
  readonly items: T[] | undefined;
  readonly hasMore: boolean;
  readonly error: ApiFailure | undefined;
  readonly loading: boolean;
  readonly more: () => void;
  readonly reload: () => void;
}

/**
 * A cursor-paginated list (`{ data, next_cursor, has_more }`): the first page, then one more per
 * `more()`. `reload()` fetches the pages shown so far again, so live refreshes keep what is open.
 */
export function usePaged<T>(path: string, pageSize = 50): Paged<T> {
  const api = useApi();
  const [pages, setPages] = useState(1);
  const [tick, setTick] = useState(0);
  const [state, setState] = useState<{
    items: T[] | undefined;
    hasMore: boolean;
    error: ApiFailure | undefined;
    loading: boolean;
  }>({
    items: undefined,
    hasMore: false,
    error: undefined,
    loading: true,
  });
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    (async () => {
      const items: T[] = [];
      let cursor: string | null = null;
      let hasMore = false;
      for (let i = 0; i < pages; i++) {
        const sep = path.includes('?') ? '&' : '?';
        const page: { data: T[]; next_cursor: string | null; has_more: boolean } = await api.get(
          `${path}${sep}limit=${pageSize}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        items.push(...page.data);
        cursor = page.next_cursor;
        hasMore = page.has_more;
        if (!hasMore) break;
      }
      if (live) setState({ items, hasMore, error: undefined, loading: false });
    })().catch((e: unknown) => {
      if (live)
        setState((s) => ({
          ...s,
          loading: false,
          error: e instanceof ApiFailure ? e : new ApiFailure(0, 'client_error', String(e)),
        }));
    });
    return () => {
      live = false;
    };
  }, [api, path, pages, pageSize, tick]);
  const more = useCallback(() => setPages((p) => p + 1), []);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, more, reload };
}
