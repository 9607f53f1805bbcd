import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { endpointName, type LoadedConfig } from '../config/load-config.js';
import type { EndpointConfig } from '../config/schema.js';
import { whereDataGoes } from '../config/where-data-goes.js';
import { systemClock, type Clock } from '../util/clock.js';
import { FloeError } from '../util/errors.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { defaultParts } from './default-parts.js';
import type { ProgressEvent } from './endpoint-job.js';
import type { Parts } from './parts.js';
import { newRunId, RunHistory, type RunRecord, type RunStatus } from './run-history.js';
import { RunLock } from './run-lock.js';
import { pendingEndpoint } from './run-resources.js';
import { runUnits } from './run-units.js';
import { hashConfig } from './config-hash.js';
import type { RequestLimiter } from '../source/rest/request-limiter.js';
import { withAncestors } from './parent-child/families.js';

export interface RunOptions {
  /** Only these endpoints (by name); all when absent. */
  readonly endpoints?: readonly string[];
  /** Where stage files and run history live (default `.floe`). */
  readonly stateDir?: string;
  /** Endpoints extracted at once (default 4); they share one rate limiter. */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  readonly keepStage?: boolean;
  readonly onProgress?: (e: ProgressEvent) => void;
  readonly runId?: string;
  /** Continue the last run of this config if it was interrupted (default true). */
  readonly resume?: boolean;
  /** Template variables for every request, e.g. `{ dt: '2024-05-01' }` from `--dt`. */
  readonly vars?: Readonly<Record<string, string>>;
}

/** Where run records go: `save` on every change, `list` (newest first) to find an interrupted run. */
export type RunHistorySink = Pick<RunHistory, 'save' | 'list'>;

export interface RunDeps {
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly parts?: Parts;
  /** Default: JSON files under `<stateDir>/runs`; `floe serve` keeps records in its store. */
  readonly history?: RunHistorySink;
  /** The API's request budget shared beyond this run (`floe serve`'s store, `rate_limit.shared`). */
  readonly limiter?: RequestLimiter;
}

/**
 * Runs a connector: every selected endpoint is extracted, staged and loaded on its own, so one
 * endpoint failing marks it failed while the others finish (`partially_failed`).
 *
 * Only one run per config and state dir runs at a time. If the previous run of the same config
 * was interrupted (crash, kill -9, lost pod), this run continues it under the same run id:
 * finished endpoints are skipped, staged ones are loaded from their files (the destination's
 * ledger makes that exactly-once), the rest are extracted again.
 */
export async function runConnector(
  loaded: LoadedConfig,
  opts: RunOptions = {},
  deps: RunDeps = {},
): Promise<RunRecord> {
  const clock = deps.clock ?? systemClock;
  const stateDir = resolve(opts.stateDir ?? '.floe');
  const history = deps.history ?? new RunHistory(stateDir);
  const selected = selectEndpoints(loaded, opts.endpoints);
  // A run whose lease another host took over (this process stalled past its TTL) stops at once.
  const lost = new AbortController();
  const lock = await RunLock.acquire(stateDir, loaded.config.name, {
    onLost: () => lost.abort(new FloeError('RUN_LOCKED', 'terminal', 'the run lock was taken over by another process; stopping')),
  });
  opts = { ...opts, signal: opts.signal ? AbortSignal.any([opts.signal, lost.signal]) : lost.signal };
  try {
    const record = await openRecord(loaded, selected, history, opts, clock, stateDir);
    const logger = (deps.logger ?? silentLogger).child({ run_id: record.run_id });
    if (record.resumed_at) {
      logger.warn('resuming the interrupted run of this config under its run id', {
        done: record.endpoints.filter((e) => e.status === 'succeeded').length,
        staged: record.endpoints.filter((e) => e.status !== 'succeeded' && e.staged).length,
      });
    }
    return await execute(loaded, record, selected, {
      history,
      stateDir,
      opts,
      clock,
      logger,
      parts: deps.parts ?? defaultParts,
      limiter: deps.limiter,
    });
  } finally {
    await lock.release();
  }
}

