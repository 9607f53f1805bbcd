import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ParquetStageWriter } from '../../src/stage/parquet-stage-writer.js';
import { readParquetRows } from '../../src/stage/read-parquet.js';
import type { ColumnBatch } from '../../src/types.js';
import { isFloeError } from '../../src/util/errors.js';
import { duck, parquetFiles, removeDir, stage, tempDir } from './helpers.js';

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await removeDir(dir);
});

const MB = 1 << 20;

describe('ParquetStageWriter lifecycle: rotation, ordering, abort, errors', () => {
  it('rotates files by size; rows add up and every file reads', async () => {
    const recs = Array.from({ length: 30000 }, (_, i) => ({
      id: i,
      text: `${i}-${Math.sin(i).toString(36)}-${(i * 2654435761) % 1000003}`,
      n: Math.cos(i),
    }));
    const pages = Array.from({ length: 30 }, (_, p) => recs.slice(p * 1000, p * 1000 + 1000));
    const { files } = await stage(
      pages,
      { batchRows: 1000 },
      { dir, fileMaxBytes: 64 * 1024, rowGroupRows: 1000 },
    );
    expect(files.length).toBeGreaterThanOrEqual(4);
    expect(files.reduce((s, f) => s + f.rows, 0)).toBe(30000);
    expect(files.map((f) => f.path)).toEqual(
      files.map((_, i) => join(dir, `part-${String(i).padStart(5, '0')}.parquet`)),
    );
    // The target is approximate (estimated before encoding), but never wildly off.
    for (const f of files) expect(f.bytes).toBeLessThan(3 * 64 * 1024);
    const [agg] = await duck(
      `SELECT count(*) AS c, sum(id) AS s, count(DISTINCT text) AS t FROM read_parquet('${dir}/*.parquet')`,
    );
    expect(agg).toEqual({ c: 30000n, s: BigInt((29999 * 30000) / 2), t: 30000n });
  });

  it('checkpoint() completes every file so far and writing goes on; firstPart continues the numbering', async () => {
    const batch = (from: number): ColumnBatch => ({
      columns: [{ name: 'k', type: 'long' }],
      length: 10,
      values: [Array.from({ length: 10 }, (_, i) => from + i)],
    });
    const w = new ParquetStageWriter({ dir, fileMaxBytes: MB });
    await w.write(batch(0));
    const first = await w.checkpoint();
    expect(first.map((f) => [f.path, f.rows])).toEqual([[join(dir, 'part-00000.parquet'), 10]]);
    expect(await readParquetRows(first[0]!.path)).toHaveLength(10); // complete on disk already
    await w.write(batch(10));
    const all = await w.close();
    expect(all.map((f) => [f.path, f.rows])).toEqual([
      [join(dir, 'part-00000.parquet'), 10],
      [join(dir, 'part-00001.parquet'), 10],
    ]);
    // A writer resuming after that checkpoint numbers its files after the ones it keeps.
    const resumed = new ParquetStageWriter({ dir, fileMaxBytes: MB, firstPart: 1 });
    await resumed.write(batch(20));
    expect((await resumed.close()).map((f) => f.path)).toEqual([join(dir, 'part-00001.parquet')]);
    const [agg] = await duck(`SELECT count(*) AS c, sum(k) AS s FROM read_parquet('${dir}/*.parquet')`);
    expect(agg).toEqual({ c: 20n, s: BigInt((9 * 10) / 2 + (20 + 29) * 5) });
  });

  it('runs writes in call order even when they are not awaited one by one', async () => {
    const w = new ParquetStageWriter({ dir, fileMaxBytes: MB, maxQueuedBatches: 1 });
    const batch = (k: number, type: 'long' | 'string'): ColumnBatch => ({
      columns: [{ name: 'k', type }],
      length: 100,
      values: [Array.from({ length: 100 }, (_, i) => (type === 'long' ? k * 100 + i : `${k * 100 + i}`))],
    });
    const writes = [0, 1, 2, 3, 4, 5].map((k) => w.write(batch(k, k < 3 ? 'long' : 'string')));
    const closing = w.close();
    await Promise.all(writes);
    const files = await closing;
    expect(files.map((f) => [f.rows, f.columns[0]?.type])).toEqual([
      [300, 'long'],
      [300, 'string'],
    ]);
    const values = (await Promise.all(files.map((f) => readParquetRows(f.path))))
      .flat()
      .map((r) => Number(r.k));
    expect(values).toEqual(Array.from({ length: 600 }, (_, i) => i));
  });

  it('abort() stops and deletes the files written so far', async () => {
    const w = new ParquetStageWriter({ dir, fileMaxBytes: 1024 });
    const batch: ColumnBatch = {
      columns: [{ name: 'x', type: 'long' }],
      length: 3,
      values: [[1, 2, 3]],
    };
    for (let i = 0; i < 5; i++) await w.write(batch);
    expect((await parquetFiles(dir)).length).toBeGreaterThan(0);
    await w.abort();
    expect(await parquetFiles(dir)).toEqual([]);
    await expect(w.write(batch)).rejects.toMatchObject({ code: 'ABORTED' });
    await expect(w.close()).rejects.toMatchObject({ code: 'ABORTED' });
    await w.abort(); // idempotent
  });

  it('an aborted signal stops pending writes and deletes the files', async () => {
    const ac = new AbortController();
    const w = new ParquetStageWriter({ dir, fileMaxBytes: 128 * MB, signal: ac.signal, maxQueuedBatches: 1 });
    const big: ColumnBatch = {
      columns: [{ name: 's', type: 'string' }],
      length: 50000,
      values: [Array.from({ length: 50000 }, (_, i) => `row ${i} ${'x'.repeat(i % 50)}`)],
    };
    const writes: Promise<void>[] = [];
    await w.write(big);
    for (let i = 0; i < 3; i++) writes.push(w.write(big).catch((e: unknown) => Promise.reject(e as Error)));
    ac.abort();
    const results = await Promise.allSettled(writes);
    expect(
      results.some((r) => r.status === 'rejected' && isFloeError(r.reason) && r.reason.code === 'ABORTED'),
    ).toBe(true);
    await w.abort(); // waits for the cleanup the signal started
    expect(await parquetFiles(dir)).toEqual([]);
  });

  it('a value the column type cannot hold fails with STAGE_WRITE_FAILED naming the file', async () => {
    const w = new ParquetStageWriter({ dir, fileMaxBytes: MB });
    const bad: ColumnBatch = { columns: [{ name: 'n', type: 'long' }], length: 2, values: [[1, 'two']] };
    const e: unknown = await w.write(bad).catch((x: unknown) => x);
    expect(isFloeError(e) && e.code).toBe('STAGE_WRITE_FAILED');
    expect(isFloeError(e) && e.details.path).toBe(join(dir, 'part-00000.parquet'));
    expect(String(e)).toContain('"n"');
    await w.abort();
  });

  it('an unwritable directory fails with STAGE_WRITE_FAILED naming the file', async () => {
    const blocker = join(dir, 'not-a-dir');
    await writeFile(blocker, 'x');
    const w = new ParquetStageWriter({ dir: blocker, fileMaxBytes: MB });
    const batch: ColumnBatch = { columns: [{ name: 'n', type: 'long' }], length: 1, values: [[1]] };
    const e: unknown = await w.write(batch).catch((x: unknown) => x);
    expect(isFloeError(e) && e.code).toBe('STAGE_WRITE_FAILED');
    expect(isFloeError(e) && e.details.path).toBe(join(blocker, 'part-00000.parquet'));
    await w.abort();
  });

  it('a file the worker cannot create fails with STAGE_WRITE_FAILED naming it', async () => {
    await mkdir(join(dir, 'part-00000.parquet')); // EISDIR when the worker opens it
    const w = new ParquetStageWriter({ dir, fileMaxBytes: MB });
    const batch: ColumnBatch = { columns: [{ name: 'n', type: 'long' }], length: 1, values: [[1]] };
    await w.write(batch).catch(() => undefined); // may or may not have heard back yet
    const e: unknown = await w.close().catch((x: unknown) => x);
    expect(isFloeError(e) && e.code).toBe('STAGE_WRITE_FAILED');
    expect(isFloeError(e) && e.details.path).toBe(join(dir, 'part-00000.parquet'));
    await w.abort();
  });

  it('close() with nothing written returns no files', async () => {
    const w = new ParquetStageWriter({ dir, fileMaxBytes: MB });
    await w.write({ columns: [{ name: 'a', type: 'string' }], length: 0, values: [[]] });
    expect(await w.close()).toEqual([]);
    expect(await parquetFiles(dir)).toEqual([]);
  });
});
