import type { TemplateVars } from './render-templates.js';

/** Options of one extraction. */
export interface PagesOptions {
  signal?: AbortSignal;
  /**
   * Values of the runtime template variables (`incremental.start_value`, `incremental.end_value`,
   * `dt`), rendered once into the endpoint's path, query params, headers and body; see
   * `renderRequestConfig`. A resumed extraction must get the same values as the one that stored
   * the token.
   */
  vars?: TemplateVars;
  /**
   * The JSON values behind `vars` (a child's `parent.<field>`), so a body string that is one
   * template and nothing else keeps the value's type (`"{{ parent.id }}"` → `42`, not `"42"`).
   */
  typedVars?: Readonly<Record<string, unknown>>;
  /**
   * A `Page.next` value from an earlier extraction of the same endpoint (read back from a
   * checkpoint, JSON round trip allowed): the first request is the one it describes, with the
   * endpoint's static params, headers, body and auth as always. See `resumeStart` for masked
   * secrets and `RESUME_SUPPORT` for what each pagination type does.
   */
  resumeFrom?: unknown;
  /**
   * With `resumeFrom`: the pages and records the interrupted extraction had received, so totals
   * and `total_pages_path` count from there.
   */
  resumedAt?: { pages: number; records: number };
}
