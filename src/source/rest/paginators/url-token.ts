import { FloeError } from '../../../util/errors.js';
import type { PageContext } from './paginator.js';
import { isUrlOrNull, tokenRecord } from './token-shape.js';

/** A page addressed by a full URL from the API; `null` for the first page (the endpoint's URL). */
export interface UrlToken {
  readonly url: string | null;
}

/** A stored `{ url }` token, when its URL is null or an absolute http(s) URL. */
export function restoreUrlToken(stored: unknown): UrlToken | undefined {
  const url = tokenRecord(stored, ['url'])?.['url'];
  return isUrlOrNull(url) ? { url } : undefined;
}

/** The error for a next-page link that is not an http(s) URL. */
export function invalidLink(page: PageContext<UrlToken>, what: string, link: string): FloeError {
  return new FloeError(
    'PAGINATION_INVALID',
    'terminal',
    `Endpoint "${page.endpoint}": ${what} in the response from ${page.sanitizedUrl} is not an http(s) URL ` +
      `(${JSON.stringify(link.slice(0, 200))}); a next link must be an absolute or relative http(s) URL.`,
    { details: { endpoint: page.endpoint, url: page.sanitizedUrl } },
  );
}
