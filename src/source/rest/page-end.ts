import type { PageEnd } from '../../types.js';
import { FloeError } from '../../util/errors.js';
import { findLink } from './link-header.js';
import { describeHints, findSignalHints } from './stop-signal-hints.js';

/** What the source knows when an extraction ends. */
export interface EndInput {
  readonly endpoint: string;
  /** Why it ended, in words: "the pagination ended", "max_pages reached", … */
  readonly reason: string;
  readonly maxPagesReached: boolean;
  /** Records and pages of the extraction (from its checkpoint when resumed). */
  readonly received: number;
  readonly pages: number;
  /** The latest totals the configured stop signals read. */
  readonly totalRecords: number | undefined;
  readonly totalPages: number | undefined;
  /** Where the total came from, for the message: `total_path $.total`, `total_header X-Total-Count`. */
  readonly totalSource: string;
  readonly strict: boolean;
  /** True when the config declares stop signals (the evidence check is then theirs). */
  readonly signalsConfigured: boolean;
  readonly paginationType: string;
  /** The last response. */
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * How an extraction ended, and whether that looks short:
 * - the API reported a total of records (or pages) and fewer arrived → `TOTAL_SHORT`, a warning
 *   with both counts, or `PAGINATION_SHORT` (terminal) with `strict_totals` (not when `max_pages`
 *   cut it: the user asked for that);
 * - no stop signal is configured and the last response says there is more (a has-more flag that is
 *   true, a total above what arrived, a `Link: rel="next"` the pagination does not follow) →
 *   `MORE_SUGGESTED`, a warning naming the signal to add.
 */
export function pageEnd(e: EndInput): PageEnd {
  const counts = (unit: string, expected: number, got: number): string =>
    `the API reported ${expected} ${unit} (${e.totalSource}) but the extraction ended after ${got}`;
  let short: { expected: number; received: number; text: string } | undefined;
  if (e.totalRecords !== undefined && e.received < e.totalRecords) {
    short = {
      expected: e.totalRecords,
      received: e.received,
      text: counts('records', e.totalRecords, e.received),
    };
  } else if (e.totalPages !== undefined && e.pages < e.totalPages) {
    short = { expected: e.totalPages, received: e.pages, text: counts('pages', e.totalPages, e.pages) };
  }
  if (short !== undefined) {
    const why = e.maxPagesReached ? ' (max_pages reached)' : '';
    if (e.strict && !e.maxPagesReached) {
      throw new FloeError(
        'PAGINATION_SHORT',
        'terminal',
        `Endpoint "${e.endpoint}": ${short.text}; strict_totals is set, so nothing is loaded. ` +
          'Check the pagination settings (page size the API honours, stop signals), or unset strict_totals to load with a warning.',
        { details: { endpoint: e.endpoint, path: 'pagination.strict_totals' } },
      );
    }
    return {
      reason: e.reason,
      code: 'TOTAL_SHORT',
      warning: `${short.text}${why}`,
      expected: short.expected,
      received: short.received,
    };
  }
  if (e.signalsConfigured || e.maxPagesReached) return { reason: e.reason };
  const more = findSignalHints(e.body, e.headers).filter(
    (h) =>
      (h.field === 'has_more_path' && h.seen === true) ||
      (h.field !== 'has_more_path' &&
        h.field !== 'total_pages_path' &&
        typeof h.seen === 'number' &&
        h.seen > e.received),
  );
  const link = e.paginationType !== 'link_header' && findLink(e.headers['link'], 'next') !== undefined;
  if (more.length === 0 && !link) return { reason: e.reason };
  const evidence = [
    ...(more.length > 0 ? [describeHints(more)] : []),
    ...(link ? ['a Link rel="next" header'] : []),
  ].join('; ');
  return {
    reason: e.reason,
    code: 'MORE_SUGGESTED',
    warning:
      `the extraction ended after ${e.received} records (${e.reason}), but the last response suggests more: ${evidence}. ` +
      'The API may cap the page size or ignore a parameter; add that stop signal to the pagination block.',
    received: e.received,
  };
}
