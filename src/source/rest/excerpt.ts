import type { Redactor } from '../../util/redact.js';

/** Longest body excerpt put in an error message. */
export const EXCERPT_CHARS = 300;

/**
 * A short, redacted, single-line excerpt of a response body for error messages. Redacts the whole
 * body before cutting (this runs only on failures), so a secret that straddles the cut cannot leak
 * its first half.
 */
export function bodyExcerpt(body: string, redactor: Redactor, max = EXCERPT_CHARS): string {
  const head = body.length > 1_000_000 ? body.slice(0, 1_000_000) : body;
  const redacted = redactor.text(head).replace(/\s+/g, ' ').trim();
  return redacted.length > max ? `${redacted.slice(0, max)}…` : redacted;
}
