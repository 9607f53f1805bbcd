import type { PaginationConfig } from '../../../config/schema.js';
import { FloeError } from '../../../util/errors.js';
import { compileJsonPath, type CompiledJsonPath } from '../json-path.js';
import { tokenRecord } from './token-shape.js';
import { placedTarget, queryTarget, type PageContext, type PageTarget, type Paginator } from './paginator.js';
import { endedBySignals } from './signal-stop.js';

/** The `pagination` block that selects this paginator. */
export type CursorPaginationConfig = Extract<PaginationConfig, { type: 'cursor' }>;

/** The cursor to send; `null` on the first page, which is requested without one. */
export interface CursorToken {
  readonly cursor: string | null;
}

/**
 * Cursor pagination: the first request has no cursor; each next request sends
 * `cursor_param=<value at cursor_path>` (or sets it at `cursor_body_path` in the JSON body) from
 * the previous response; stops when that value is
 * null, absent or "", or when a stop signal ends it (Stripe: `cursor_path: $.data[-1:].id` with
 * `has_more_path: $.has_more`). (A cursor seen before is caught by the source as `PAGINATION_LOOP`.)
 *
 * Selected by:
 * ```yaml
 * pagination: { type: cursor, cursor_param: cursor, cursor_path: $.pagination.next_cursor }
 * ```
 * Handles: `GET /users?cursor=abc` → `{ "results": […], "pagination": { "next_cursor": "def" } }`.
 */
export class CursorPaginator implements Paginator<CursorToken> {
  readonly type = 'cursor';
  private readonly path: CompiledJsonPath;

  constructor(private readonly config: CursorPaginationConfig) {
    this.path = compileJsonPath(config.cursor_path);
  }

  first(): CursorToken {
    return { cursor: null };
  }

  next(page: PageContext<CursorToken>): CursorToken | undefined {
    return endedBySignals(page, this.config) ? undefined : this.natural(page);
  }

  /** The next page as the response links it, before stop signals. */
  private natural(page: PageContext<CursorToken>): CursorToken | undefined {
    const value = page.body === null ? undefined : this.path.query(page.body)[0];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'string') return { cursor: value };
    if (typeof value === 'number' || typeof value === 'boolean') return { cursor: String(value) };
    throw new FloeError(
      'PAGINATION_INVALID',
      'terminal',
      `Endpoint "${page.endpoint}": pagination.cursor_path ${this.config.cursor_path} matched ` +
        `${Array.isArray(value) ? 'an array' : 'an object'} in the response from ${page.sanitizedUrl}; ` +
        'it must point at the cursor itself (a string or number), e.g. $.meta.next_cursor.',
      { details: { endpoint: page.endpoint, url: page.sanitizedUrl, path: 'pagination.cursor_path' } },
    );
  }

  restore(stored: unknown): CursorToken | undefined {
    const cursor = tokenRecord(stored, ['cursor'])?.['cursor'];
    return cursor === null || typeof cursor === 'string' ? { cursor } : undefined;
  }

  target(token: CursorToken): PageTarget {
    if (token.cursor === null) return queryTarget({});
    return placedTarget([[this.config.cursor_param, this.config.cursor_body_path, token.cursor]]);
  }

  describe(token: CursorToken): string {
    return token.cursor === null
      ? 'the first page'
      : `cursor "${token.cursor}" (from ${this.config.cursor_path})`;
  }
}
