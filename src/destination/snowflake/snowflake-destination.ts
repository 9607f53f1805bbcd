/**
 * The Snowflake destination: the one load algorithm over the Snowflake dialect, through
 * snowflake-sdk. PUT + COPY INTO one table per endpoint, exactly once per (run id, connector,
 * endpoint) through the `_FLOE_LOADS` ledger and its claim lock.
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
import type { Destination } from '../../types.js';
import type { Clock } from '../../util/clock.js';
import type { ErrorCode } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import type { Redactor } from '../../util/redact.js';
import type { BookkeepingPlan } from '../bookkeeping.js';
import type { Driver } from '../driver.js';
import { SqlDestination } from '../sql-destination.js';
import { snowflakeError } from './errors.js';
import { qualified, quote, storedConfigName } from './identifiers.js';
import { processSettingsEnv, resolveSnowflakeSettings, type SettingsEnv, type SnowflakeSettings } from './settings.js';
import { createSnowflakeClient, type SnowflakeClient } from './snowflake-client.js';
import { snowflakeDialect } from './snowflake-dialect.js';
import { alterSession, queryTag, SNOWFLAKE_BOOKKEEPING, SnowflakeSql, type Target } from './snowflake-sql.js';

/** Injected logger, redactor (secrets are registered with it) and clock (ledger times). */
export interface SnowflakeDestinationDeps {
  readonly logger: Logger;
  readonly redactor: Redactor;
  readonly clock: Clock;
}

/** Test seams: a different environment for connections.toml, a client double, a faster claim notice. */
export interface SnowflakeDestinationInternals {
  readonly settingsEnv?: SettingsEnv;
  readonly client?: SnowflakeClient;
  readonly claimNoticeMs?: number;
}

/** What floe creates in the Snowflake schema (only what INFORMATION_SCHEMA does not list). */
export function snowflakeBookkeeping(t: Target): BookkeepingPlan {
  const b = SNOWFLAKE_BOOKKEEPING;
  return {
    dialect: 'snowflake',
    schema: t.schema,
    createSchema: 'create-schema',
    stage: { name: t.stage, create: 'create-stage' },
    tables: [
      { name: b.loads, create: ['create-loads'], migrations: [{ column: 'CONNECTOR', files: ['migrate-loads-connector-1', 'migrate-loads-connector-2'] }] },
      { name: b.state, create: ['create-state'], migrations: [{ column: 'CONNECTOR', files: ['migrate-state-connector-1', 'migrate-state-connector-2'] }] },
      { name: b.locks, create: ['create-locks'], migrations: [] },
    ],
    placeholders: {
      schema: `${quote(t.database)}.${quote(t.schema)}`,
      stage: qualified(t.database, t.schema, t.stage),
      loads: qualified(t.database, t.schema, b.loads),
      state: qualified(t.database, t.schema, b.state),
      locks: qualified(t.database, t.schema, b.locks),
    },
  };
}

/** The SDK client as a dialect driver: rows changed from Snowflake's count columns, errors with context. */
export function snowflakeDriver(client: SnowflakeClient, redactor: Redactor): Driver {
  const counts = ['number of rows inserted', 'number of rows updated', 'number of rows deleted'];
  return {
    async execute(statement, opts = {}) {
      const r = await client.execute(statement, {
        ...(opts.tag ? { queryTag: opts.tag } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      const first = r.rows[0] ?? {};
      const rowsChanged = counts.reduce((n, k) => n + (typeof first[k] === 'number' || typeof first[k] === 'string' ? Number(first[k]) : 0), 0);
      return { rows: r.rows, rowsChanged, ...(r.queryId ? { queryId: r.queryId } : {}) };
    },
    error: (e, code: ErrorCode, ctx) => snowflakeError(e, code === 'LOAD_FAILED' ? 'SNOWFLAKE_QUERY_FAILED' : code, ctx, redactor),
    beforeOperation: () => client.reconnectIfDown(),
    close: () => client.close(),
  };
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
    const settings: SnowflakeSettings = resolveSnowflakeSettings(config, internals.settingsEnv ?? processSettingsEnv);
    for (const secret of [settings.password, settings.token, settings.privateKeyPassphrase]) deps.redactor.add(secret);
    for (const w of settings.warnings ?? []) deps.logger.warn(w);
    const limits = { lockTimeoutSeconds: settings.lockTimeoutSeconds, statementTimeoutSeconds: settings.statementTimeoutSeconds };
    const client =
      internals.client ??
      createSnowflakeClient(settings, { logger: deps.logger, redactor: deps.redactor, sessionSetup: [alterSession(limits)] });
    const target: Target = {
      database: storedConfigName(settings.database),
      schema: storedConfigName(settings.schema),
      stage: storedConfigName(settings.stage),
    };
    const dialect = snowflakeDialect(new SnowflakeSql(target), {
      json: settings.jsonColumns,
      lockTimeoutSeconds: settings.lockTimeoutSeconds,
      ...(internals.claimNoticeMs !== undefined ? { claimNoticeMs: internals.claimNoticeMs } : {}),
    });
    return new SqlDestination(dialect, snowflakeDriver(client, deps.redactor), snowflakeBookkeeping(target), {
      clock: deps.clock,
      logger: deps.logger,
      tag: (c) => queryTag(settings.queryTag, c.runId, c.endpoint),
    });
  });
}
