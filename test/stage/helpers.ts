import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Normalizer, type NormalizerOptions } from '../../src/normalize/normalizer.js';
import { ParquetStageWriter, type StageWriterOptions } from '../../src/stage/parquet-stage-writer.js';
import type { StageFile } from '../../src/types.js';

/** A fresh temp dir, and a cleanup function for afterEach. */
export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'floe-stage-'));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export async function parquetFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => f.endsWith('.parquet')).sort();
  } catch {
    return [];
  }
}

/** Runs a query in an in-memory DuckDB; rows as JS objects (BIGINT as bigint). */
export async function duck(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  try {
    const reader = await con.runAndReadAll(sql);
    return reader.getRowObjectsJS();
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

/** DuckDB's column types for one Parquet file. */
export async function duckTypes(path: string): Promise<Record<string, string>> {
  const rows = await duck(`DESCRIBE SELECT * FROM read_parquet('${path}')`);
  return Object.fromEntries(rows.map((r) => [String(r.column_name), String(r.column_type)]));
}

/** Records → Normalizer → ParquetStageWriter → the files written. */
export async function stage(
  pages: readonly (readonly unknown[])[],
  nopts: Omit<NormalizerOptions, 'endpoint'> & { endpoint?: string },
  wopts: StageWriterOptions,
): Promise<{ files: StageFile[]; n: Normalizer }> {
  const n = new Normalizer({ endpoint: 'ep', ...nopts });
  const w = new ParquetStageWriter(wopts);
  try {
    for (const p of pages) for (const b of n.push(p)) await w.write(b);
    const last = n.flush();
    if (last !== undefined) await w.write(last);
    return { files: await w.close(), n };
  } catch (e) {
    await w.abort();
    throw e;
  }
}
