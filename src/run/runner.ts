import { join, resolve } from 'node:path';
import PQueue from 'p-queue';
import { endpointName, tableName, type LoadedConfig } from '../config/load-config.js';
import type { Destination } from '../types.js';
import { systemClock, type Clock } from '../util/clock.js';
import { FloeError, toFloeError } from '../util/errors.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { defaultParts } from './default-parts.js';
import { runEndpoint, type ProgressEvent } from './endpoint-job.js';
import type { Parts } from './parts.js';
import { newRunId, RunHistory, type RunRecord, type RunStatus } from './run-history.js';

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
}

export interface RunDeps {
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly parts?: Parts;
}

/**
 * Runs a connector: every selected endpoint is extracted, staged and loaded on its own, so one
 * endpoint failing marks it failed while the others finish (`partially_failed`).
 */
export async function runConnector(loaded: LoadedConfig, opts: RunOptions = {}, deps: RunDeps = {}): Promise<RunRecord> {
  const { config, redactor } = loaded;
  const clock = deps.clock ?? systemClock;
  const parts = deps.parts ?? defaultParts;
  const stateDir = resolve(opts.stateDir ?? '.floe');
  const history = new RunHistory(stateDir);
  const runId = opts.runId ?? newRunId(clock.now());
  const logger = (deps.logger ?? silentLogger).child({ run_id: runId });

  const selected = selectEndpoints(loaded, opts.endpoints);
  const record: RunRecord = {
    run_id: runId,
    config_name: config.name,
    ...(loaded.file ? { config_file: loaded.file } : {}),
    destination: config.destination.type,
    status: 'running',
    started_at: new Date(clock.now()).toISOString(),
    endpoints: selected.map((e) => ({
      name: endpointName(e),
      table: tableName(e),
      status: 'pending',
      rows: 0,
      pages: 0,
      files: 0,
      bytes: 0,
    })),
  };
  // Saves are chained so concurrent endpoints never interleave writes of the same file.
  let saving: Promise<void> = Promise.resolve();
  const save = (): Promise<void> => (saving = saving.then(() => history.save(record)));
  await save();
  logger.info('run started', { config: config.name, endpoints: selected.length, destination: config.destination.type });

  const partDeps = { clock, logger, redactor };
  const source = parts.createSource(config, partDeps);
  let destination: Promise<Destination> | undefined;
  const openDestination = (): Promise<Destination> => (destination ??= parts.createDestination(config.destination, partDeps));

  const queue = new PQueue({ concurrency: Math.max(1, opts.concurrency ?? 4) });
  try {
    await Promise.all(
      selected.map((endpoint, i) =>
        queue.add(() =>
          runEndpoint(endpoint, record.endpoints[i]!, {
            runId,
            config,
            stageRoot: join(stateDir, 'stage'),
            source,
            destination: openDestination,
            parts,
            clock,
            logger,
            redactor,
            signal: opts.signal,
            keepStage: opts.keepStage ?? false,
            onProgress: opts.onProgress ?? (() => undefined),
            onUpdate: save,
          }),
        ),
      ),
    );
  } finally {
    await source.close().catch(() => undefined);
    if (destination) {
      const d = await destination.catch(() => undefined);
      await d?.close().catch((e: unknown) => logger.warn('closing destination failed', { error: toFloeError(e).message }));
    }
  }

  record.status = runStatus(record);
  record.finished_at = new Date(clock.now()).toISOString();
  record.duration_ms = Date.parse(record.finished_at) - Date.parse(record.started_at);
  await save();
  logger.info('run finished', { status: record.status, duration_ms: record.duration_ms });
  return record;
}

function runStatus(record: RunRecord): RunStatus {
  const failed = record.endpoints.filter((e) => e.status === 'failed').length;
  if (failed === 0) return 'succeeded';
  return failed === record.endpoints.length ? 'failed' : 'partially_failed';
}

export function selectEndpoints(loaded: LoadedConfig, names: readonly string[] | undefined): LoadedConfig['config']['endpoints'] {
  const all = loaded.config.endpoints;
  if (!names || names.length === 0) return all;
  const known = all.map(endpointName);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw new FloeError('USAGE', 'config', `unknown endpoint ${unknown.map((n) => `"${n}"`).join(', ')}; known: ${known.join(', ')}`);
  }
  return all.filter((e) => names.includes(endpointName(e)));
}
