import type { PaginationConfig } from '../../../config/schema.js';
import { isCount, tokenRecord } from './token-shape.js';
import { placedTarget, type KnownTotals, type PageContext, type PageTarget, type Paginator } from './paginator.js';
import { endedBySignals, explicitSignals } from './signal-stop.js';

/** The `pagination` block that selects this paginator. */
export type PageNumberPaginationConfig = Extract<PaginationConfig, { type: 'page_number' }>;

/** The number of the page to request. */
export interface PageNumberToken {
  readonly page: number;
}

/**
 * Page-number pagination: sends `page_param=<n>` from `start_page` (default 1; 0 allowed) and, when
 * `page_size_param` is set, `page_size_param=page_size_value`. Without a stop signal it stops when a
 * page has fewer records than `page_size_value`; with one the signals decide (`total_pages_path`
 * counts pages from `base_page`, default `start_page`), and then the API's own page size does not
 * matter. Without `page_size_param` the schema requires a signal (or `maximum_page`). An empty page
 * always ends it, and so does reaching `maximum_page`. `page_body_path` puts the page number in the
 * JSON body instead of the query.
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
    const { page_size_value } = this.config;
    if (page.recordCount === 0) return undefined;
    const next = { page: page.token.page + 1 };
    if (this.config.maximum_page !== undefined && next.page >= this.config.maximum_page) return undefined;
    if (!explicitSignals(this.config)) {
      return page_size_value !== undefined && page.recordCount < page_size_value ? undefined : next;
    }
    // The API numbers its pages from base_page: the total is reached at page base_page + total − 1.
    const pagesSoFar = page.token.page - (this.config.base_page ?? this.config.start_page) + 1;
    return endedBySignals(page, this.config, { pagesSoFar }) ? undefined : next;
  }

  ahead(token: PageNumberToken, known: KnownTotals): PageNumberToken | undefined {
    const page = token.page + 1;
    if (this.config.maximum_page !== undefined && page >= this.config.maximum_page) return undefined;
    // As in next(): the API numbers its pages from base_page.
    const first = this.config.base_page ?? this.config.start_page;
    if (known.totalPages !== undefined && page - first >= known.totalPages) return undefined;
    const size = this.config.page_size_value;
    if (known.totalRecords !== undefined && size !== undefined && (page - first) * size >= known.totalRecords) {
      return undefined;
    }
    return { page };
  }

  restore(stored: unknown): PageNumberToken | undefined {
    const t = tokenRecord(stored, ['page']);
    return t !== undefined && isCount(t['page']) ? { page: t['page'] } : undefined;
  }

  target(token: PageNumberToken): PageTarget {
    const c = this.config;
    return placedTarget([
      [c.page_param, c.page_body_path, token.page],
      [c.page_size_param, undefined, c.page_size_param !== undefined ? c.page_size_value : undefined],
    ]);
  }

  describe(token: PageNumberToken): string {
    return `page ${token.page}`;
  }
}
