/**
 * A thin layer over the client for one destination: statement execution with query tags, query-id
 * collection and error wrapping; the one-time bootstrap of schema, stage, ledger and state; and the
 * ledger/state reads and writes shared by `load` and the `floe state` commands.
 */
import type { EndpointState, LedgerEntry } from '../../types.js';
import { FloeError, type ErrorCode } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import type { Redactor } from '../../util/redact.js';
import { snowflakeError, type ErrorContext } from './errors.js';
import type { QueryResult, SnowflakeClient } from './snowflake-client.js';
import * as q from './sql-builder.js';
import type { Sql, Target } from './sql-builder.js';

/** What every operation on the destination shares. */
export interface SessionDeps {
  readonly client: SnowflakeClient;
  readonly target: Target;
  readonly queryTag: string | undefined;
  readonly logger: Logger;
  readonly redactor: Redactor;
}

/**
 * The steps whose query ids a load reports: the ones that move data or commit it. Bootstrap and
 * introspection statements would only bury them in `floe run` output (they are still tagged).
 */
const REPORTED_STEPS = new Set([
  'PUT',
  'COPY INTO',
  'INSERT from staging',
  'MERGE',
  'INSERT into shadow table',
  'CREATE OR REPLACE … CLONE … COPY GRANTS',
  'COMMIT',
]);

/** Runs statements for one operation (a load, a state write), tagging them and collecting query ids. */
export class Operation {
  /** Query ids of the data-moving statements, in order (see REPORTED_STEPS). */
  readonly queryIds: string[] = [];

  constructor(
    readonly deps: SessionDeps,
    private readonly context: { runId?: string; endpoint?: string; table?: string },
    private readonly signal?: AbortSignal,
  ) {}

  /** `extra` adds error context, possibly derived from the driver error (e.g. the file COPY names). */
  async run(
    statement: Sql,
    step: string,
    code: ErrorCode = 'SNOWFLAKE_QUERY_FAILED',
    extra: Partial<ErrorContext> | ((e: unknown) => Partial<ErrorContext>) = {},
  ): Promise<QueryResult> {
    this.signal?.throwIfAborted();
    const tag = q.queryTag(this.deps.queryTag, this.context.runId, this.context.endpoint);
    this.deps.logger.debug('snowflake statement', { step, endpoint: this.context.endpoint });
    try {
      const r = await this.deps.client.execute(statement, {
        queryTag: tag,
        ...(this.signal ? { signal: this.signal } : {}),
      });
      if (r.queryId && REPORTED_STEPS.has(step)) this.queryIds.push(r.queryId);
      return r;
    } catch (e) {
      const more = typeof extra === 'function' ? extra(e) : extra;
      throw snowflakeError(e, code, { ...this.errorContext(), step, ...more }, this.deps.redactor);
    }
  }

  errorContext(): { endpoint?: string; table?: string } {
    return {
      ...(this.context.endpoint ? { endpoint: this.context.endpoint } : {}),
      ...(this.context.table ? { table: this.context.table } : {}),
    };
  }

  /**
   * BEGIN … COMMIT around `body`; any failure (or abort) rolls back before rethrowing. Never put
   * DDL in `body`: Snowflake commits an open transaction implicitly before DDL.
   */
  async transaction(body: () => Promise<void>): Promise<void> {
    await this.run(q.begin(), 'BEGIN');
    try {
      await body();
      await this.run(q.commit(), 'COMMIT');
    } catch (e) {
      try {
        await this.deps.client.execute(q.rollback());
      } catch (rollbackError) {
        // The session may be gone; Snowflake then aborts the open transaction itself.
        this.deps.logger.warn('snowflake rollback failed', {
          error: this.deps.redactor.text(String(rollbackError)),
        });
      }
      throw e;
    }
  }
}

/** Creates floe's schema, stage, ledger and state table if missing (idempotent DDL, no warehouse). */
export async function bootstrap(op: Operation): Promise<void> {
  const t = op.deps.target;
  await op.run(q.createSchema(t), 'CREATE SCHEMA');
  await op.run(q.createStage(t), 'CREATE STAGE');
  await op.run(q.createLedger(t), 'CREATE ledger table');
  await op.run(q.createState(t), 'CREATE state table');
}

/** The committed ledger row of (run id, endpoint), if any. */
export async function readLedger(
  op: Operation,
  runId: string,
  endpoint: string,
): Promise<LedgerEntry | undefined> {
  const r = await op.run(q.selectLedgerEntry(op.deps.target, runId, endpoint), 'read ledger');
  const row = r.rows[0];
  if (!row) return undefined;
  return {
    runId: String(row.RUN_ID),
    endpoint: String(row.ENDPOINT),
    table: String(row.TABLE_NAME),
    files: Number(row.FILE_COUNT),
    rows: Number(row.ROW_COUNT),
    status: 'committed',
    startedAt: String(row.STARTED_AT),
    finishedAt: String(row.FINISHED_AT),
  };
}

/** An endpoint's committed state, parsed from JSON. */
export async function readState(op: Operation, endpoint: string): Promise<EndpointState | undefined> {
  const r = await op.run(q.selectState(op.deps.target, endpoint), 'read state');
  const raw = r.rows[0]?.VALUE;
  if (raw === undefined || raw === null) return undefined;
  try {
    return { endpoint, value: JSON.parse(typeof raw === 'string' ? raw : JSON.stringify(raw)) as unknown };
  } catch (e) {
    throw new FloeError(
      'STATE_INVALID',
      'terminal',
      `state of endpoint ${endpoint} in ${q.STATE_TABLE} is not valid JSON`,
      {
        cause: e,
        details: { endpoint },
      },
    );
  }
}

/** The state statements for inside a transaction: delete, then insert unless clearing. */
export async function writeStateRows(
  op: Operation,
  endpoint: string,
  value: unknown,
  runId: string | null,
  at: number,
): Promise<void> {
  await op.run(q.deleteState(op.deps.target, endpoint), 'write state');
  const json = value === undefined ? undefined : JSON.stringify(value);
  if (json !== undefined)
    await op.run(q.insertState(op.deps.target, endpoint, json, runId, at), 'write state');
}
