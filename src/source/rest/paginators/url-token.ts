import { FloeError } from '../../../util/errors.js';
import type { PageContext } from './paginator.js';

/** A page addressed by a full URL from the API; `null` for the first page (the endpoint's URL). */
export interface UrlToken {
  readonly url: string | null;
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
