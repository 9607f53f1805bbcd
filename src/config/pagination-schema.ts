import { z } from 'zod';

/**
 * The `pagination` block: one strict object per `type` (dlt's vocabulary), each with the stop
 * signals below. Re-exported by `schema.ts`, the one place the config's shape is assembled.
 */

const nonEmpty = z.string().min(1);

const maxPages = z
  .number()
  .int()
  .positive()
  .optional()
  .describe('Stop cleanly after this many pages (safety cap).');

/**
 * Signals from the response that end an endpoint, on every paginated type. Any one that says
 * "stop" ends it; see the README's table of stop signals per pagination type.
 */
export const stopSignalFields = {
  has_more_path: nonEmpty
    .optional()
    .describe(
      'JSONPath to a "more pages" flag in the body, e.g. $.has_more; stop when it is false (or null).',
    ),
  total_path: nonEmpty
    .optional()
    .describe(
      'JSONPath to the total number of records in the body, e.g. $.total; stop once that many arrived.',
    ),
  total_pages_path: nonEmpty
    .optional()
    .describe('JSONPath to the total number of pages in the body, e.g. $.total_pages; stop after that page.'),
  total_header: nonEmpty
    .optional()
    .describe(
      'Response header holding the total number of records, e.g. X-Total-Count; stop once that many arrived.',
    ),
  stop_after_empty_page: z
    .boolean()
    .default(false)
    .describe('Stop on an empty page only: short pages in the middle do not end the endpoint.'),
  strict_totals: z
    .boolean()
    .default(false)
    .describe(
      'Fail the endpoint (nothing loaded) instead of warning when it ends short of the total the API reported.',
    ),
  stop_on_no_content: z
    .boolean()
    .default(false)
    .describe('A 204 No Content after the first page ends the endpoint (by default it fails it).'),
  stop_on_null_records: z
    .boolean()
    .default(false)
    .describe('records_path matching null after the first page ends the endpoint (by default it fails it).'),
  max_pages: maxPages,
};

/** The names of the stop signals a user can add, for messages. */
export const STOP_SIGNAL_NAMES = [
  'has_more_path',
  'total_path',
  'total_pages_path',
  'total_header',
  'stop_after_empty_page',
] as const;

/** A dotted path into the JSON request body where a pagination value goes, e.g. `page.cursor`. */
const bodyPath = (what: string): z.ZodOptional<z.ZodString> =>
  z
    .string()
    .regex(/^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$/, 'a dotted path such as paging.offset')
    .optional()
    .describe(`Put the ${what} in the JSON request body at this dotted path (e.g. paging.${what}) instead of the query string.`);

export const offsetPagination = z
  .strictObject({
    type: z.literal('offset'),
    limit_param: nonEmpty.default('limit').describe('Query parameter for the page size.'),
    limit_value: z.number().int().positive().describe('Records per page.'),
    offset_param: nonEmpty.default('offset').describe('Query parameter for the offset.'),
    start_offset: z.number().int().min(0).default(0).describe('First offset.'),
    offset_body_path: bodyPath('offset'),
    limit_body_path: bodyPath('limit'),
    maximum_offset: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("Stop before requesting an offset at or past this value (dlt's maximum_offset)."),
    ...stopSignalFields,
  })
  .describe('Offset/limit; without a stop signal, stops when a page returns fewer records than the limit.');

export const cursorPagination = z
  .strictObject({
    type: z.literal('cursor'),
    cursor_param: nonEmpty
      .optional()
      .describe('Query parameter that carries the cursor (or set cursor_body_path).'),
    cursor_body_path: bodyPath('cursor'),
    cursor_path: nonEmpty.describe(
      'JSONPath to the next cursor in the response, e.g. $.meta.next_cursor (or $.data[-1:].id with has_more_path).',
    ),
    ...stopSignalFields,
  })
  .superRefine((p, ctx) => {
    if ((p.cursor_param === undefined) === (p.cursor_body_path === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['cursor_param'],
        message: 'set exactly one of cursor_param (query string) and cursor_body_path (JSON body)',
      });
    }
  })
  .describe(
    'Cursor token from the response; stops when the cursor is null or absent, or a stop signal says so.',
  );

