import type { CompiledStatement } from '../../destination/compiled-statement.js';
import { openDuckdb, type DuckdbDriver } from '../../destination/duckdb/duckdb-driver.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import { FloeError } from '../../util/errors.js';
import { jsonReady, type JsonReady } from '../json-text.js';
import { duckDescribe, duckDropSnapshot, duckFrom, duckPage, duckSnapshot, ROW_NUMBER, type ReadStatement } from './read-sql.js';
import { describeOrigin } from './describe-origin.js';
import type { JsonRow, ReadRequest, RowReader } from './row-reader.js';

/** Rows per page read back from the snapshot. */
const PAGE_ROWS = 5000;

export interface DuckdbReaderOptions {
  /** The database file (`:memory:` for files). */
  readonly path: string;
  readonly schema: string;
  readonly memoryLimit?: string;
  readonly threads?: number;
  /** How long to wait for the file while another process (a `floe run`, a notebook) holds it. */
  readonly lockTimeoutSeconds?: number;
}

/**
 * Reads from a DuckDB database (a table or query of the destination) or, with an in-memory
 * DuckDB, from a Parquet or JSON-lines file. The rows are numbered once into a temp table in key
 * order, so paging is cheap and the order total; the database is opened only for the read.
 */
export class DuckdbRowReader implements RowReader {
  private client: DuckdbDriver | undefined;

  constructor(
    private readonly opts: DuckdbReaderOptions,
    private readonly deps: { clock: Clock; logger: Logger },
  ) {}

  async *rows(req: ReadRequest): AsyncGenerator<readonly JsonRow[]> {
    const client = await this.open();
    const from = duckFrom(req.origin, this.opts.schema);
    const types = new Map<string, string>();
    for (const c of await this.exec(client, duckDescribe(from), req)) {
      types.set(String(c.column_name), String(c.column_type));
    }
    for (const k of [...(req.key ?? []), ...(req.cursor !== undefined ? [req.cursor] : [])]) {
      if (!types.has(k)) {
        throw new FloeError('PUSH_SOURCE_FAILED', 'config', `${describeOrigin(req)} has no column "${k}" (key or cursor); its columns: ${[...types.keys()].join(', ')}`);
      }
    }
    if (types.has(ROW_NUMBER)) throw new FloeError('PUSH_SOURCE_FAILED', 'config', `${describeOrigin(req)}: the column name ${ROW_NUMBER} is floe's own`);
    await this.exec(client, duckSnapshot(from, req.key ?? [], req.cursor, req.since), req);
    try {
      for (let after = 0; ; after += PAGE_ROWS) {
        req.signal?.throwIfAborted();
        const page = await this.exec(client, duckPage(after, PAGE_ROWS), req);
        if (page.length === 0) return;
        yield page.map((row) => {
          const out: Record<string, JsonReady> = {};
          for (const [k, v] of Object.entries(row)) out[k] = jsonReady(v, types.get(k));
          return out;
        });
        if (page.length < PAGE_ROWS) return;
      }
    } finally {
      await client.execute(duckDropSnapshot() as CompiledStatement).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    await c?.close();
  }

  private async open(): Promise<DuckdbDriver> {
    if (this.client) return this.client;
    try {
      this.client = await openDuckdb(
        this.opts.path,
        {
          ...(this.opts.memoryLimit ? { memoryLimit: this.opts.memoryLimit } : {}),
          ...(this.opts.threads ? { threads: this.opts.threads } : {}),
          ...(this.opts.lockTimeoutSeconds !== undefined ? { lockTimeoutSeconds: this.opts.lockTimeoutSeconds } : {}),
        },
        this.deps,
      );
    } catch (e) {
      if (e instanceof FloeError && e.code === 'DESTINATION_LOCKED') throw e;
      throw new FloeError('PUSH_SOURCE_FAILED', 'terminal', `cannot open DuckDB ${this.opts.path}: ${(e as Error).message}`, { cause: e });
    }
    return this.client;
  }

  private async exec(client: DuckdbDriver, s: ReadStatement, req: ReadRequest): Promise<readonly Record<string, unknown>[]> {
    // bigint binds (cursors past 2^53) are DuckDB values too; the destination's type only lists JSON scalars.
    try {
      return (await client.execute(s as unknown as CompiledStatement)).rows;
    } catch (e) {
      if (e instanceof FloeError) throw e;
      throw new FloeError('PUSH_SOURCE_FAILED', 'terminal', `reading ${describeOrigin(req)} from DuckDB failed: ${(e as Error).message}`, { cause: e });
    }
  }
}
