import type { PaginationConfig } from '../../../config/schema.js';

type PaginationType = PaginationConfig['type'];

/** Whether, and how, an extraction of one pagination type can start at a stored `Page.next`. */
export interface ResumeSupport {
  /** True when `pages(endpoint, { resumeFrom })` starts at the stored page. */
  readonly resumable: boolean;
  /** The shape of `Page.next` for this type (what a checkpoint stores). */
  readonly token: string;
  /** What a resume does, in a sentence for the README. */
  readonly note: string;
}

/**
 * Resume support per `pagination.type`, for the README and for the runner's checkpoint decisions.
 * The mapped type makes a new schema type without an entry a compile error.
 */
export const RESUME_SUPPORT: { readonly [K in PaginationType]: ResumeSupport } = {
  offset: {
    resumable: true,
    token: '{ "offset": 200 }',
    note: 'Resumes at the stored offset.',
  },
  page_number: {
    resumable: true,
    token: '{ "page": 5 }',
    note: 'Resumes at the stored page number (page_size_value must be unchanged).',
  },
  cursor: {
    resumable: true,
    token: '{ "cursor": "…" }',
    note: 'Resumes with the stored cursor, as long as the API still accepts it (some cursors expire).',
  },
  header_cursor: {
    resumable: true,
    token: '{ "cursor": "…" }',
    note: 'Resumes with the stored cursor from the response header, as long as the API still accepts it.',
  },
  link_header: {
    resumable: true,
    token: '{ "url": "https://…" }',
    note:
      'Resumes at the stored next URL; a masked auth or static query parameter in it is re-applied ' +
      'from the config. URLs the API signs or expires may be refused.',
  },
  next_link: {
    resumable: true,
    token: '{ "url": "https://…" }',
    note:
      'Resumes at the stored next URL; a masked auth or static query parameter in it is re-applied ' +
      'from the config. URLs the API signs or expires may be refused.',
  },
  auto: {
    resumable: true,
    token: '{ "auto": { "type": "link_header" }, "token": { "url": "https://…" } }',
    note: 'Resumes with the strategy detected on the first page (carried in the token) at its stored position.',
  },
  single_page: {
    resumable: false,
    token: '(none: the only page has no next)',
    note: 'One request; a resumed extraction simply makes it again.',
  },
};

/** True when the endpoint's pagination can resume from a stored token (no `pagination` → one page). */
export function canResume(pagination: PaginationConfig | undefined): boolean {
  return pagination !== undefined && RESUME_SUPPORT[pagination.type].resumable;
}
