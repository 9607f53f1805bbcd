import { endpointName, tableName } from '../config/load-config.js';
import type { EndpointConfig, FloeConfig } from '../config/schema.js';
import type { Destination } from '../types.js';
import { toFloeError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import type { PartDeps, Parts, SourcePart } from './parts.js';
import type { EndpointRunRecord } from './run-history.js';
import { StateStore } from './state-store.js';
import { CheckpointTokens } from './checkpoint-tokens.js';

/**
 * What one run (or one backfill) shares across its endpoints: one source — so one rate limiter,
 * one OAuth token and one connection pool — one destination, opened only when an endpoint first
 * needs it (an idle run never wakes a warehouse), and the state store.
 */
export class RunResources {
  readonly source: SourcePart;
  readonly state: StateStore;
  readonly tokens: CheckpointTokens;
  #destination: Promise<Destination> | undefined;

  constructor(
    private readonly config: FloeConfig,
    private readonly parts: Parts,
    private readonly deps: PartDeps,
    stateDir: string,
  ) {
    this.source = parts.createSource(config, deps);
    this.state = new StateStore(stateDir, config.name, this.destination);
    this.tokens = new CheckpointTokens(stateDir);
  }

  readonly destination = (): Promise<Destination> =>
    (this.#destination ??= this.parts.createDestination(this.config.destination, this.deps));

  async close(logger: Logger): Promise<void> {
    await this.source.close().catch(() => undefined);
    const d = this.#destination ? await this.#destination.catch(() => undefined) : undefined;
    await d?.close().catch((e: unknown) => logger.warn('closing destination failed', { error: toFloeError(e).message }));
  }
}

/** A fresh record for an endpoint that has not started. */
export function pendingEndpoint(e: EndpointConfig): EndpointRunRecord {
  return { name: endpointName(e), table: tableName(e), status: 'pending', rows: 0, pages: 0, files: 0, bytes: 0 };
}
