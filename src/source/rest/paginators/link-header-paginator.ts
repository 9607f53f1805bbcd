import type { PaginationConfig } from '../../../config/schema.js';
import { findLink } from '../link-header.js';
import { invalidLink, restoreUrlToken, type UrlToken } from './url-token.js';
import { queryTarget, type PageContext, type PageTarget, type Paginator } from './paginator.js';
import { endedBySignals } from './signal-stop.js';
import { resolveLink } from '../url.js';

/** The `pagination` block that selects this paginator. */
export type LinkHeaderPaginationConfig = Extract<PaginationConfig, { type: 'link_header' }>;

/**
 * Follows the RFC 8288/5988 `Link` header's `rel="next"` target (relative targets are resolved
 * against the request URL) until a response has none. The next URL is used as the API gave it. Stop signals
 * (`has_more_path`, totals, `stop_after_empty_page`) can end it earlier.
 *
 * Selected by:
 * ```yaml
 * pagination: { type: link_header }
 * ```
 * Handles: `GET /repos/x/issues` → `Link: <https://api.github.com/…/issues?page=2>; rel="next",
 * <…?page=9>; rel="last"` with a JSON array body.
 */
export class LinkHeaderPaginator implements Paginator<UrlToken> {
  readonly type = 'link_header';

  constructor(private readonly config: LinkHeaderPaginationConfig) {}

  first(): UrlToken {
    return { url: null };
  }

  next(page: PageContext<UrlToken>): UrlToken | undefined {
    return endedBySignals(page, this.config) ? undefined : this.natural(page);
  }

  /** The next page as the response links it, before stop signals. */
  private natural(page: PageContext<UrlToken>): UrlToken | undefined {
    const link = findLink(page.headers['link'], 'next');
    if (link === undefined || link === '') return undefined;
    const url = resolveLink(link, page.requestUrl);
    if (url === undefined) throw invalidLink(page, 'the Link header’s rel="next" target', link);
    return { url };
  }

  restore(stored: unknown): UrlToken | undefined {
    return restoreUrlToken(stored);
  }

  target(token: UrlToken): PageTarget {
    return token.url === null ? queryTarget({}) : { kind: 'url', url: token.url };
  }

  describe(token: UrlToken): string {
    return token.url === null ? 'the first page' : 'the Link header’s rel="next" URL';
  }
}
