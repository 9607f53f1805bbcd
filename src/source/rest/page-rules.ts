import type { PaginationConfig } from '../../config/schema.js';
import { compileJsonPath } from './json-path.js';
import type { ErrorShape } from './pagination-errors.js';
import type { ReportedSignals } from './stop-signals.js';

/** The end-of-data settings of a pagination block, with their defaults for types that lack them. */
export interface EndSettings {
  readonly no_content: boolean;
  readonly null_records: boolean;
  readonly strict: boolean;
  readonly emptyPage: boolean;
}

/** Reads `stop_on_no_content`, `stop_on_null_records`, `strict_totals`, `stop_after_empty_page`. */
export function endSettings(p: PaginationConfig | undefined): EndSettings {
  const c = (p ?? {}) as Partial<
    Record<'stop_on_no_content' | 'stop_on_null_records' | 'strict_totals' | 'stop_after_empty_page', boolean>
  >;
  return {
    no_content: c.stop_on_no_content === true,
    null_records: c.stop_on_null_records === true,
    strict: c.strict_totals === true,
    emptyPage: c.stop_after_empty_page === true,
  };
}

/**
 * Whether a page without records looks like an error rather than the end: a 204, or a records
 * path that matches `null` (`{"data": null, "error": {…}}`). An empty array is a real end.
 */
export function errorShape(
  status: number,
  body: unknown,
  recordsPath: string | undefined,
): ErrorShape | undefined {
  if (status === 204 || (body === null && status === 205)) return 'no_content';
  if (body === null) return 'null_records';
  if (recordsPath === undefined || recordsPath === '$') return undefined;
  const path = compileJsonPath(recordsPath);
  if (!path.definite) return undefined;
  const found = path.query(body);
  return found.length === 1 && found[0] === null ? 'null_records' : undefined;
}

/** Where the total comes from, for messages. */
export function totalSource(p: PaginationConfig | undefined): string {
  const c = (p ?? {}) as Partial<Record<'total_path' | 'total_header' | 'total_pages_path', string>>;
  return [
    c.total_header !== undefined ? `header ${c.total_header}` : undefined,
    c.total_path !== undefined ? `total_path ${c.total_path}` : undefined,
    c.total_pages_path !== undefined ? `total_pages_path ${c.total_pages_path}` : undefined,
  ]
    .filter((x) => x !== undefined)
    .join(', ');
}

/** `Page.reported` from what the signals read. */
export function reportedTotals(r: ReportedSignals): { records?: number; pages?: number } {
  return {
    ...(r.totalRecords !== undefined ? { records: r.totalRecords } : {}),
    ...(r.totalPages !== undefined ? { pages: r.totalPages } : {}),
  };
}
