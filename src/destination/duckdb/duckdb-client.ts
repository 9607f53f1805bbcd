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

export async function openDuckdb(path: string): Promise<DuckdbClient> {
  if (path !== ':memory:') await mkdir(dirname(path), { recursive: true });
  const instance = await DuckDBInstance.create(path);
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
