import type { DeliveryCounts } from './deliver/deliver-batches.js';

/** `interrupted`: stopped by SIGINT/SIGTERM; the next push finishes it. */
export type PushStatus = 'running' | 'succeeded' | 'partially_failed' | 'failed' | 'interrupted';
/** `partial`: some rows were rejected, or the API's quota ran out; the next push carries on. */
export type OutputStatus = 'pending' | 'running' | 'succeeded' | 'partial' | 'failed' | 'interrupted';

export interface OutputErrorRecord {
  readonly code: string;
  readonly kind: string;
  readonly message: string;
  readonly url?: string;
  readonly status?: number;
  readonly body_excerpt?: string;
}

/** One output of one push, as history and `--json` show it. */
export interface OutputPushRecord extends DeliveryCounts {
  name: string;
  /** `table users`, `the query`, `file x.parquet`. */
  source: string;
  /** Sanitized. */
  url: string;
  status: OutputStatus;
  /** Rows in this push's plan (read from the source, plus earlier rejected rows sent again). */
  rows: number;
  /** Rows rejected by earlier pushes that this push sent again. */
  rows_retried: number;
  /** Requests sent again after 429, 5xx or a timeout (each with the batch's idempotency key). */
  http_retries: number;
  bytes_sent: number;
  /** Set when this push finished the plan of an interrupted push. */
  resumed_push_id?: string;
  /** Where the rows still rejected are listed (JSON lines, with the API's answer). */
  rejected_file?: string;
  /** When the API said to come back (a rate limit or quota that outlasts the retries). */
  resume_after?: string;
  error?: OutputErrorRecord;
  duration_ms?: number;
}

/** One `floe push`: history under `<state dir>/pushes/<push_id>.json`. */
export interface PushRecord {
  push_id: string;
  config_name: string;
  config_file?: string;
  status: PushStatus;
  started_at: string;
  finished_at?: string;
  duration_ms?: number;
  outputs: OutputPushRecord[];
}
