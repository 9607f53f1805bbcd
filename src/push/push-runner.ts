import { resolve } from 'node:path';
import type { LoadedPushConfig } from '../config/load-push-config.js';
import type { RestOutputConfig } from '../config/output-schema.js';
import type { Transport } from '../source/rest/http.js';
import { RateLimiter, rateLimitIntervalMs } from '../source/rest/rate-limiter.js';
import { createUndiciTransport } from '../source/rest/undici-transport.js';
import { newRunId } from '../run/run-history.js';
import { RunLock } from '../run/run-lock.js';
import { systemClock, type Clock } from '../util/clock.js';
import { FloeError } from '../util/errors.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { PushHistory } from './push-history.js';
import { pushOutput, sourceLabel } from './push-output.js';
import type { OutputPushRecord, PushRecord, PushStatus } from './push-record.js';
import type { RowOrigin, RowReader } from './source/row-reader.js';

export interface PushOptions {
  /** Only these outputs (by name); all when absent. */
  readonly outputs?: readonly string[];
  /** Where the delivery ledger, spools and history live (default `.floe`). */
  readonly stateDir?: string;
  readonly signal?: AbortSignal;
  /** Called as batches are answered, for a progress board. */
  readonly onProgress?: (output: Readonly<OutputPushRecord>, elapsedMs: number) => void;
}

export interface PushDeps {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Test seam: the bare HTTP transport (default: undici, one pool per output). */
  readonly transport?: Transport;
  readonly createReader?: (origin: RowOrigin) => Promise<RowReader>;
  readonly random?: () => number;
}

/**
 * `floe push`: sends each output's rows to its API in batches, one output after the other, at
 * most one request in flight — so a crash can leave at most one batch sent but not marked. One
 * push per config and state dir at a time (a second one exits with RUN_LOCKED). An output's
 * failure is data in its record; the others still run.
 */
export async function runPush(loaded: LoadedPushConfig, opts: PushOptions = {}, deps: PushDeps = {}): Promise<PushRecord> {
  const clock = deps.clock ?? systemClock;
  const stateDir = resolve(opts.stateDir ?? '.floe');
  const { config, redactor } = loaded;
  const selected = selectOutputs(config.outputs, opts.outputs);
  const lock = await RunLock.acquire(stateDir, `push-${config.name}`);
  try {
    const history = new PushHistory(stateDir);
    const started = clock.now();
    const record: PushRecord = {
      push_id: newRunId(started, deps.random),
      config_name: config.name,
      ...(loaded.file ? { config_file: loaded.file } : {}),
      status: 'running',
      started_at: new Date(started).toISOString(),
      outputs: selected.map((o) => ({
        name: o.name,
        source: sourceLabel(o),
        url: redactor.url(o.url),
        status: 'pending',
        rows: 0,
        rows_sent: 0,
        batches_sent: 0,
        rows_skipped: 0,
        batches_skipped: 0,
        rows_rejected: 0,
        batches_split: 0,
        rows_retried: 0,
        http_retries: 0,
        bytes_sent: 0,
      })),
    };
    const logger = (deps.logger ?? silentLogger).child({ push_id: record.push_id });
    await history.save(record);
    let lastSave = clock.now();
    let saving: Promise<void> = Promise.resolve();
    const limiters = new Map<string, RateLimiter>();
    const limiterFor = (o: RestOutputConfig): RateLimiter => {
      const interval = rateLimitIntervalMs(o.rate_limit);
      const id = `${new URL(o.url).origin} ${interval}`;
      let l = limiters.get(id);
      if (!l) limiters.set(id, (l = new RateLimiter(interval, clock)));
      return l;
    };
    for (const [i, output] of selected.entries()) {
      const out = record.outputs[i]!;
      if (opts.signal?.aborted) {
        out.status = 'interrupted';
        out.error = { code: 'ABORTED', kind: 'terminal', message: 'not started: the push was interrupted' };
        continue;
      }
      const pool = deps.transport ? undefined : createUndiciTransport({ timeoutMs: output.timeout_seconds * 1000, redactor });
      const progress = (): void => {
        opts.onProgress?.(out, clock.now() - started);
        // History shows a long push's progress too, rewritten at most every 2 s, one write at a time.
        if (clock.now() - lastSave >= 2000) {
          lastSave = clock.now();
          saving = saving.then(() => history.save(record)).catch((e: unknown) => logger.warn('could not save push history', { error: String(e) }));
        }
      };
      progress();
      try {
        await pushOutput(output, out, {
          pushId: record.push_id,
          configName: config.name,
          destination: config.destination,
          stateDir,
          clock,
          logger,
          redactor,
          transport: deps.transport ?? pool!.transport,
          limiterFor,
          ...(opts.signal ? { signal: opts.signal } : {}),
          onBatch: progress,
          ...(deps.createReader ? { createReader: deps.createReader } : {}),
        });
      } finally {
        await pool?.close();
      }
      progress();
      await saving;
      await history.save(record);
    }
    const finished = clock.now();
    record.status = opts.signal?.aborted ? 'interrupted' : overall(record.outputs);
    record.finished_at = new Date(finished).toISOString();
    record.duration_ms = finished - started;
    await history.save(record);
    return record;
  } finally {
    await lock.release();
  }
}

function overall(outputs: readonly OutputPushRecord[]): PushStatus {
  if (outputs.every((o) => o.status === 'succeeded')) return 'succeeded';
  if (outputs.every((o) => o.status === 'failed')) return 'failed';
  return 'partially_failed';
}

function selectOutputs(all: readonly RestOutputConfig[], names: readonly string[] | undefined): RestOutputConfig[] {
  if (!names || names.length === 0) return [...all];
  const known = new Map(all.map((o) => [o.name, o]));
  return names.map((n) => {
    const o = known.get(n);
    if (!o) throw new FloeError('USAGE', 'config', `push: no output named "${n}"; known: ${[...known.keys()].join(', ')}`);
    return o;
  });
}
