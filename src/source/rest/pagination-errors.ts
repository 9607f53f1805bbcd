import { FloeError } from '../../util/errors.js';
import type { Redactor } from '../../util/redact.js';
import { findLink } from './link-header.js';
import type { Paginator } from './paginators/paginator.js';
import { describeHints, findSignalHints } from './stop-signal-hints.js';

/** The response a pagination error is about. */
export interface ErrorPage {
  readonly endpoint: string;
  /** Sanitized. */
  readonly url: string;
  readonly index: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The stop signal that would fix a loop, from what the response offers: `has_more_path`, a total
 * in the body or a header, a page count; else `max_pages` or `stop_after_empty_page`.
 */
export function stopSignalAdvice(page: ErrorPage, paginator: Paginator): string {
  const hints = findSignalHints(page.body, page.headers);
  const link = paginator.type !== 'link_header' && findLink(page.headers['link'], 'next') !== undefined;
  if (hints.length > 0) {
    return ` The response offers a stop signal: add ${describeHints(hints)} to the pagination block${
      link ? ', or use type: link_header (it has a Link rel="next" header)' : ''
    }.`;
  }
  if (link) return ' The response has a Link rel="next" header: use pagination type: link_header.';
  return ' The response offers no stop signal floe recognises; set max_pages, or stop_after_empty_page: true if the API answers past the end with an empty page.';
}

/** A page whose content equals the previous page's: the API ignores the paging parameters, or repeats the last page. */
export function repeatedPageError(page: ErrorPage, paginator: Paginator): FloeError {
  return new FloeError(
    'PAGINATION_LOOP',
    'terminal',
    `Endpoint "${page.endpoint}": pagination loop (${paginator.type}): page ${page.index} (${page.url}) has exactly the same content as page ${page.index - 1}; ` +
      'the API ignores the paging parameters or answers past the end with the last page again. ' +
      'Stopping instead of loading the same records forever.' +
      stopSignalAdvice(page, paginator),
    { details: { endpoint: page.endpoint, url: page.url, path: 'pagination', page: page.index } },
  );
}

/** A next request already made in this extraction. */
export function urlLoopError(
  page: ErrorPage,
  paginator: Paginator,
  next: unknown,
  nextUrl: string,
  earlier: number,
  redactor: Redactor,
): FloeError {
  return new FloeError(
    'PAGINATION_LOOP',
    'terminal',
    `Endpoint "${page.endpoint}": pagination loop (${paginator.type}): after page ${page.index}, ${redactor.text(paginator.describe(next))} ` +
      `leads to ${nextUrl}, already requested for page ${earlier} of this extraction. The API repeats itself; ` +
      'stopping instead of loading the same records forever.' +
      stopSignalAdvice(page, paginator),
    { details: { endpoint: page.endpoint, url: nextUrl, path: 'pagination', page: page.index } },
  );
}

/** What an error-shaped page looked like. */
export type ErrorShape = 'no_content' | 'null_records';

/** A 204, or records_path matching null, after the first page: an error, unless declared as the end. */
export function errorPageError(
  page: ErrorPage,
  shape: ErrorShape,
  status: number,
  recordsPath: string,
  excerpt: string,
): FloeError {
  const what =
    shape === 'no_content'
      ? `HTTP ${status} with no content`
      : `records_path ${recordsPath} is null (body: "${excerpt}")`;
  const option = shape === 'no_content' ? 'stop_on_no_content' : 'stop_on_null_records';
  return new FloeError(
    'RESPONSE_ERROR_PAGE',
    'terminal',
    `Endpoint "${page.endpoint}": page ${page.index} (${page.url}) came back as ${what}, which looks like an error, ` +
      `not the end of the data; nothing is loaded. If this API marks its last page that way, set pagination.${option}: true.`,
    {
      details: {
        endpoint: page.endpoint,
        url: page.url,
        status,
        path: `pagination.${option}`,
        body_excerpt: excerpt,
      },
    },
  );
}
