import type { PaginationConfig } from '../../../config/schema.js';
import { compileJsonPath, type CompiledJsonPath } from '../json-path.js';
import { resolveLink } from '../url.js';
import { queryTarget, type PageContext, type PageTarget, type Paginator } from './paginator.js';
import { endedBySignals } from './signal-stop.js';
import { invalidLink, restoreUrlToken, type UrlToken } from './url-token.js';

/** The `pagination` block that selects this paginator. */
export type NextLinkPaginationConfig = Extract<PaginationConfig, { type: 'next_link' }>;

/**
 * Follows a next-page URL found in the body at `next_link_path` (relative URLs are resolved against
 * the request URL) until it is null, absent or "". The next URL is used as the API gave it. Stop signals
 * (`has_more_path`, totals, `stop_after_empty_page`) can end it earlier.
 *
 * Selected by:
 * ```yaml
 * pagination: { type: next_link, next_link_path: $.paging.next }
 * ```
 * Handles: `GET /posts` → `{ "data": […], "paging": { "next": "https://api.x/posts?after=QVFI" } }`.
 */
export class NextLinkPaginator implements Paginator<UrlToken> {
  readonly type = 'next_link';
  private readonly path: CompiledJsonPath;

  constructor(private readonly config: NextLinkPaginationConfig) {
    this.path = compileJsonPath(config.next_link_path);
  }

  first(): UrlToken {
    return { url: null };
  }

  next(page: PageContext<UrlToken>): UrlToken | undefined {
    return endedBySignals(page, this.config) ? undefined : this.natural(page);
  }

  /** The next page as the response links it, before stop signals. */
  private natural(page: PageContext<UrlToken>): UrlToken | undefined {
    const value = page.body === null ? undefined : this.path.query(page.body)[0];
    if (value === undefined || value === null || value === '' || value === false) return undefined;
    const what = `pagination.next_link_path ${this.config.next_link_path}`;
    if (typeof value !== 'string') throw invalidLink(page, what, JSON.stringify(value));
    const url = resolveLink(value, page.requestUrl);
    if (url === undefined) throw invalidLink(page, what, value);
    return { url };
  }

  restore(stored: unknown): UrlToken | undefined {
    return restoreUrlToken(stored);
  }

  target(token: UrlToken): PageTarget {
    return token.url === null ? queryTarget({}) : { kind: 'url', url: token.url };
  }

  describe(token: UrlToken): string {
    return token.url === null ? 'the first page' : `the next link at ${this.config.next_link_path}`;
  }
}
