/** Parquet files written with DuckDB from a SELECT, as the stage would write them (no test runner needed). */
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Column, StageFile } from '../../../src/types.js';

let duck: Promise<DuckDBInstance> | undefined;

export async function writeParquet(dir: string, name: string, select: string, columns: readonly Column[]): Promise<StageFile> {
  duck ??= DuckDBInstance.create(':memory:');
  const conn = await (await duck).connect();
  try {
    const path = join(dir, name);
    await conn.run(`SET TimeZone = 'UTC'`);
    await conn.run(`COPY (${select}) TO '${path.replaceAll("'", "''")}' (FORMAT parquet)`);
    const r = await conn.runAndReadAll(`SELECT count(*) FROM read_parquet('${path.replaceAll("'", "''")}')`);
    return { path, rows: Number(r.getRowsJS()[0]?.[0] ?? 0), bytes: 0, columns };
  } finally {
    conn.closeSync();
  }
}
