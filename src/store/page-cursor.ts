import { FloeError } from '../util/errors.js';

/** A position in a list ordered by (created_at, id): the last row of the previous page. */
export interface PagePosition {
  readonly at: string;
  readonly id: string;
}

/** Cursors are opaque to clients: base64url of a small JSON with a version tag. */
export function encodeCursor(p: PagePosition): string {
  return Buffer.from(JSON.stringify({ v: 1, at: p.at, id: p.id })).toString('base64url');
}

export function decodeCursor(cursor: string): PagePosition {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v?: unknown; at?: unknown; id?: unknown };
    if (v.v === 1 && typeof v.at === 'string' && typeof v.id === 'string' && !Number.isNaN(Date.parse(v.at))) return { at: v.at, id: v.id };
  } catch {
    // fall through
  }
  throw new FloeError('USAGE', 'config', 'cursor is not one this API issued; pass next_cursor from the previous page unchanged', {
    details: { path: 'cursor' },
  });
}

/** One page of a list: `limit` rows were asked, `limit + 1` fetched to know whether more follow. */
export interface Page<T> {
  readonly data: T[];
  readonly next_cursor: string | null;
  readonly has_more: boolean;
}

export function toPage<R, T>(rows: readonly R[], limit: number, position: (r: R) => PagePosition, map: (r: R) => T): Page<T> {
  const has_more = rows.length > limit;
  const kept = rows.slice(0, limit);
  const last = kept[kept.length - 1];
  return { data: kept.map(map), next_cursor: has_more && last ? encodeCursor(position(last)) : null, has_more };
}
