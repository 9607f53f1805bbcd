/**
 * The part of DuckDB floe uses; the only file that imports the DuckDB SDK. Opening waits for a
 * database file another process holds (a notebook, a second floe) up to `lock_timeout_seconds`.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { Clock } from '../../util/clock.js';
import { FloeError, type ErrorCode } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import type { CompiledStatement } from '../compiled-statement.js';
import { isAutoMemoryLimit, WIDE_TABLE_MEMORY_LIMIT } from './duckdb-dialect.js';
import type { Driver, ErrorContext } from '../driver.js';

export interface DuckdbOptions {
  /** A DuckDB size, or `auto` (opened with the wide-table limit). */
  readonly memoryLimit?: string;
  readonly threads?: number;
  /** How long to wait for a file lock held by another process; default 60. */
  readonly lockTimeoutSeconds?: number;
}

/** DuckDB's message when a statement needs more than `memory_limit`. */
const OUT_OF_MEMORY = /Out of Memory Error/i;

/** Whether `e` (as the driver reports it) is DuckDB running out of its `memory_limit`. */
export function isOutOfMemory(e: unknown): boolean {
  return e instanceof Error && OUT_OF_MEMORY.test(e.message);
}

/** DuckDB's message when another process holds the file. */
const LOCKED = /Could not set lock on file|Conflicting lock is held/i;

export interface DuckdbDriver extends Driver {
  /** Runs SQL text with no binds; for `floe` commands and tests that inspect the database. */
  query(sql: string): Promise<Record<string, unknown>[]>;
}

export async function openDuckdb(
  path: string,
  opts: DuckdbOptions,
  deps: { clock: Clock; logger: Logger },
): Promise<DuckdbDriver> {
  if (path !== ':memory:') await mkdir(dirname(path), { recursive: true });
  const config = {
    // A loader's tables are sets: not keeping insertion order lets DuckDB insert in parallel
    // with far less memory (measured: 1M rows 3.5 s instead of 5.4 s, a third less RSS).
    preserve_insertion_order: 'false',
    // New database files use 16 KiB blocks instead of 256 KiB: appending to a table pins a block
    // per column, so a 600-column table needed more than the default 256MB memory_limit from its
    // second load on (measured: 600 columns need ~1 GB with 256 KiB blocks, load every run under
    // 256MB with 16 KiB; 1M narrow rows load as fast). Existing files keep their block size.
    default_block_size: '16384',
    // auto (see duckdbDialect): the wide-table limit until a load sizes it for its table.
    ...(opts.memoryLimit ? { memory_limit: isAutoMemoryLimit(opts.memoryLimit) ? WIDE_TABLE_MEMORY_LIMIT : opts.memoryLimit } : {}),
    ...(opts.threads ? { threads: String(opts.threads) } : {}),
  };
  const timeoutMs = (opts.lockTimeoutSeconds ?? 60) * 1000;
  const started = deps.clock.now();
  let instance: DuckDBInstance | undefined;
  let said = false;
  while (!instance) {
    try {
      instance = await DuckDBInstance.create(path, config);
    } catch (e) {
      const message = (e as Error).message;
      if (!LOCKED.test(message)) {
        throw new FloeError('LOAD_FAILED', 'terminal', `cannot open DuckDB database ${path}: ${message}`, { cause: e });
      }
      const holder = /PID (\d+)/.exec(message)?.[1];
      if (deps.clock.now() - started >= timeoutMs) {
        throw new FloeError(
          'DESTINATION_LOCKED',
          'transient',
          `DuckDB database ${path} is in use by another process${holder ? ` (PID ${holder})` : ''} — a notebook or another floe? ` +
            `Waited ${opts.lockTimeoutSeconds ?? 60} s; close it, or raise destination.lock_timeout_seconds. The staged files are kept for the next run.`,
          { cause: e, details: { path, ...(holder ? { pid: Number(holder) } : {}) } },
        );
      }
      if (!said) {
        deps.logger.warn('DuckDB database is in use by another process; waiting for it', {
          path,
          ...(holder ? { pid: holder } : {}),
          timeout_s: opts.lockTimeoutSeconds ?? 60,
        });
        said = true;
      }
      await deps.clock.sleep(Math.min(500, Math.max(0, timeoutMs - (deps.clock.now() - started))));
    }
  }
  const connection: DuckDBConnection = await instance.connect();
  const binds = (s: CompiledStatement): DuckDBValue[] | undefined => (s.binds.length ? (s.binds as DuckDBValue[]) : undefined);
  const open = instance;
  return {
    async execute(s) {
      const reader = await connection.runAndReadAll(s.sql, binds(s));
      return { rows: reader.getRowObjectsJS(), rowsChanged: reader.rowsChanged };
    },
    async query(sql) {
      return (await connection.runAndReadAll(sql)).getRowObjectsJS();
    },
    error(e: unknown, code: ErrorCode, ctx: ErrorContext): FloeError {
      if (e instanceof FloeError) return e;
      if (e instanceof Error && e.name === 'AbortError') return new FloeError('ABORTED', 'terminal', 'aborted', { cause: e });
      const where = [ctx.endpoint && `endpoint ${ctx.endpoint}`, ctx.table && `table ${ctx.table}`].filter(Boolean).join(', ');
      const message = e instanceof Error ? e.message : String(e);
      // DuckDB's own text ("could not allocate block … (122.0 MiB/122.0 MiB used)") names neither
      // the setting nor what happens to the data.
      const hint = isOutOfMemory(e)
        ? ` — DuckDB reached its memory_limit. Raise destination.memory_limit (e.g. 2GB) for this load; ` +
          'the staged files are kept, and the next run loads them without fetching again.'
        : '';
      return new FloeError(code, 'terminal', `${ctx.step} failed${where ? ` (${where})` : ''}: ${message.split('\n')[0] ?? message}${hint}`, {
        cause: e,
        details: { ...(ctx.endpoint ? { endpoint: ctx.endpoint } : {}), ...(ctx.table ? { table: ctx.table } : {}), step: ctx.step },
      });
    },
    close() {
      connection.closeSync();
      open.closeSync();
      return Promise.resolve();
    },
  };
}
