import type { PaginationConfig } from '../../../config/schema.js';
import { tokenRecord } from './token-shape.js';
import { queryTarget, type PageContext, type PageTarget, type Paginator } from './paginator.js';
import { endedBySignals } from './signal-stop.js';

/** The `pagination` block that selects this paginator. */
export type HeaderCursorPaginationConfig = Extract<PaginationConfig, { type: 'header_cursor' }>;

/** The cursor to send; `null` on the first page, which is requested without one. */
export interface HeaderCursorToken {
  readonly cursor: string | null;
}

/**
 * Cursor from a response header: the first request has no cursor; each next request sends
 * `cursor_param=<value of the cursor_header header>` from the previous response; stops when the
 * header is absent or empty, or a stop signal ends it.
 *
 * Selected by:
 * ```yaml
 * pagination: { type: header_cursor, cursor_header: X-Next-Cursor, cursor_param: cursor }
 * ```
 * Handles: `GET /events?cursor=abc` → `X-Next-Cursor: def` with a JSON array body.
 */
export class HeaderCursorPaginator implements Paginator<HeaderCursorToken> {
  readonly type = 'header_cursor';

  constructor(private readonly config: HeaderCursorPaginationConfig) {}

  first(): HeaderCursorToken {
    return { cursor: null };
  }

  next(page: PageContext<HeaderCursorToken>): HeaderCursorToken | undefined {
    if (endedBySignals(page, this.config)) return undefined;
    const value = page.headers[this.config.cursor_header.toLowerCase()];
    return value === undefined || value === '' ? undefined : { cursor: value };
  }

  restore(stored: unknown): HeaderCursorToken | undefined {
    const cursor = tokenRecord(stored, ['cursor'])?.['cursor'];
    return cursor === null || typeof cursor === 'string' ? { cursor } : undefined;
  }

  target(token: HeaderCursorToken): PageTarget {
    return queryTarget(token.cursor === null ? {} : { [this.config.cursor_param]: token.cursor });
  }

  describe(token: HeaderCursorToken): string {
    return token.cursor === null ? 'the first page' : `cursor "${token.cursor}" (from header ${this.config.cursor_header})`;
  }
}