export const headerCursorPagination = z
  .strictObject({
    type: z.literal('header_cursor'),
    cursor_header: nonEmpty.default('next').describe('Response header holding the next cursor.'),
    cursor_param: nonEmpty.default('cursor').describe('Query parameter that carries the cursor.'),
    ...stopSignalFields,
  })
  .describe('Cursor token from a response header; stops when the header is absent or empty.');

export const pageNumberPagination = z
  .strictObject({
    type: z.literal('page_number'),
    page_param: nonEmpty.default('page').describe('Query parameter for the page number.'),
    page_size_param: nonEmpty
      .optional()
      .describe(
        'Query parameter for the page size; without it the API decides, and a stop signal is required.',
      ),
    page_size_value: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Records per page (required with page_size_param).'),
    start_page: z.number().int().min(0).default(1).describe('First page number (some APIs start at 0).'),
    base_page: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe(
        "The number of the API's first page, for total_pages_path (dlt's base_page); default start_page. " +
          'Set it when start_page skips pages: the last page is base_page + total − 1.',
      ),
    page_body_path: bodyPath('page'),
    maximum_page: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("Stop before requesting a page number at or past this value (dlt's maximum_page)."),
    ...stopSignalFields,
  })
  .superRefine((p, ctx) => {
    if (p.page_size_param !== undefined && p.page_size_value === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['page_size_value'],
        message: 'page_size_param needs page_size_value (records per page)',
      });
    }
    if (p.page_size_param === undefined && !hasStopSignal(p) && p.maximum_page === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['page_size_param'],
        message:
          'page_number without page_size_param: the API picks the page size, so a short page cannot mean the end. ' +
          'Set page_size_param, or add a stop signal: total_header (e.g. X-Total-Count), total_path, total_pages_path, ' +
          'has_more_path or stop_after_empty_page: true',
      });
    }
  })
  .describe(
    'Page numbers; without a stop signal, stops when a page returns fewer records than the page size.',
  );

export const linkHeaderPagination = z
  .strictObject({
    type: z.literal('link_header'),
    ...stopSignalFields,
  })
  .describe('Follows the RFC 5988 `Link: <…>; rel="next"` header until none is present.');

export const nextLinkPagination = z
  .strictObject({
    type: z.literal('next_link'),
    next_link_path: nonEmpty.describe('JSONPath to the next page URL in the body, e.g. $.paging.next.'),
    ...stopSignalFields,
  })
  .describe('Follows a next-page URL from the body until it is null or absent.');

export const singlePagePagination = z
  .strictObject({ type: z.literal('single_page') })
  .describe('One request, no pagination (the same as omitting `pagination`).');

export const autoPagination = z
  .strictObject({
    type: z.literal('auto'),
    max_pages: maxPages,
    strict_totals: stopSignalFields.strict_totals,
  })
  .describe(
    'Detects the pagination on the first response: a Link rel="next" header, a next URL in the body, a cursor ' +
      'field, a page-number envelope, else one page. `floe preview` prints what it found, to pin in the config.',
  );

export const paginationConfig = z.discriminatedUnion('type', [
  offsetPagination,
  cursorPagination,
  headerCursorPagination,
  pageNumberPagination,
  linkHeaderPagination,
  nextLinkPagination,
  singlePagePagination,
  autoPagination,
]);

export const PAGINATION_TYPES = [
  'offset',
  'cursor',
  'header_cursor',
  'page_number',
  'link_header',
  'next_link',
  'single_page',
  'auto',
] as const;

export type PaginationConfig = z.output<typeof paginationConfig>;

/** True when a pagination config declares a stop signal from the response (not the short-page rule). */
export function hasStopSignal(p: Partial<Record<(typeof STOP_SIGNAL_NAMES)[number], unknown>>): boolean {
  return (
    p.has_more_path !== undefined ||
    p.total_path !== undefined ||
    p.total_pages_path !== undefined ||
    p.total_header !== undefined ||
    p.stop_after_empty_page === true
  );
}
