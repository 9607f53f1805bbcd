import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { endpointName, type LoadedConfig } from '../../config/load-config.js';
import { systemClock, type Clock } from '../../util/clock.js';
import { writeDurably } from '../../util/durable-file.js';
import { FloeError } from '../../util/errors.js';
import { silentLogger, type Logger } from '../../util/logger.js';
import { planWindows } from '../backfill/windows.js';
import { hashConfig } from '../config-hash.js';
import { defaultParts } from '../default-parts.js';
import type { Parts } from '../parts.js';
import type { EndpointRunRecord } from '../run-history.js';
import { RunLock } from '../run-lock.js';
import { pendingEndpoint } from '../run-resources.js';
import { runUnits } from '../run-units.js';
import { openSharedLimit } from '../shared-rate-limit.js';
import { StateStore } from '../state-store.js';
import { pickSlice } from './pick-slice.js';
import type { SlicePlan } from './slice-plan.js';

/** One slice's progress and outcome, in `<state dir>/slices/<run_id>.json`. */
export interface SliceRecord extends EndpointRunRecord {
  readonly slice_id: string;
  readonly index: number;
  /** The destination ledger's key for the slice's load: the slice id (with `--run-key` for an endpoint alone). */
  readonly run_id: string;
  readonly config_name: string;
  readonly from?: string;
  readonly to?: string;
  /** How many backfill windows the slice loads. */
  readonly windows?: number;
  /** Attempts on this state dir (a fresh machine starts at 1 again; the ledger still decides). */
  attempts: number;
  started_at: string;
  finished_at?: string;
}

export interface RunSliceOptions {
  readonly plan: SlicePlan;
  /** By position (`--index`, `JOB_COMPLETION_INDEX`) or by id (`--slice`). */
  readonly index?: number;
  readonly sliceId?: string;
  /** Which scheduled run a slice without a window belongs to (the Job's name, Airflow's run_id). */
  readonly runKey?: string;
  readonly stateDir?: string;
  readonly signal?: AbortSignal;
  readonly keepStage?: boolean;
  /** For `FLOE_DATABASE_URL` (`rate_limit.shared`). */
  readonly env?: Record<string, string | undefined>;
}

/**
 * `floe run-slice`: runs one slice of a plan through the same fan-out as `floe run` and
 * `floe backfill`, under a run id derived from the slice, so that:
 *
 * - **running it again is harmless**: a slice this state dir finished returns at once; one the
 *   destination's ledger already holds (another machine's attempt) sends no request;
 * - **two attempts at once load it once**: each extracts, and the ledger claim lets exactly one
 *   commit (the other finds the commit and loads nothing);
 * - **a dead attempt is resumed** on the same state dir from its checkpoint or staged files, as
 *   an interrupted run is.
 *
 * The plan must come from this config (same hash). DuckDB has one writer: a second slice on the
 * same state dir while one runs is refused (a config error; run them one at a time).
 */
