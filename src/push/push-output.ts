import { extname } from 'node:path';
import type { RestOutputConfig } from '../config/output-schema.js';
import type { DestinationConfig } from '../config/schema.js';
import type { Transport } from '../source/rest/http.js';
import type { RateLimiter } from '../source/rest/rate-limiter.js';
import type { Clock } from '../util/clock.js';
import { FloeError, toFloeError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import type { Redactor } from '../util/redact.js';
import { targetOf } from './deliver/batch-id.js';
import { BatchSender } from './deliver/batch-sender.js';
import { BatchDelivery } from './deliver/deliver-batches.js';
import { Journal } from './ledger/journal.js';
import { OutputFiles, type OutputState, type RejectedRow } from './ledger/output-state.js';
import { buildPlan } from './plan/build-plan.js';
import { discardPlan, loadPlan, planBatches, type Plan } from './plan/plan.js';
import type { OutputPushRecord } from './push-record.js';
import { createRowReader } from './source/create-row-reader.js';
import { describeOrigin } from './source/describe-origin.js';
import type { RowOrigin, RowReader } from './source/row-reader.js';

export interface OutputContext {
  readonly pushId: string;
  readonly configName: string;
  readonly destination: DestinationConfig;
  readonly stateDir: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly redactor: Redactor;
  readonly transport: Transport;
  /** One limiter per API, shared by the outputs that call it. */
  readonly limiterFor: (output: RestOutputConfig) => RateLimiter;
  readonly signal?: AbortSignal;
  /** Called after each batch, for progress. */
  readonly onBatch?: () => void;
  /** Test seam: where rows come from. */
  readonly createReader?: (origin: RowOrigin) => Promise<RowReader>;
}

/**
 * One output, start to finish: finish the plan of an interrupted push if there is one, else read
 * the rows and fix a new plan; deliver its batches (check → send → mark); when every batch is
 * delivered or its bad rows set aside, commit the output's state — the cursor, the delivered batch
 * ids and the rejected rows together, in one atomic write — and drop the plan. A failure is data in
 * the record; the plan stays, and the next push resumes it.
 */
export async function pushOutput(output: RestOutputConfig, record: OutputPushRecord, ctx: OutputContext): Promise<void> {
  const { clock, redactor } = ctx;
  const logger = ctx.logger.child({ output: output.name });
  const started = clock.now();
  const files = new OutputFiles(ctx.stateDir, ctx.configName, output.name);
  record.status = 'running';
  let journal: Journal | undefined;
  try {
    const origin = originOf(output);
    const state = await files.readState();
    let plan = await loadPlan(files, state);
    if (plan) {
      record.resumed_push_id = plan.push_id;
      logger.warn('finishing the interrupted push of this output first (its batches, its idempotency keys)', { push_id: plan.push_id });
    } else {
      const reader = await (ctx.createReader ?? ((o: RowOrigin) => createRowReader(o, ctx.destination, { clock, logger, redactor })))(origin);
      try {
        plan = await buildPlan({
          files,
          state,
          reader,
          origin,
          ...(output.key ? { key: output.key } : {}),
          ...(output.cursor !== undefined ? { cursor: output.cursor } : {}),
          batchSize: output.batch_size,
          pushId: ctx.pushId,
          now: new Date(clock.now()).toISOString(),
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        });
      } finally {
        await reader.close();
      }
    }
    record.rows = plan.retried + plan.rows;
    record.rows_retried = plan.retried_rows;
    journal = await Journal.open(files.journal);
    const sender = new BatchSender(output, { clock, logger, redactor, transport: ctx.transport, limiter: ctx.limiterFor(output) });
    const delivery = new BatchDelivery({
      sender,
      journal,
      ledger: new Set(state.delivered),
      splitLedger: new Set(state.split ?? []),
      rejectedBefore: new Set(Object.keys(plan.carried)),
      retrySalt: `retry:${plan.seq}`,
      target: targetOf(output),
      rejectStatuses: new Set(output.reject_statuses),
      method: output.method,
      url: redactor.url(output.url),
      clock,
      logger,
      redactor,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      onBatch: () => {
        Object.assign(record, delivery.counts);
        ctx.onBatch?.();
      },
    });
    try {
      for await (const batch of planBatches(files, plan)) {
        await delivery.deliver(batch.rows, batch.retry ? `retry:${plan.seq}` : '');
      }
    } finally {
      Object.assign(record, delivery.counts);
      record.http_retries = sender.retries;
      record.bytes_sent = sender.bytes;
    }
    const committed = await commit(files, state, plan, journal, delivery, output.name, clock);
    record.status = committed.rejected.length > 0 ? 'partial' : 'succeeded';
    if (committed.rejected.length > 0) record.rejected_file = files.rejected;
  } catch (e) {
    const err = toFloeError(e);
    const quota = err.code === 'HTTP_RATE_LIMITED' || (err.code === 'HTTP_RETRIES_EXHAUSTED' && err.details.status === 429);
    record.status = err.code === 'ABORTED' ? 'interrupted' : quota ? 'partial' : 'failed';
    const wait = err.details.retry_after_ms;
    if (typeof wait === 'number') record.resume_after = new Date(clock.now() + wait).toISOString();
    record.error = {
      code: err.code,
      kind: err.kind,
      message: redactor.text(quota ? `${err.message} — the push stops here and the next one resumes` : err.message),
      ...(typeof err.details.url === 'string' ? { url: err.details.url } : {}),
      ...(typeof err.details.status === 'number' ? { status: err.details.status } : {}),
      ...(typeof err.details.body_excerpt === 'string' ? { body_excerpt: redactor.text(err.details.body_excerpt) } : {}),
    };
    if (err.code === 'ABORTED') logger.warn('interrupted; the same floe push finishes this output', { push_id: ctx.pushId });
    else if (quota) logger.warn('the API’s rate limit or quota outlasts the retries; stopping here (the next push resumes)', { error: record.error.message });
    else logger.error('output failed; the next push resumes it', { code: err.code, error: record.error.message });
  } finally {
    await journal?.close();
    record.duration_ms = clock.now() - started;
  }
}

/** The output's new state, written in one atomic step; then the finished plan is removed. */
async function commit(
  files: OutputFiles,
  state: OutputState,
  plan: Plan,
  journal: Journal,
  delivery: BatchDelivery,
  name: string,
  clock: Clock,
): Promise<OutputState> {
  const rejected: RejectedRow[] = [...journal.rejected.values()].map((e) => {
    const before = plan.carried[e.identity];
    return {
      identity: e.identity,
      row: e.row,
      status: e.status,
      error: e.error,
      attempts: (before?.attempts ?? 0) + 1,
      first_rejected_at: before?.first_rejected_at ?? e.at,
      last_rejected_at: e.at,
    };
  });
  const next: OutputState = {
    version: 1,
    seq: plan.seq,
    last_push_id: plan.push_id,
    updated_at: new Date(clock.now()).toISOString(),
    ...(plan.cursor !== undefined ? { cursor: plan.cursor } : {}),
    ...(plan.boundary !== undefined ? { boundary: plan.boundary } : {}),
    delivered: [...delivery.delivered],
    split: [...delivery.split],
    rejected,
  };
  await files.writeState(next, name);
  await discardPlan(files);
  return next;
}

/** Where an output's rows come from. */
export function originOf(o: RestOutputConfig): RowOrigin {
  if (o.table !== undefined) return { kind: 'table', table: o.table };
  if (o.query !== undefined) return { kind: 'query', query: o.query };
  const file = o.file ?? '';
  const ext = extname(file).toLowerCase();
  const format = o.file_format ?? (ext === '.parquet' ? 'parquet' : ext === '.jsonl' || ext === '.ndjson' || ext === '.json' ? 'jsonl' : undefined);
  if (format === undefined) {
    throw new FloeError('CONFIG_INVALID', 'config', `output ${o.name}: cannot tell the format of ${file} from its extension; set file_format: parquet or jsonl`);
  }
  return { kind: 'file', file, format };
}

/** For history: where the rows come from. */
export function sourceLabel(o: RestOutputConfig): string {
  try {
    return describeOrigin({ origin: originOf(o) });
  } catch {
    return `file ${o.file ?? ''}`;
  }
}
