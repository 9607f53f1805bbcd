import type { DuckdbDestinationConfig } from '../../config/schema.js';
import type {
  Column,
  Destination,
  DestinationCapabilities,
  EndpointState,
  LedgerEntry,
  LoadRequest,
  LoadResult,
} from '../../types.js';
import type { Clock } from '../../util/clock.js';
import { FloeError, toFloeError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import { readProjectFile } from '../../util/project-files.js';
import { openDuckdb, type DuckdbClient } from './duckdb-client.js';
import * as sql from './duckdb-sql.js';

export const DUCKDB_CAPABILITIES: DestinationCapabilities = Object.freeze({
  identifierCase: 'preserve',
  transactionalDdl: true,
});

/**
 * Loads staged Parquet into DuckDB. Each `load` is one transaction: schema changes, the rows, the
 * ledger row and the endpoint state commit together or not at all. Loads are serialized on the
 * one connection.
 */
export class DuckdbDestination implements Destination {
  readonly type = 'duckdb' as const;
  readonly capabilities = DUCKDB_CAPABILITIES;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly client: DuckdbClient,
    private readonly schema: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly memoryLimit = '256MB',
  ) {}

  static async open(config: DuckdbDestinationConfig, deps: { clock: Clock; logger: Logger }): Promise<DuckdbDestination> {
    let client: DuckdbClient;
    try {
      client = await openDuckdb(config.path, { memoryLimit: config.memory_limit, ...(config.threads ? { threads: config.threads } : {}) });
    } catch (e) {
      throw new FloeError('LOAD_FAILED', 'terminal', `cannot open DuckDB database ${config.path}: ${(e as Error).message}`, {
        cause: e,
      });
    }
    const dest = new DuckdbDestination(client, config.schema, deps.clock, deps.logger, config.memory_limit);
    for (const s of sql.bookkeeping(config.schema, readProjectFile('sql/duckdb/bookkeeping.sql'))) await client.run(s);
    return dest;
  }

  ledgerEntry(runId: string, endpoint: string): Promise<LedgerEntry | undefined> {
    return this.serial(async () => {
      const rows = await this.client.all(sql.ledgerSelect(this.schema, runId, endpoint));
      const r = rows[0];
      if (!r) return undefined;
      return {
        runId: String(r.run_id),
        endpoint: String(r.endpoint),
        table: String(r.table_name),
        files: Number(r.files),
        rows: Number(r.rows),
        status: 'committed',
        startedAt: String(r.started_at),
        finishedAt: String(r.finished_at),
      } satisfies LedgerEntry;
    });
  }

  load(req: LoadRequest, signal?: AbortSignal): Promise<LoadResult> {
    return this.serial(async () => {
      const startedAt = new Date(this.clock.now()).toISOString();
      const existing = await this.client.all(sql.ledgerSelect(this.schema, req.runId, req.endpoint));
      if (existing.length > 0) return { rowsLoaded: Number(existing[0]?.rows ?? 0), queryIds: [], alreadyLoaded: true };
      signal?.throwIfAborted();
      await this.client.run({ sql: 'BEGIN TRANSACTION', binds: [] });
      try {
        await this.evolveTable(req);
        const { loaded: rowsLoaded, expected } = await this.writeRows(req);
        if (rowsLoaded !== expected) {
          throw new FloeError(
            'LOAD_FAILED',
            'terminal',
            `endpoint ${req.endpoint}: loaded ${rowsLoaded} rows into ${req.table} but expected ${expected}; nothing was committed`,
            { details: { endpoint: req.endpoint } },
          );
        }
        const finishedAt = new Date(this.clock.now()).toISOString();
        await this.client.run(
          sql.ledgerInsert(this.schema, {
            runId: req.runId,
            endpoint: req.endpoint,
            table: req.table,
            files: req.files.length,
            rows: req.rows,
            startedAt,
            finishedAt,
          }),
        );
        if (req.state) {
          await this.client.run(
            sql.stateUpsert(this.schema, req.state.endpoint, JSON.stringify(req.state.value), req.runId, finishedAt),
          );
        }
        // The last moment to give up: after COMMIT the load is done, whatever happens next.
        signal?.throwIfAborted();
        await this.client.run({ sql: 'COMMIT', binds: [] });
        return { rowsLoaded, queryIds: [], alreadyLoaded: false };
      } catch (e) {
        await this.client.run({ sql: 'ROLLBACK', binds: [] }).catch((re: unknown) => {
          this.logger.warn('rollback failed', { error: (re as Error).message });
        });
        const fe = toFloeError(e, 'LOAD_FAILED');
        if (fe.code === 'LOAD_FAILED' && !(e instanceof FloeError)) {
          // Out of memory on a wide table names the fix instead of DuckDB's generic advice.
          const hint = /could not allocate|out of memory/i.test(fe.message)
            ? ` (${req.columns.length} columns: raise destination.memory_limit, now ${this.memoryLimit}; a database file created before floe used 16 KiB blocks needs about 1 MB per column)`
            : '';
          throw new FloeError('LOAD_FAILED', 'terminal', `endpoint ${req.endpoint}: loading ${req.table} failed: ${fe.message}${hint}`, {
            cause: e,
            details: { endpoint: req.endpoint },
          });
        }
        throw fe;
      }
    });
  }

  readState(endpoint: string): Promise<EndpointState | undefined> {
    return this.serial(async () => {
      const rows = await this.client.all(sql.stateSelect(this.schema, endpoint));
      const r = rows[0];
      return r ? { endpoint, value: JSON.parse(String(r.state)) as unknown } : undefined;
    });
  }

  writeState(endpoint: string, value: unknown): Promise<void> {
    return this.serial(async () => {
      const at = new Date(this.clock.now()).toISOString();
      await this.client.run(
        value === undefined
          ? sql.stateDelete(this.schema, endpoint)
          : sql.stateUpsert(this.schema, endpoint, JSON.stringify(value), null, at),
      );
    });
  }

  /** Runs a read-only query; for `floe` commands and tests that inspect the warehouse. */
  query(text: string): Promise<Record<string, unknown>[]> {
    return this.serial(() => this.client.all({ sql: text, binds: [] }));
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    await this.client.close();
  }

  /** Creates the table, adds new columns and widens changed types, inside the load's transaction. */
  private async evolveTable(req: LoadRequest): Promise<void> {
    const rows = await this.client.all(sql.tableColumns(this.schema, req.table));
    const incoming = req.columns.map((c) => ({ name: c.name, sqlType: sql.DUCKDB_TYPES[c.type] }));
    if (rows.length === 0) {
      await this.client.run(sql.createTable(this.schema, req.table, incoming));
      return;
    }
    const current = new Map(rows.map((r) => [String(r.column_name).toLowerCase(), String(r.data_type)]));
    for (const [i, c] of incoming.entries()) {
      const have = current.get(c.name.toLowerCase());
      if (have === undefined) {
        await this.client.run(sql.addColumn(this.schema, req.table, c.name, c.sqlType));
        continue;
      }
      if (req.columns[i]?.type === 'null') continue; // only NULLs: any column holds them
      let wide = sql.widenSqlType(have, c.sqlType);
      // A VARCHAR column that holds only NULLs (a field that was only ever null) takes the type
      // of the first typed values.
      if (wide === 'VARCHAR' && c.sqlType !== 'VARCHAR' && sql.normalizeSqlType(have) === 'VARCHAR') {
        const [row] = await this.client.all(sql.countValues(this.schema, req.table, c.name));
        if (Number(row?.n ?? 1) === 0) wide = c.sqlType;
      }
      if (wide !== sql.normalizeSqlType(have)) {
        this.logger.info('widening column', { table: req.table, column: c.name, from: have, to: wide });
        await this.client.run(sql.alterColumnType(this.schema, req.table, c.name, wide));
      }
    }
  }

  /** Writes the rows; `expected` is what must have landed for the load to commit. */
  private async writeRows(req: LoadRequest): Promise<{ loaded: number; expected: number }> {
    const files = req.files.map((f) => f.path);
    const columns: readonly Column[] = req.columns;
    switch (req.writeDisposition) {
      case 'append':
        return { loaded: await this.client.run(sql.insertFromFiles(this.schema, req.table, columns, files)), expected: req.rows };
      case 'replace':
        await this.client.run(sql.deleteAll(this.schema, req.table));
        return { loaded: await this.client.run(sql.insertFromFiles(this.schema, req.table, columns, files)), expected: req.rows };
      case 'merge': {
        const key = req.primaryKey ?? [];
        const missing = key.filter((k) => !columns.some((c) => c.name.toLowerCase() === k.toLowerCase()));
        if (key.length === 0 || missing.length > 0) {
          throw new FloeError(
            'CONFIG_INVALID',
            'config',
            `endpoint ${req.endpoint}: merge needs primary_key columns present in the data; missing: ${missing.join(', ') || '(none given)'}`,
            { details: { endpoint: req.endpoint, path: 'primary_key' } },
          );
        }
        const temp = `_floe_merge_${req.table}`;
        // Duplicate keys within the batch collapse to the last-written row, so fewer rows than
        // staged may be loaded; every distinct key must land.
        await this.client.run(sql.createMergeSource(temp, columns, files, key));
        const distinct = Number((await this.client.all(sql.countRows(temp)))[0]?.n ?? 0);
        const [del, ins] = sql.mergeFromTemp(this.schema, req.table, temp, columns, key);
        await this.client.run(del!);
        const loaded = await this.client.run(ins!);
        await this.client.run(sql.dropTemp(temp));
        return { loaded, expected: distinct };
      }
    }
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
