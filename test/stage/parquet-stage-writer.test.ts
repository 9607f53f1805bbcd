import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ParquetStageWriter } from '../../src/stage/parquet-stage-writer.js';
import { readParquetRows } from '../../src/stage/read-parquet.js';
import type { ColumnBatch } from '../../src/types.js';
import { isFloeError } from '../../src/util/errors.js';
import { duck, duckTypes, parquetFiles, removeDir, stage, tempDir } from './helpers.js';

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await removeDir(dir);
});

const MB = 1 << 20;

/** Source records covering the awkward cases, with the flat rows we expect back. */
function sample(i: number): { rec: Record<string, unknown>; flat: Record<string, unknown> } {
  const names = ['Zoë', 'José Ñúñez', '東京タワー', 'emoji 🎉👩‍💻', '', 'plain'];
  const name = i % 7 === 6 ? null : (names[i % names.length] as string);
  const big = i % 2 === 0 ? 2 ** 53 - i : -(2 ** 53) + i;
  const rec = {
    id: i,
    big,
    score: i % 5 === 0 ? null : i / 4 + 0.1,
    ok: i % 3 === 0,
    name,
    zip: '02108',
    tags: i % 4 === 0 ? [] : ['a', 'ü', i],
    l1: { l2: { l3: i % 6 === 0 ? null : `deep-${i}`, n: i }, s: 'x' },
    maybe: i % 9 === 0 ? null : { k: 'v' },
  };
  const flat = {
    id: i,
    big,
    score: rec.score,
    ok: rec.ok,
    name,
    zip: '02108',
    tags: JSON.stringify(rec.tags),
    l1_l2_l3: rec.l1.l2.l3,
    l1_l2_n: i,
    l1_s: 'x',
    maybe_k: i % 9 === 0 ? null : 'v',
  };
  return { rec, flat };
}

const asNumbers = (row: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]));

