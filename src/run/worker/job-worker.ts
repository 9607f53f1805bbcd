import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { loadStoredConfig } from '../../api/connector-config.js';
import type { LoadedConfig } from '../../config/load-config.js';
import type { ControlMessage } from '../../store/event-bus.js';
import type { JobRepo, JobRow, JobStatus } from '../../store/job-repo.js';
import type { Store } from '../../store/store.js';
import type { Clock } from '../../util/clock.js';
import { toFloeError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import { runBackfill } from '../backfill/backfill-runner.js';
import { defaultParts } from '../default-parts.js';
import type { Parts } from '../parts.js';
import { runConnector } from '../runner.js';
import { storeLimiter } from '../shared-rate-limit.js';
import { redactingLogger } from './redacting-logger.js';
import { BackfillEvents } from './backfill-events.js';
import { RunEvents } from './run-events.js';

export interface JobWorkerOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly env: Record<string, string | undefined>;
  /** Jobs this process runs at once (`floe serve --workers K`). */
  readonly concurrency: number;
  /** Polling when nothing woke us (default 2 s). */
  readonly pollMs?: number;
  /** How often claimed jobs are heartbeated (default 5 s). */
  readonly heartbeatMs?: number;
  /** A running job whose heartbeat is older than this is taken over by another worker (default 30 s). */
  readonly staleMs?: number;
  /** The pipeline parts, given the job's config (the server shares rate budgets through them). */
  readonly parts?: (loaded: LoadedConfig) => Parts;
}

/**
 * The workers of one `floe serve` replica. Each of `concurrency` slots claims a queued run or
 * backfill from the store (or one whose worker died), executes it with floe's own runner —
 * `runConnector` / `runBackfill`, the same code as the CLI — and records the result. Claimed jobs
 * are heartbeated; a cancel request aborts the job at its next request.
 */
export class JobWorker {
  readonly id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly running = new Map<string, { repo: JobRepo; controller: AbortController; cancelled: boolean }>();
  private readonly loops: Promise<void>[] = [];
  private stopping = false;
  private wakeUp: (() => void)[] = [];
  private heartbeat: NodeJS.Timeout | undefined;
  private unlisten: (() => Promise<void>) | undefined;

  constructor(private readonly opts: JobWorkerOptions) {}

  async start(): Promise<void> {
    this.unlisten = await this.opts.store.events.onControl((m) => this.onControl(m));
    this.heartbeat = setInterval(() => void this.beat(), this.opts.heartbeatMs ?? 5000);
    this.heartbeat.unref();
    for (let i = 0; i < this.opts.concurrency; i++) this.loops.push(this.loop());
  }

  /** Claim now instead of at the next poll. */
  wake(): void {
    const waiting = this.wakeUp;
    this.wakeUp = [];
    for (const w of waiting) w();
  }

