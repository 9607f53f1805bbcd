import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { Statement } from './duckdb-sql.js';

/** The part of DuckDB floe uses; the only file that imports the DuckDB SDK. */
export interface DuckdbClient {
  run(statement: Statement): Promise<number>;
  all(statement: Statement): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export interface DuckdbOptions {
  readonly memoryLimit?: string;
  readonly threads?: number;
}

export async function openDuckdb(path: string, opts: DuckdbOptions = {}): Promise<DuckdbClient> {
  if (path !== ':memory:') await mkdir(dirname(path), { recursive: true });
  const instance = await DuckDBInstance.create(path, {
    // A loader's tables are sets: not keeping insertion order lets DuckDB insert in parallel
    // with far less memory (measured: 1M rows 3.5 s instead of 5.4 s, a third less RSS).
    preserve_insertion_order: 'false',
    ...(opts.memoryLimit ? { memory_limit: opts.memoryLimit } : {}),
    ...(opts.threads ? { threads: String(opts.threads) } : {}),
  });
  const connection: DuckDBConnection = await instance.connect();
  const binds = (s: Statement): DuckDBValue[] | undefined => (s.binds.length ? (s.binds as DuckDBValue[]) : undefined);
  return {
    async run(s) {
      const result = await connection.run(s.sql, binds(s));
      return result.rowsChanged;
    },
    async all(s) {
      const reader = await connection.runAndReadAll(s.sql, binds(s));
      return reader.getRowObjectsJS();
    },
    close() {
      connection.closeSync();
      instance.closeSync();
      return Promise.resolve();
    },
  };
}
