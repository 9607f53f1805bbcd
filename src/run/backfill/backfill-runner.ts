import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { endpointName, type LoadedConfig } from '../../config/load-config.js';
import { systemClock, type Clock } from '../../util/clock.js';
import { silentLogger, type Logger } from '../../util/logger.js';
import { defaultParts } from '../default-parts.js';
import type { Parts } from '../parts.js';
import type { EndpointRunRecord } from '../run-history.js';
import { RunLock } from '../run-lock.js';
import { selectEndpoints } from '../runner.js';
import { pendingEndpoint } from '../run-resources.js';
import { runUnits } from '../run-units.js';
import type { RequestLimiter } from '../../source/rest/request-limiter.js';
import { planWindows } from './windows.js';

export interface BackfillOptions {
  readonly from: string;
  readonly to: string;
  readonly step: string;
  /** Windows extracted at once (default 4); they share the connector's rate limit. */
  readonly concurrency?: number;
  readonly endpoints?: readonly string[];
  readonly stateDir?: string;
  readonly signal?: AbortSignal;
  readonly keepStage?: boolean;
}

export interface WindowRecord extends EndpointRunRecord {
  readonly window: string;
  /** The window's own run id: its loads ledger key, stable across re-runs of the backfill. */
  readonly run_id: string;
  skipped?: boolean;
}

export interface BackfillRecord {
  backfill_id: string;
  config_name: string;
  from: string;
  to: string;
  step: string;
  status: 'running' | 'succeeded' | 'partially_failed' | 'failed' | 'interrupted';
  started_at: string;
  finished_at?: string;
  /** One unit per (window, endpoint), in window order. */
  windows: WindowRecord[];
}

/** Where backfill records go (default: `<stateDir>/backfills/<id>.json`; `floe serve` uses its store). */
export interface BackfillRecords {
  read(backfillId: string): Promise<BackfillRecord | undefined>;
  write(record: BackfillRecord): Promise<void>;
}

/**
 * `floe backfill`: splits [from, to) into windows and runs each (window, endpoint) as its own
 * unit — its own run id, `{{ incremental.start_value }}`/`{{ incremental.end_value }}`/`{{ dt }}`
 * bound to the window, loaded atomically with a ledger row — with bounded concurrency under the
 * connector's one rate limiter. Completion is recorded per window, so running the same command
 * again skips finished windows and retries the rest; a failing window fails alone. The endpoint's
 * incremental state is neither read nor moved.
 */
export async function runBackfill(
  loaded: LoadedConfig,
  opts: BackfillOptions,
  deps: { clock?: Clock; logger?: Logger; parts?: Parts; records?: BackfillRecords; limiter?: RequestLimiter } = {},
): Promise<BackfillRecord> {
  const { config } = loaded;
  const clock = deps.clock ?? systemClock;
  const parts = deps.parts ?? defaultParts;
  const stateDir = resolve(opts.stateDir ?? '.floe');
  const selected = selectEndpoints(loaded, opts.endpoints);
  const windows = planWindows({ from: opts.from, to: opts.to, step: opts.step });
  const id = backfillId(config.name, opts, selected.map(endpointName));
  const file = join(stateDir, 'backfills', `${id}.json`);
  const records: BackfillRecords = deps.records ?? { read: () => readRecord(file), write: (r) => writeRecord(file, r) };
  const logger = (deps.logger ?? silentLogger).child({ backfill: id });

  const lock = await RunLock.acquire(stateDir, `${config.name}.backfill`);
  try {
    const previous = await records.read(id);
    const done = new Set(
      previous?.windows.filter((w) => w.status === 'succeeded').map((w) => key(w.window, w.name)) ?? [],
    );
    const earlier = new Map(previous?.windows.map((w) => [key(w.window, w.name), w]) ?? []);
    const record: BackfillRecord = {
      backfill_id: id,
      config_name: config.name,
      from: opts.from,
      to: opts.to,
      step: opts.step,
      status: 'running',
      started_at: new Date(clock.now()).toISOString(),
      windows: windows.flatMap((w) =>
        selected.map((e): WindowRecord => {
          const k = key(w.id, endpointName(e));
          const before = earlier.get(k);
          if (before && done.has(k)) return { ...before, skipped: true };
          // An interrupted unit keeps its checkpoint or staged files, so it resumes where it was.
          return before && (before.status === 'running' || before.status === 'interrupted')
            ? { ...before }
            : { ...pendingEndpoint(e), window: w.id, run_id: `${id}-w${String(w.index).padStart(5, '0')}` };
        }),
      ),
    };
    let saving: Promise<void> = Promise.resolve();
    const save = (): Promise<void> => (saving = saving.then(() => records.write(record)));
    await save();
    const skipped = record.windows.filter((w) => w.skipped).length;
    logger.info('backfill started', {
      windows: windows.length,
      endpoints: selected.length,
      already_done: skipped,
    });

    await runUnits(
      loaded,
      record.windows
        .filter((unit) => !unit.skipped)
        .map((unit) => ({
          endpoint: selected.find((e) => endpointName(e) === unit.name)!,
          record: unit,
          runId: unit.run_id,
          windows: [windows.find((w) => w.id === unit.window)!],
        })),
      {
        stateDir,
        parts,
        clock,
        logger,
        concurrency: opts.concurrency ?? 4,
        signal: opts.signal,
        keepStage: opts.keepStage ?? false,
        limiter: deps.limiter,
        onUpdate: save,
      },
    );
    const failed = record.windows.filter((w) => w.status === 'failed').length;
    const unfinished = record.windows.some((w) => w.status !== 'succeeded' && w.status !== 'failed');
    record.status = opts.signal?.aborted && unfinished
      ? 'interrupted'
      : failed === 0 ? 'succeeded' : failed === record.windows.length - skipped ? 'failed' : 'partially_failed';
    record.finished_at = new Date(clock.now()).toISOString();
    await save();
    logger.info('backfill finished', { status: record.status, failed });
    return record;
  } finally {
    await lock.release();
  }
}

function key(window: string, endpoint: string): string {
  return `${window}\u0000${endpoint}`;
}

/** Same config name, range, step and endpoints → the same backfill, so a re-run resumes it. */
function backfillId(name: string, opts: BackfillOptions, endpoints: string[]): string {
  const h = createHash('sha256')
    .update(JSON.stringify([opts.from, opts.to, opts.step, endpoints]))
    .digest('hex')
    .slice(0, 10);
  return `${name.replace(/[^\w.-]/g, '_')}-bf-${h}`;
}

async function readRecord(file: string): Promise<BackfillRecord | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as BackfillRecord;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

async function writeRecord(file: string, record: BackfillRecord): Promise<void> {
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(`${file}.tmp`, JSON.stringify(record, null, 2) + '\n');
  await rename(`${file}.tmp`, file);
}
