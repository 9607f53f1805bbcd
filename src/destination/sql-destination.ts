/**
 * The one Destination implementation: a dialect (what SQL to send) over a driver (how to send
 * it). Operations on one destination run one at a time — a transaction belongs to the session —
 * and the first one bootstraps floe's bookkeeping tables. Nothing is sent before the first
 * operation, so a run with nothing to load never opens a warehouse session.
 */
import type { Destination, EndpointKey, EndpointState, LedgerEntry, LoadRequest, LoadResult, TableInfo } from '../types.js';
import type { Clock } from '../util/clock.js';
import { toFloeError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { bootstrap, type BookkeepingPlan } from './bookkeeping.js';
import type { Dialect } from './dialect.js';
import type { Driver } from './driver.js';
import { latestLoads, readLedger, readState, writeStateRows } from './ledger.js';
import { loadEndpoint } from './load-algorithm.js';
import { LoadSession, type OperationContext } from './load-session.js';

export interface SqlDestinationDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  /** A statement tag per operation (Snowflake QUERY_TAG), or none. */
  readonly tag?: (context: OperationContext) => string | undefined;
}

export class SqlDestination implements Destination {
  private queue: Promise<unknown> = Promise.resolve();
  private bootstrapped = false;
  /** Whether the state table still holds rows from before state was keyed by connector. */
  private readonly legacy = { rows: false };

  constructor(
    readonly dialect: Dialect,
    readonly driver: Driver,
    private readonly plan: BookkeepingPlan,
    private readonly deps: SqlDestinationDeps,
  ) {}

  get type(): 'duckdb' | 'snowflake' {
    return this.dialect.name;
  }

  ledgerEntry(runId: string, key: EndpointKey, signal?: AbortSignal): Promise<LedgerEntry | undefined> {
    return this.operation({ runId, ...key }, signal, (s) => readLedger(s, this.dialect, runId, key));
  }

  load(request: LoadRequest, signal?: AbortSignal): Promise<LoadResult> {
    if (!request.files.some((f) => f.rows > 0)) {
      // Nothing to load: no session, no warehouse. State cannot have moved without rows.
      return Promise.resolve({ rowsLoaded: 0, queryIds: [], alreadyLoaded: false });
    }
    const context = { runId: request.runId, connector: request.connector, endpoint: request.endpoint, table: request.table };
    return this.operation(context, signal, (s) => loadEndpoint(request, s, this.dialect, { clock: this.deps.clock }));
  }

  readState(key: EndpointKey, signal?: AbortSignal): Promise<EndpointState | undefined> {
    return this.operation(key, signal, (s) => readState(s, this.dialect, key, this.legacy));
  }

  writeState(key: EndpointKey, value: unknown, signal?: AbortSignal): Promise<void> {
    return this.operation(key, signal, async (s) => {
      await s.run(this.dialect.sql.begin(), 'BEGIN');
      try {
        await writeStateRows(s, this.dialect, key, value, null, this.deps.clock.now());
        await s.run(this.dialect.sql.commit(), 'COMMIT');
      } catch (e) {
        await this.driver.execute(this.dialect.sql.rollback()).catch(() => undefined);
        throw e;
      }
    });
  }

  tables(signal?: AbortSignal): Promise<TableInfo[]> {
    return this.operation({}, signal, async (s) => {
      const loads = new Map((await latestLoads(s, this.dialect)).map((l) => [this.dialect.names.stored(l.table), l] as const));
      const tables = (await s.run(this.dialect.sql.listTables(), 'list tables')).rows.map((r) => String(r.table_name));
      const columns = (await s.run(this.dialect.sql.listColumns(), 'read columns')).rows;
      const out: TableInfo[] = [];
      for (const table of tables.sort()) {
        const n = Number((await s.run(this.dialect.sql.countRows(table), 'count rows')).rows[0]?.n ?? 0);
        const lastLoad = [...loads.entries()].find(([t]) => t.toLowerCase() === table.toLowerCase())?.[1];
        out.push({
          table,
          rows: n,
          columns: columns.filter((c) => String(c.table_name) === table).map((c) => ({ name: String(c.name), type: String(c.type) })),
          ...(lastLoad ? { lastLoad } : {}),
        });
      }
      return out;
    });
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    await this.driver.close();
  }

  /** Runs `fn` after every earlier operation, on a bootstrapped destination. */
  operation<T>(context: OperationContext, signal: AbortSignal | undefined, fn: (s: LoadSession) => Promise<T>): Promise<T> {
    const next = this.queue
      .then(async () => {
        const logger = this.deps.logger.child({ destination: this.dialect.name });
        const s = new LoadSession(this.driver, logger, context, this.deps.tag ?? (() => undefined), signal);
        await this.driver.beforeOperation?.();
        if (!this.bootstrapped) {
          await bootstrap(s, this.dialect.sql.catalog(), this.plan);
          this.legacy.rows = Number((await s.run(this.dialect.sql.countLegacyState(), 'read state')).rows[0]?.n ?? 0) > 0;
          this.bootstrapped = true;
        }
        return fn(s);
      })
      .catch((e: unknown) => {
        throw toFloeError(e, 'LOAD_FAILED');
      });
    this.queue = next.catch(() => undefined);
    return next;
  }
}