async function openRecord(
  loaded: LoadedConfig,
  selected: readonly EndpointConfig[],
  history: RunHistorySink,
  opts: RunOptions,
  clock: Clock,
  stateDir: string,
): Promise<RunRecord> {
  const { config } = loaded;
  const hash = hashConfig(loaded);
  const names = selected.map(endpointName);
  const now = new Date(clock.now()).toISOString();
  // We hold the lock, so a run of this config still marked `running` is one whose process died;
  // an `interrupted` one was stopped by a signal after saving its progress. Both are continued.
  const last = (await history.list(50)).find((r) => r.config_name === config.name);
  if (last?.status === 'running' || last?.status === 'interrupted') {
    const same =
      last.config_hash === hash && last.endpoints.map((e) => e.name).join('\n') === names.join('\n');
    if (same && opts.resume !== false) {
      last.resumed_at = [...(last.resumed_at ?? []), now];
      return last;
    }
    // Not resumable (config or endpoints changed, or --no-resume): close it as failed for good.
    last.status = 'failed';
    for (const e of last.endpoints.filter((x) => x.status !== 'succeeded')) {
      e.status = 'failed';
      e.error ??= { code: 'ABORTED', message: 'the run was interrupted and not resumed' };
      delete e.staged;
    }
    await history.save(last);
  }
  const record: RunRecord = {
    run_id: opts.runId ?? newRunId(clock.now()),
    config_name: config.name,
    ...(loaded.file ? { config_file: loaded.file } : {}),
    destination: config.destination.type,
    target: loaded.redactor.text(whereDataGoes(config.destination)),
    status: 'running',
    started_at: now,
    config_hash: hash,
    endpoints: selected.map(pendingEndpoint),
  };
  if (last) {
    await adoptStagedLoads(last, record, opts.resume !== false && last.config_hash === hash, history, stateDir);
  }
  return record;
}

/**
 * Endpoints whose extraction finished but whose load failed in the previous run kept their stage
 * files: this run loads them (under the run id that staged them, so the ledger keeps it exactly
 * once) instead of fetching again. With a changed config or `--no-resume` the files are dropped.
 */
async function adoptStagedLoads(last: RunRecord, record: RunRecord, usable: boolean, history: RunHistorySink, stateDir: string): Promise<void> {
  const kept = last.endpoints.filter((e) => e.status === 'failed' && e.staged);
  if (kept.length === 0) return;
  for (const e of kept) {
    const target = record.endpoints.find((r) => r.name === e.name);
    if (usable && target) {
      target.staged = { ...e.staged!, run_id: e.staged!.run_id ?? last.run_id };
    } else {
      const runId = e.staged!.run_id ?? last.run_id;
      await rm(join(stateDir, 'stage', runId, e.table), { recursive: true, force: true });
    }
    delete e.staged;
  }
  await history.save(last);
}

interface ExecuteContext {
  readonly history: RunHistorySink;
  readonly stateDir: string;
  readonly opts: RunOptions;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly parts: Parts;
  readonly limiter: RequestLimiter | undefined;
}

async function execute(
  loaded: LoadedConfig,
  record: RunRecord,
  selected: readonly EndpointConfig[],
  ctx: ExecuteContext,
): Promise<RunRecord> {
  const { config } = loaded;
  const { clock, logger, parts, opts } = ctx;
  // Saves are chained so concurrent endpoints never interleave writes of the same file.
  let saving: Promise<void> = Promise.resolve();
  const save = (): Promise<void> => (saving = saving.then(() => ctx.history.save(record)));
  await save();
  logger.info('run started', {
    config: config.name,
    endpoints: selected.length,
    destination: config.destination.type,
  });

  await runUnits(
    loaded,
    // Units that finished before an interruption are skipped there (their children still read them).
    selected.map((endpoint, i) => ({ endpoint, record: record.endpoints[i]!, runId: record.run_id })),
    {
      stateDir: ctx.stateDir,
      parts,
      clock,
      logger,
      concurrency: opts.concurrency ?? 4,
      signal: opts.signal,
      keepStage: opts.keepStage ?? false,
      vars: opts.vars ?? {},
      limiter: ctx.limiter,
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      onUpdate: save,
    },
  );

  record.status = runStatus(record, opts.signal);
  record.finished_at = new Date(clock.now()).toISOString();
  record.duration_ms = Date.parse(record.finished_at) - Date.parse(record.started_at);
  await save();
  if (record.status === 'interrupted') {
    logger.warn('run interrupted; run the same command again to continue it under this run id', { duration_ms: record.duration_ms });
  } else {
    logger.info('run finished', { status: record.status, duration_ms: record.duration_ms });
    // Every endpoint ended, so no resume token is needed any more.
    await rm(join(ctx.stateDir, 'checkpoints', record.run_id), { recursive: true, force: true }).catch(() => undefined);
  }
  return record;
}

function runStatus(record: RunRecord, signal: AbortSignal | undefined): RunStatus {
  if (signal?.aborted && record.endpoints.some((e) => e.status !== 'succeeded' && e.status !== 'failed')) return 'interrupted';
  const failed = record.endpoints.filter((e) => e.status === 'failed').length;
  if (failed === 0) return 'succeeded';
  return failed === record.endpoints.length ? 'failed' : 'partially_failed';
}

export function selectEndpoints(
  loaded: LoadedConfig,
  names: readonly string[] | undefined,
): LoadedConfig['config']['endpoints'] {
  const all = loaded.config.endpoints;
  if (!names || names.length === 0) return all;
  const known = all.map(endpointName);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw new FloeError(
      'USAGE',
      'config',
      `unknown endpoint ${unknown.map((n) => `"${n}"`).join(', ')}; known: ${known.join(', ')}`,
    );
  }
  // A child needs its parent's records: selecting it selects its parents too.
  return withAncestors(all.filter((e) => names.includes(endpointName(e))), all);
}
