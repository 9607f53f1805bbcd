import { hasStopSignal, type PaginationConfig } from '../../../config/schema.js';
import type { PageContext } from './paginator.js';

/** The stop-signal fields every paginated type shares. */
export type SignalFields = Pick<
  Extract<PaginationConfig, { type: 'cursor' }>,
  'has_more_path' | 'total_path' | 'total_pages_path' | 'total_header' | 'stop_after_empty_page'
>;

/**
 * True when the response's stop signals end the endpoint after `page`: `has_more` false, the
 * reported total of records or pages reached (counted by `page.position`), or an empty page with
 * `stop_after_empty_page`. Types whose token holds an exact position (offset, page number) pass
 * their own `pagesSoFar`/`recordsSoFar`.
 */
export function endedBySignals(
  page: PageContext<unknown>,
  config: SignalFields,
  at: { pagesSoFar?: number; recordsSoFar?: number } = {},
): boolean {
  const { reported } = page;
  if (reported.hasMore === false) return true;
  if (
    reported.totalRecords !== undefined &&
    (at.recordsSoFar ?? page.position.records) >= reported.totalRecords
  )
    return true;
  if (reported.totalPages !== undefined && (at.pagesSoFar ?? page.position.pages) >= reported.totalPages)
    return true;
  return config.stop_after_empty_page && page.recordCount === 0;
}

/** True when the config declares a stop signal, which turns the short-page rule off. */
export function explicitSignals(config: SignalFields): boolean {
  return hasStopSignal(config);
}
