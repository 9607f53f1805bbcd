/**
 * What a batch's final HTTP status means — one table, extended by the output's `reject_statuses`.
 * Retries (429, 5xx, timeouts: `retry.retry_on`) happen in the HTTP client before a status gets here.
 */
export type BatchAction = 'delivered' | 'split' | 'fail';

interface Rule {
  readonly when: (status: number, rejectStatuses: ReadonlySet<number>) => boolean;
  readonly action: BatchAction;
  readonly why: string;
}

export const BATCH_POLICY: readonly Rule[] = [
  { when: (s) => s >= 200 && s < 300, action: 'delivered', why: 'the API took the batch' },
  {
    when: (s, reject) => reject.has(s),
    action: 'split',
    why: 'the batch holds rows the API refuses (reject_statuses, default 400, 409, 413, 422): split it in halves to find them',
  },
  { when: () => true, action: 'fail', why: 'auth, a wrong URL, or a server error that outlasted the retries: stop; the next push resumes' },
];

export function batchAction(status: number, rejectStatuses: ReadonlySet<number>): BatchAction {
  return (BATCH_POLICY.find((r) => r.when(status, rejectStatuses)) ?? BATCH_POLICY[BATCH_POLICY.length - 1]!).action;
}
