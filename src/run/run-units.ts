import { join } from 'node:path';
import PQueue from 'p-queue';
import type { LoadedConfig } from '../config/load-config.js';
import type { EndpointConfig } from '../config/schema.js';
import type { RequestLimiter } from '../source/rest/request-limiter.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { BackfillWindow } from './backfill/windows.js';
import { runEndpoint, type ProgressEvent } from './endpoint-job.js';
import type { Parts } from './parts.js';
import type { EndpointRunRecord } from './run-history.js';
import { RunResources } from './run-resources.js';
import { runFamilies } from './parent-child/run-families.js';

/** One piece of endpoint work: an endpoint, its record, the run id its load is ledgered under. */
export interface EndpointUnit {
  readonly endpoint: EndpointConfig;
  /** Updated in place as the unit progresses (saved through `onUpdate`). */
  readonly record: EndpointRunRecord;
  /** The destination ledger's key for this unit's load (with connector and endpoint). */
  readonly runId: string;
  /**
   * Backfill windows bound instead of the endpoint's state (which is then neither read nor
   * moved): one for a backfill unit, several in a row for a slice; they are staged together and
   * loaded once.
   */
  readonly windows?: readonly BackfillWindow[];
}

export interface UnitsContext {
  readonly stateDir: string;
  readonly parts: Parts;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Units extracted at once; they share one source (one rate limiter, one OAuth token). */
  readonly concurrency: number;
  readonly signal?: AbortSignal | undefined;
  readonly keepStage?: boolean;
  /** Template variables for every request (`dt` from `--dt`). */
  readonly vars?: Readonly<Record<string, string>>;
  /** A request budget shared beyond this process (see `PartDeps.limiter`). */
  readonly limiter?: RequestLimiter | undefined;
  /** See `EndpointJobContext.skipCommitted` and `keepProgressOnFailure` (slices set both). */
  readonly skipCommitted?: boolean;
  readonly keepProgressOnFailure?: boolean;
  readonly onProgress?: (e: ProgressEvent) => void;
  /** Persists the records; called whenever one changes. */
  readonly onUpdate: () => Promise<void>;
}

/**
 * **The one fan-out.** `floe run`, `floe backfill`, `floe run-slice` and `floe serve`'s jobs all
 * schedule endpoint work here: the units share one source (rate limit, token, connection pool)
 * and one lazily opened destination, run `concurrency` at a time, and each fails alone (its
 * failure is data in its record). After a signal no unit starts; those not started stay pending
 * for whatever continues the run. A unit that already succeeded (before an interruption) is
 * skipped; parent/child endpoints run as trees (see runFamilies).
 */
export async function runUnits(loaded: LoadedConfig, units: readonly EndpointUnit[], ctx: UnitsContext): Promise<void> {
  const { config, redactor } = loaded;
  const { clock, logger, parts } = ctx;
  const shared = new RunResources(config, parts, { clock, logger, redactor, ...(ctx.limiter ? { limiter: ctx.limiter } : {}) }, ctx.stateDir);
  const queue = new PQueue({ concurrency: Math.max(1, ctx.concurrency) });
  try {
    // Parent/child endpoints run as trees (children after their parent, reading its records).
    await runFamilies(units, { stateDir: ctx.stateDir, signal: ctx.signal, queue }, async (unit, family) => {
      await runEndpoint(unit.endpoint, unit.record, {
        runId: unit.runId,
        config,
        stageRoot: join(ctx.stateDir, 'stage'),
        source: shared.source,
        destination: shared.destination,
        state: shared.state,
        tokens: shared.tokens,
        vars: ctx.vars ?? {},
        ...(unit.windows ? { windows: unit.windows } : {}),
        parts,
        clock,
        logger,
        redactor,
        signal: ctx.signal,
        keepStage: ctx.keepStage ?? false,
        ...(ctx.skipCommitted ? { skipCommitted: true } : {}),
        ...(ctx.keepProgressOnFailure ? { keepProgressOnFailure: true } : {}),
        onProgress: ctx.onProgress ?? (() => undefined),
        onUpdate: ctx.onUpdate,
        ...(family.collect || family.parentRows ? { family } : {}),
      });
    });
  } finally {
    await shared.close(logger);
  }
}