export async function runSlice(
  loaded: LoadedConfig,
  opts: RunSliceOptions,
  deps: { clock?: Clock; logger?: Logger; parts?: Parts } = {},
): Promise<SliceRecord> {
  const { config } = loaded;
  const clock = deps.clock ?? systemClock;
  const stateDir = resolve(opts.stateDir ?? '.floe');
  const { plan } = opts;
  checkPlan(loaded, plan);
  const slice = pickSlice(plan, opts);
  const endpoint = config.endpoints.find((e) => endpointName(e) === slice.endpoint)!;
  const windows = slice.windows && plan.range ? planWindows(plan.range).slice(slice.windows[0], slice.windows[1]) : undefined;
  if (slice.windows && (!windows || windows[0]?.startText !== slice.from || windows[windows.length - 1]?.endText !== slice.to)) {
    throw new FloeError('CONFIG_INVALID', 'config', `--plan: slice ${slice.index} (${slice.id}) does not match the plan's range; the plan was edited — run floe plan again`, {
      details: { path: '--plan' },
    });
  }
  const runId = ledgerRunId(slice.id, windows !== undefined, opts.runKey);
  const logger = (deps.logger ?? silentLogger).child({ slice: slice.index, run_id: runId });
  if (windows && opts.runKey) logger.info('a slice with windows is keyed by its windows alone; --run-key is not used');

  const locks: RunLock[] = [];
  try {
    if (config.destination.type === 'duckdb') locks.push(await duckdbWriter(stateDir, config.destination.path, slice.index));
    locks.push(await RunLock.acquire(stateDir, `slice.${runId}`));
    const file = join(stateDir, 'slices', `${runId.replace(/[^\w.-]/g, '_')}.json`);
    const earlier = await readRecord(file);
    if (earlier?.status === 'succeeded') {
      logger.info('slice already done on this state dir; nothing to do', { rows_loaded: earlier.rows_loaded });
      return earlier;
    }
    const record: SliceRecord = earlier
      ? { ...earlier, attempts: earlier.attempts + 1 }
      : {
          ...pendingEndpoint(endpoint),
          slice_id: slice.id,
          index: slice.index,
          run_id: runId,
          config_name: config.name,
          ...(slice.from !== undefined ? { from: slice.from, to: slice.to! } : {}),
          ...(windows ? { windows: windows.length } : {}),
          attempts: 1,
          started_at: new Date(clock.now()).toISOString(),
        };
    delete record.finished_at;
    delete record.error; // an earlier attempt's failure; this attempt records its own
    await mkdir(join(stateDir, 'slices'), { recursive: true });
    let saving: Promise<void> = Promise.resolve();
    const save = (): Promise<void> => (saving = saving.then(() => writeDurably(file, JSON.stringify(loaded.redactor.value(record), null, 2) + '\n')));
    await save();
    logger.info(record.attempts > 1 ? 'slice attempt resumes this state dir\'s progress' : 'slice started', {
      endpoint: slice.endpoint,
      ...(slice.from !== undefined ? { from: slice.from, to: slice.to } : {}),
      ...(windows ? { windows: windows.length } : {}),
      attempt: record.attempts,
    });
    // Another machine may have advanced the endpoint's state since this state dir last saw it.
    if (!windows) await new StateStore(stateDir, config.name, () => Promise.reject(new Error('unused'))).forget(slice.endpoint);
    const shared = await openSharedLimit(config, { env: opts.env ?? process.env, parallelism: plan.parallelism, clock, logger });
    try {
      await runUnits(loaded, [{ endpoint, record, runId, ...(windows ? { windows } : {}) }], {
        stateDir,
        parts: deps.parts ?? defaultParts,
        clock,
        logger,
        concurrency: 1,
        signal: opts.signal,
        keepStage: opts.keepStage ?? false,
        limiter: shared.limiter,
        skipCommitted: true,
        keepProgressOnFailure: true,
        onUpdate: save,
      });
    } finally {
      await shared.close();
    }
    if (record.status === 'pending' && opts.signal?.aborted) record.status = 'interrupted';
    record.finished_at = new Date(clock.now()).toISOString();
    await save();
    return record;
  } finally {
    for (const l of locks.reverse()) await l.release();
  }
}

function checkPlan(loaded: LoadedConfig, plan: SlicePlan): void {
  const hash = hashConfig(loaded);
  if (plan.config_name !== loaded.config.name || plan.config_hash !== hash) {
    throw new FloeError(
      'CONFIG_INVALID',
      'config',
      `--plan was made from another config (${plan.config_name}, hash ${plan.config_hash}; this config: ${loaded.config.name}, hash ${hash}): ` +
        `run floe plan again with this config (and update the plan where the orchestrator reads it)`,
      { details: { path: '--plan' } },
    );
  }
}

/**
 * A slice with windows is keyed by them (the same window is never loaded twice, whichever plan
 * or job runs it); a slice of an endpoint alone is a scheduled run of it, so each scheduled run
 * names itself with `--run-key` (retries of one run share the key, the next run has another).
 */
function ledgerRunId(sliceId: string, windowed: boolean, runKey: string | undefined): string {
  if (windowed) return sliceId;
  if (runKey === undefined || runKey.trim() === '') {
    throw new FloeError(
      'USAGE',
      'config',
      `run-slice: slice ${sliceId} has no window, so each scheduled run must name itself: give --run-key <id of this run> ` +
        `(Kubernetes: the Job's name; Airflow: {{ run_id }}); its retries use the same key and load once`,
      { details: { path: '--run-key' } },
    );
  }
  const clean = runKey.trim().replace(/[^\w.-]/g, '_');
  const key = clean.length <= 48 ? clean : `${clean.slice(0, 32)}_${createHash('sha256').update(runKey).digest('hex').slice(0, 12)}`;
  return `${sliceId}.${key}`;
}

/** DuckDB has one writer: one slice at a time per state dir, or a clear refusal. */
async function duckdbWriter(stateDir: string, path: string, index: number): Promise<RunLock> {
  try {
    return await RunLock.acquire(stateDir, `duckdb.${createHash('sha256').update(resolve(path)).digest('hex').slice(0, 12)}`);
  } catch (e) {
    if (!(e instanceof FloeError) || e.code !== 'RUN_LOCKED') throw e;
    throw new FloeError(
      'USAGE',
      'config',
      `run-slice: DuckDB allows one writing process and another slice is loading ${path} from this state dir now; ` +
        `run the slices of a DuckDB plan one at a time (Kubernetes parallelism: 1, Airflow max_active_tis_per_dag: 1), or load into Snowflake to run them in parallel (slice ${index} not started)`,
      { cause: e, details: { path: 'destination.type' } },
    );
  }
}

async function readRecord(file: string): Promise<SliceRecord | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as SliceRecord;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (e instanceof SyntaxError) return undefined; // a torn write from before durable writes: start afresh
    throw e;
  }
}
