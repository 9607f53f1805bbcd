/**
 * The Snowflake destination: PUT + COPY INTO one table per endpoint, exactly once per
 * (run id, endpoint) through the `_FLOE_LOADS` ledger. See README.md in this folder.
 *
 * ```yaml
 * destination:
 *   type: snowflake
 *   account: "{{ env.SNOWFLAKE_ACCOUNT }}"
 *   user: LOADER
 *   private_key_path: ~/.ssh/snowflake_key.p8
 *   database: RAW
 *   schema: REST_API
 * ```
 */
import type { SnowflakeDestinationConfig } from '../../config/schema.js';
import type { Destination, EndpointState, LedgerEntry, LoadRequest, LoadResult } from '../../types.js';
import type { Clock } from '../../util/clock.js';
import { toFloeError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import type { Redactor } from '../../util/redact.js';
import { snowflakeCapabilities } from './capabilities.js';
import { storedConfigName } from './identifiers.js';
import { loadEndpoint } from './load-endpoint.js';
import { bootstrap, Operation, readLedger, readState, writeStateRows, type SessionDeps } from './session.js';
import {
  processSettingsEnv,
  resolveSnowflakeSettings,
  type SettingsEnv,
  type SnowflakeSettings,
} from './settings.js';
import { createSnowflakeClient, type SnowflakeClient } from './snowflake-client.js';
import { alterSession, type Target } from './sql-builder.js';

/** Injected logger, redactor (secrets are registered with it) and clock (ledger times). */
export interface SnowflakeDestinationDeps {
  readonly logger: Logger;
  readonly redactor: Redactor;
  readonly clock: Clock;
}

/** Test seams: a different environment for connections.toml, or a client double. */
export interface SnowflakeDestinationInternals {
  readonly settingsEnv?: SettingsEnv;
  readonly client?: SnowflakeClient;
}

/**
 * Opens the destination. Nothing connects until the first statement, so a run whose endpoints
 * produced no rows never opens a session or wakes a warehouse. Config problems (missing account,
 * an unknown connection name, …) fail here as CONFIG_INVALID.
 */
export function openSnowflakeDestination(
  config: SnowflakeDestinationConfig,
  deps: SnowflakeDestinationDeps,
  internals: SnowflakeDestinationInternals = {},
): Promise<Destination> {
  return Promise.resolve().then(() => {
    const settings = resolveSnowflakeSettings(config, internals.settingsEnv ?? processSettingsEnv);
    for (const secret of [settings.password, settings.token, settings.privateKeyPassphrase])
      deps.redactor.add(secret);
    const client =
      internals.client ??
      createSnowflakeClient(settings, {
        logger: deps.logger,
        redactor: deps.redactor,
        sessionSetup: [alterSession()],
      });
    return new SnowflakeDestination(settings, client, deps);
  });
}

class SnowflakeDestination implements Destination {
  readonly type = 'snowflake';
  readonly capabilities = snowflakeCapabilities;
  private readonly session: SessionDeps;
  /** Snowflake transactions belong to the session, so operations on it run one at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  private bootstrapped = false;

  constructor(
    private readonly settings: SnowflakeSettings,
    private readonly client: SnowflakeClient,
    private readonly deps: SnowflakeDestinationDeps,
  ) {
    const target: Target = {
      database: storedConfigName(settings.database),
      schema: storedConfigName(settings.schema),
      stage: storedConfigName(settings.stage),
    };
    this.session = {
      client,
      target,
      queryTag: settings.queryTag,
      logger: deps.logger.child({ destination: 'snowflake' }),
      redactor: deps.redactor,
    };
  }

  ledgerEntry(runId: string, endpoint: string, signal?: AbortSignal): Promise<LedgerEntry | undefined> {
    return this.serialize({ runId, endpoint }, signal, (op) => readLedger(op, runId, endpoint));
  }

  load(request: LoadRequest, signal?: AbortSignal): Promise<LoadResult> {
    if (!request.files.some((f) => f.rows > 0)) {
      // Nothing to load: no session, no warehouse. State cannot have moved without rows.
      return Promise.resolve({ rowsLoaded: 0, queryIds: [], alreadyLoaded: false });
    }
    const context = { runId: request.runId, endpoint: request.endpoint, table: request.table };
    return this.serialize(context, signal, (op) =>
      loadEndpoint(request, op, { clock: this.deps.clock, jsonColumns: this.settings.jsonColumns }),
    );
  }

  readState(endpoint: string, signal?: AbortSignal): Promise<EndpointState | undefined> {
    return this.serialize({ endpoint }, signal, (op) => readState(op, endpoint));
  }

  writeState(endpoint: string, value: unknown, signal?: AbortSignal): Promise<void> {
    return this.serialize({ endpoint }, signal, (op) =>
      op.transaction(() => writeStateRows(op, endpoint, value, null, this.deps.clock.now())),
    );
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    await this.client.close();
  }

  private serialize<T>(
    context: { runId?: string; endpoint?: string; table?: string },
    signal: AbortSignal | undefined,
    fn: (op: Operation) => Promise<T>,
  ): Promise<T> {
    const next = this.queue
      .then(async () => {
        const op = new Operation(this.session, context, signal);
        await this.client.reconnectIfDown();
        if (!this.bootstrapped) {
          await bootstrap(op);
          this.bootstrapped = true;
        }
        return fn(op);
      })
      .catch((e: unknown) => {
        throw toFloeError(e); // e.g. an AbortError from the signal becomes ABORTED
      });
    this.queue = next.catch(() => undefined);
    return next;
  }
}
