import type { PaginationConfig } from '../../../config/schema.js';
import { toText } from '../../../util/text.js';
import type { ReportedSignals } from '../stop-signals.js';

/**
 * Where a page token goes on the request: query parameters layered on the endpoint's URL (and,
 * for `*_body_path` settings, values set at dotted paths of the JSON body), or a full URL (from a
 * `Link` header or the body) that replaces it.
 */
export type PageTarget =
  | {
      readonly kind: 'query';
      readonly query: Readonly<Record<string, string>>;
      /** Values to set in the JSON request body, keyed by dotted path (`paging.cursor`). */
      readonly body?: Readonly<Record<string, unknown>>;
    }
  | { readonly kind: 'url'; readonly url: string };

/** What a paginator sees of the page just fetched. */
export interface PageContext<T> {
  /** The token that produced this page. */
  readonly token: T;
  readonly endpoint: string;
  /** The URL that was requested (before auth), to resolve relative links against. */
  readonly requestUrl: string;
  /** The same, sanitized, for error messages. */
  readonly sanitizedUrl: string;
  readonly status: number;
  /** Response headers, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The parsed JSON body. */
  readonly body: unknown;
  /** Records the selector found on this page. */
  readonly recordCount: number;
  /** What the configured stop signals read from this response (`{}` when none are set). */
  readonly reported: ReportedSignals;
  /**
   * Pages and records of the extraction so far, this page included (a resumed extraction counts
   * from its checkpoint), for totals on types whose token holds no position.
   */
  readonly position: { readonly pages: number; readonly records: number };
}

/**
 * A stateless pagination strategy. A token is a plain JSON value (e.g. `{ offset: 200 }`), so a run
 * can store it in `Page.next` and resume from it (`restore` validates it on the way back);
 * `target` says where the token goes on the wire.
 */
export interface Paginator<T = unknown> {
  readonly type: PaginationConfig['type'];
  /** The token of the first page. */
  first(): T;
  /** The token of the page after `page`, or `undefined` when `page` was the last. */
  next(page: PageContext<T>): T | undefined;
  /**
   * A stored token (a `Page.next` value read back from a checkpoint) as this paginator's token, or
   * `undefined` when it does not have this paginator's shape.
   */
  restore(stored: unknown): T | undefined;
  /** Where the token goes on the request. */
  target(token: T): PageTarget;
  /** A short description of the token for messages (no URLs; redact before printing). */
  describe(token: T): string;
  /**
   * The token of the page after `token`, when it is known without that page's response (offset
   * and page-number pagination: it only counts), else absent. `undefined` when the totals the API
   * already reported say there is no such page. This is what lets an endpoint's pages be fetched
   * ahead concurrently (`concurrency`); the response still decides whether the page is wanted.
   */
  ahead?(token: T, known: KnownTotals): T | undefined;
  /**
   * `pagination: auto` only: the config it detected, carried by the token, in the form a user pins
   * it (for preview, logs and the stop signals of later pages).
   */
  detected?(token: T): Readonly<Record<string, unknown>> | undefined;
}

/** Totals the API reported so far (stop signals), to bound pages fetched ahead. */
export interface KnownTotals {
  readonly totalRecords?: number | undefined;
  readonly totalPages?: number | undefined;
}

/** A query target; `body` values go into the JSON body at their dotted paths. */
export function queryTarget(
  query: Readonly<Record<string, string>>,
  body?: Readonly<Record<string, unknown>>,
): PageTarget {
  return body !== undefined && Object.keys(body).length > 0 ? { kind: 'query', query, body } : { kind: 'query', query };
}

/**
 * Splits pagination values between the query string and the JSON body: each entry is
 * `[query_param, body_path, value]`; the body path wins when set.
 */
export function placedTarget(entries: readonly (readonly [string | undefined, string | undefined, unknown])[]): PageTarget {
  const query: Record<string, string> = {};
  const body: Record<string, unknown> = {};
  for (const [param, path, value] of entries) {
    if (path !== undefined) body[path] = value;
    else if (param !== undefined && value !== null && value !== undefined) query[param] = toText(value);
  }
  return queryTarget(query, body);
}