describe('ParquetStageWriter', () => {
  it('round-trips records value by value (nesting, arrays, nulls, unicode, "" vs null, 2^53)', async () => {
    const data = Array.from({ length: 2500 }, (_, i) => sample(i));
    const pages = [data.slice(0, 1000), data.slice(1000)].map((p) => p.map((d) => d.rec));
    const { files } = await stage(pages, { batchRows: 700 }, { dir, fileMaxBytes: 128 * MB });
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ path: join(dir, 'part-00000.parquet'), rows: 2500 });
    expect(files[0]?.bytes).toBeGreaterThan(0);
    expect(await duckTypes(files[0]?.path ?? '')).toEqual({
      id: 'BIGINT',
      big: 'BIGINT',
      score: 'DOUBLE',
      ok: 'BOOLEAN',
      name: 'VARCHAR',
      zip: 'VARCHAR',
      tags: 'VARCHAR',
      l1_l2_l3: 'VARCHAR',
      l1_l2_n: 'BIGINT',
      l1_s: 'VARCHAR',
      maybe_k: 'VARCHAR',
    });
    const rows = await duck(`SELECT * FROM read_parquet('${dir}/*.parquet') ORDER BY id`);
    expect(rows.map(asNumbers)).toEqual(data.map((d) => d.flat));
    // The reader helper agrees.
    expect(await readParquetRows(files[0]?.path ?? '')).toEqual(data.map((d) => d.flat));
    // ZSTD, as Snowflake and DuckDB both read it.
    expect(
      await duck(`SELECT DISTINCT compression FROM parquet_metadata('${files[0]?.path ?? ''}')`),
    ).toEqual([{ compression: 'ZSTD' }]);
    // "" and NULL stay distinct.
    expect(
      await duck(
        `SELECT count(*) FILTER (name = '') AS e, count(*) FILTER (name IS NULL) AS n FROM '${dir}/*.parquet'`,
      ),
    ).toEqual([{ e: 357n, n: 357n }]);
  });

  it('keeps field names exactly as the column names', async () => {
    const names = ['é x.y', 'CamelCase', '日本', 'a"b', 'select'];
    const w = new ParquetStageWriter({ dir, fileMaxBytes: MB });
    await w.write({
      columns: names.map((name) => ({ name, type: 'string' })),
      length: 1,
      values: names.map((n) => [n]),
    });
    const [file] = await w.close();
    expect(Object.keys(await duckTypes(file?.path ?? ''))).toEqual(names);
    expect(await readParquetRows(file?.path ?? '')).toEqual([Object.fromEntries(names.map((n) => [n, n]))]);
  });

  it('starts a new file when a column appears late; the new file has it', async () => {
    const pages = Array.from({ length: 40 }, (_, p) =>
      Array.from({ length: 25 }, (_, r) => ({ id: p * 25 + r, ...(p === 39 ? { late: `L${r}` } : {}) })),
    );
    const { files } = await stage(pages, { batchRows: 100 }, { dir, fileMaxBytes: 128 * MB });
    expect(files.map((f) => f.columns.map((c) => c.name))).toEqual([['id'], ['id', 'late']]);
    expect(files.map((f) => f.rows)).toEqual([900, 100]);
    expect(await duckTypes(files[0]?.path ?? '')).toEqual({ id: 'BIGINT' });
    const late = await duck(
      `SELECT id, late FROM read_parquet('${dir}/*.parquet', union_by_name = true) WHERE late IS NOT NULL ORDER BY id`,
    );
    expect(late.map(asNumbers)).toEqual(
      Array.from({ length: 25 }, (_, r) => ({ id: 975 + r, late: `L${r}` })),
    );
  });

  it('widens long → double → string across files', async () => {
    const pages = [
      [{ v: 1 }, { v: 2 }],
      [{ v: 2.5 }, { v: 3 }],
      [{ v: 'x' }, { v: 4 }],
    ];
    const { files } = await stage(pages, { batchRows: 2 }, { dir, fileMaxBytes: 128 * MB });
    expect(files.map((f) => f.columns[0]?.type)).toEqual(['long', 'double', 'string']);
    const types = await Promise.all(files.map((f) => duckTypes(f.path)));
    expect(types).toEqual([{ v: 'BIGINT' }, { v: 'DOUBLE' }, { v: 'VARCHAR' }]);
    const values = await Promise.all(files.map((f) => readParquetRows(f.path)));
    expect(values).toEqual([
      [{ v: 1 }, { v: 2 }],
      [{ v: 2.5 }, { v: 3 }],
      [{ v: 'x' }, { v: '4' }],
    ]);
  });

  it('lands declared types as TIMESTAMP WITH TIME ZONE, DATE, BLOB, INTEGER, FLOAT', async () => {
    const recs = [
      {
        ts: '2024-03-01T10:20:30.123456+01:00',
        d: '2024-02-29',
        bin: 'AP8Q',
        i: '42',
        f: 1.5,
        big: '9223372036854775807',
      },
      { ts: -1.5, d: null, bin: '', i: -2147483648, f: null, big: '-9223372036854775808' },
      { ts: '1900-01-01T00:00:00Z', d: '0001-01-01', bin: null, i: null, f: 3, big: null },
    ];
    const schema = [
      { name: 'ts', type: 'timestamp' },
      { name: 'd', type: 'date' },
      { name: 'bin', type: 'binary' },
      { name: 'i', type: 'integer' },
      { name: 'f', type: 'float' },
      { name: 'big', type: 'long' },
    ] as const;
    const { files } = await stage([recs], { batchRows: 10, schema: [...schema] }, { dir, fileMaxBytes: MB });
    const path = files[0]?.path ?? '';
    expect(await duckTypes(path)).toEqual({
      ts: 'TIMESTAMP WITH TIME ZONE',
      d: 'DATE',
      bin: 'BLOB',
      i: 'INTEGER',
      f: 'FLOAT',
      big: 'BIGINT',
    });
    const rows = await duck(
      `SELECT epoch_us(ts) AS us, d::VARCHAR AS d, hex(bin) AS bin, i, f, big::VARCHAR AS big FROM read_parquet('${path}')`,
    );
    expect(rows).toEqual([
      { us: 1709284830123456n, d: '2024-02-29', bin: '00FF10', i: 42, f: 1.5, big: '9223372036854775807' },
      { us: -1500000n, d: null, bin: '', i: -2147483648, f: null, big: '-9223372036854775808' },
      { us: -2208988800000000n, d: '0001-01-01', bin: null, i: null, f: 3, big: null },
    ]);
    expect(await readParquetRows(path)).toEqual([
      {
        ts: '2024-03-01T09:20:30.123456Z',
        d: '2024-02-29',
        bin: new Uint8Array([0, 255, 16]),
        i: 42,
        f: 1.5,
        big: 9223372036854775807n,
      },
      {
        ts: '1969-12-31T23:59:58.500000Z',
        d: null,
        bin: new Uint8Array([]),
        i: -2147483648,
        f: null,
        big: -9223372036854775808n,
      },
      { ts: '1900-01-01T00:00:00.000000Z', d: '0001-01-01', bin: null, i: null, f: 3, big: null },
    ]);
  });

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