  /** Stops claiming and waits for the jobs in progress (aborting them after `graceMs`). */
  async stop(graceMs = 30_000): Promise<void> {
    this.stopping = true;
    this.wake();
    const timer = setTimeout(() => {
      for (const j of this.running.values()) j.controller.abort(new Error('the server is shutting down'));
    }, graceMs);
    await Promise.all(this.loops);
    clearTimeout(timer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.unlisten?.();
  }

  get activeJobs(): string[] {
    return [...this.running.keys()];
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let job: { repo: JobRepo; row: JobRow } | undefined;
      try {
        job = await this.claim();
      } catch (e) {
        this.opts.logger.warn('claiming a job failed', { error: toFloeError(e).message });
      }
      if (job) {
        await this.execute(job.repo, job.row);
        continue;
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, this.opts.pollMs ?? 2000);
        this.wakeUp.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  private async claim(): Promise<{ repo: JobRepo; row: JobRow } | undefined> {
    const { store, clock } = this.opts;
    const now = clock.now();
    const stale = now - (this.opts.staleMs ?? 30_000);
    for (const repo of [store.runs, store.backfills]) {
      const row = await repo.claim(this.id, now, stale);
      if (row) return { repo, row };
    }
    return undefined;
  }

  private async beat(): Promise<void> {
    const { store, clock } = this.opts;
    for (const repo of [store.runs, store.backfills]) {
      const ids = [...this.running.entries()].filter(([, j]) => j.repo === repo).map(([id]) => id);
      try {
        for (const id of await repo.heartbeat(this.id, ids, clock.now())) this.cancel(id);
      } catch (e) {
        this.opts.logger.warn('heartbeat failed', { error: toFloeError(e).message });
      }
    }
  }

  private onControl(m: ControlMessage): void {
    if (m.type === 'job') this.wake();
    else if (m.type === 'cancel' && m.id) this.cancel(m.id);
  }

  private cancel(id: string): void {
    const job = this.running.get(id);
    if (!job || job.cancelled) return;
    job.cancelled = true;
    job.controller.abort(new Error('cancelled through the API'));
  }

  private async execute(repo: JobRepo, row: JobRow): Promise<void> {
    const { store, clock } = this.opts;
    const controller = new AbortController();
    const job = { repo, controller, cancelled: row.cancel_requested };
    this.running.set(row.id, job);
    let log = this.opts.logger.child({
      [repo.table === 'runs' ? 'run_id' : 'backfill_id']: row.id,
      connector_id: row.connector_id,
      ...(row.request_id ? { request_id: row.request_id } : {}),
    });
    let status: JobStatus | 'interrupted' = 'failed';
    let reason: string | undefined;
    const events = repo.table === 'runs' ? new RunEvents(store, row, clock, log) : undefined;
    const backfillEvents = repo.table === 'backfills' ? new BackfillEvents(store, row, clock, log) : undefined;
    try {
      if (job.cancelled) throw new Error('cancelled before it started');
      const loaded = loadStoredConfig(row.config, row.connector_id, store.box, this.opts.env);
      log = redactingLogger(log, loaded.redactor);
      const stateDir = join(store.dataDir, 'connectors', row.connector_id);
      // Replicas may run on other machines: the truth of incremental state is the destination.
      if (store.shared) await rm(join(stateDir, 'state'), { recursive: true, force: true });
      const parts = this.opts.parts?.(loaded) ?? defaultParts;
      // rate_limit.shared: every worker and replica of this store (and run-slice processes on its database) keep the API's limit together.
      const limiter = storeLimiter(store.budgets, loaded.config, clock, log);
      log.info(row.attempts > 1 ? 'resuming job taken over from a stopped worker' : 'job started', { worker: this.id, attempt: row.attempts });
      if (events) {
        const record = await runConnector(
          loaded,
          {
            ...(row.endpoints ? { endpoints: row.endpoints } : {}),
            stateDir,
            runId: row.id,
            signal: controller.signal,
            onProgress: events.onProgress,
          },
          { clock, logger: log, parts, history: events.history, ...(limiter ? { limiter } : {}) },
        );
        status = outcome(record.status);
      } else {
        const params = row.params as { from: string; to: string; step: string; endpoints?: string[] | null; concurrency?: number };
        const record = await runBackfill(
          loaded,
          {
            from: params.from,
            to: params.to,
            step: params.step,
            ...(params.endpoints ? { endpoints: params.endpoints } : {}),
            concurrency: params.concurrency ?? 4,
            stateDir,
            signal: controller.signal,
          },
          {
            clock,
            logger: log,
            parts,
            ...(limiter ? { limiter } : {}),
            records: backfillEvents!.records,
          },
        );
        status = outcome(record.status);
      }
      if (job.cancelled) status = 'cancelled';
    } catch (e) {
      const err = toFloeError(e);
      status = job.cancelled ? 'cancelled' : 'failed';
      reason = err.message;
      log.error('job failed', { code: err.code, error: err.message });
    } finally {
      this.running.delete(row.id);
    }
    if (status === 'interrupted') {
      // Stopped by a shutdown with its progress saved: back to the queue, so another worker (or
      // this one after a restart) continues it under the same id.
      await repo.requeue(row.id, this.id).catch(() => undefined);
      log.info('job interrupted; queued again to be resumed');
      return;
    }
    const kept = await repo.finish(row.id, this.id, status, clock.now(), reason).catch((e: unknown) => {
      log.error('could not record the end of the job', { error: toFloeError(e).message });
      return false;
    });
    if (!kept) log.warn('another worker took this job over meanwhile; its result stands');
    else {
      events?.finished(status, reason);
      backfillEvents?.finished(status, reason);
    }
    log.info('job finished', { status });
  }
}

function outcome(status: string): JobStatus | 'interrupted' {
  return status === 'succeeded' || status === 'partially_failed' || status === 'failed' || status === 'interrupted' ? status : 'failed';
}
