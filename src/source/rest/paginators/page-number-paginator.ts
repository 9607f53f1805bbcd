import type { PaginationConfig } from '../../../config/schema.js';
import { isCount, tokenRecord } from './token-shape.js';
import { queryTarget, type PageContext, type PageTarget, type Paginator } from './paginator.js';

/** The `pagination` block that selects this paginator. */
export type PageNumberPaginationConfig = Extract<PaginationConfig, { type: 'page_number' }>;

/** The number of the page to request. */
export interface PageNumberToken {
  readonly page: number;
}

/**
 * Page-number pagination: sends `page_param=<n>` from `start_page` (default 1; 0 allowed) and, when
 * `page_size_param` is set, `page_size_param=page_size_value`; stops when a page has fewer records
 * than `page_size_value`.
 *
 * Selected by:
 * ```yaml
 * pagination: { type: page_number, page_param: page, page_size_param: per_page, page_size_value: 50 }
 * ```
 * Handles: `GET /orders?page=3&per_page=50` → `{ "results": [ …50 records… ] }`.
 */
export class PageNumberPaginator implements Paginator<PageNumberToken> {
  readonly type = 'page_number';

  constructor(private readonly config: PageNumberPaginationConfig) {}

  first(): PageNumberToken {
    return { page: this.config.start_page };
  }

  next(page: PageContext<PageNumberToken>): PageNumberToken | undefined {
    if (page.recordCount < this.config.page_size_value) return undefined;
    return { page: page.token.page + 1 };
  }

  restore(stored: unknown): PageNumberToken | undefined {
    const t = tokenRecord(stored, ['page']);
    return t !== undefined && isCount(t['page']) ? { page: t['page'] } : undefined;
  }

  target(token: PageNumberToken): PageTarget {
    const query: Record<string, string> = { [this.config.page_param]: String(token.page) };
    if (this.config.page_size_param !== undefined) {
      query[this.config.page_size_param] = String(this.config.page_size_value);
    }
    return queryTarget(query);
  }

  describe(token: PageNumberToken): string {
    return `page ${token.page}`;
  }
}
