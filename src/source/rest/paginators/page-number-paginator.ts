import type { PaginationConfig } from '../../../config/schema.js';
import { isCount, tokenRecord } from './token-shape.js';
import { queryTarget, type KnownTotals, type PageContext, type PageTarget, type Paginator } from './paginator.js';
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
 * counts pages from `start_page`), and then the API's own page size does not matter. Without
 * `page_size_param` the schema requires a signal. An empty page always ends it.
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
    if (!explicitSignals(this.config)) {
      return page_size_value !== undefined && page.recordCount < page_size_value ? undefined : next;
    }
    const pagesSoFar = page.token.page - this.config.start_page + 1;
    return endedBySignals(page, this.config, { pagesSoFar }) ? undefined : next;
  }

  ahead(token: PageNumberToken, known: KnownTotals): PageNumberToken | undefined {
    const page = token.page + 1;
    if (known.totalPages !== undefined && page - this.config.start_page >= known.totalPages) return undefined;
    const size = this.config.page_size_value;
    if (known.totalRecords !== undefined && size !== undefined && (page - this.config.start_page) * size >= known.totalRecords) {
      return undefined;
    }
    return { page };
  }

  restore(stored: unknown): PageNumberToken | undefined {
    const t = tokenRecord(stored, ['page']);
    return t !== undefined && isCount(t['page']) ? { page: t['page'] } : undefined;
  }

  target(token: PageNumberToken): PageTarget {
    const query: Record<string, string> = { [this.config.page_param]: String(token.page) };
    if (this.config.page_size_param !== undefined && this.config.page_size_value !== undefined) {
      query[this.config.page_size_param] = String(this.config.page_size_value);
    }
    return queryTarget(query);
  }

  describe(token: PageNumberToken): string {
    return `page ${token.page}`;
  }
}
