/** What an orchestrator should do about a failed slice. */
export type FailureClass = 'retryable' | 'terminal' | 'config';

/**
 * Failures another attempt may well not meet, whatever their `kind` (the HTTP layer marks a
 * failure `terminal` once its own retries ran out, but a later attempt of the slice may find the
 * API healthy again): the network, the API's load or rate limit, the shared budget's store,
 * another attempt holding the slice or the destination, and an interruption by a signal (the
 * next attempt resumes from the checkpoint or the staged files).
 */
const RETRYABLE: ReadonlySet<string> = new Set([
  'HTTP_RETRIES_EXHAUSTED',
  'HTTP_RATE_LIMITED',
  'HTTP_TIMEOUT',
  'HTTP_NETWORK',
  'RATE_BUDGET_UNAVAILABLE',
  'RUN_LOCKED',
  'DESTINATION_LOCKED',
  'ABORTED',
]);

/**
 * The policy table behind `floe run-slice`'s exit codes: config errors are never retried; a
 * failure is retryable when its kind is `transient` (a lost warehouse session, a lock timeout, a
 * dropped connection), its code is in `RETRYABLE`, or it is an HTTP 5xx or 429 the retry policy
 * did not cover; anything else (401, 404, a records path that matches nothing, a COPY that
 * rejects a file) fails the same way again: terminal.
 */
export function failureClass(e: { readonly code: string; readonly kind?: string | undefined; readonly status?: number | undefined }): FailureClass {
  if (e.kind === 'config') return 'config';
  if (e.kind === 'transient' || RETRYABLE.has(e.code)) return 'retryable';
  if (e.code === 'HTTP_STATUS' && e.status !== undefined && (e.status >= 500 || e.status === 429)) return 'retryable';
  return 'terminal';
}
