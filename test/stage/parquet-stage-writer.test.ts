import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ParquetStageWriter } from '../../src/stage/parquet-stage-writer.js';
import { readParquetRows } from '../../src/stage/read-parquet.js';
import { duck, duckTypes, removeDir, stage, tempDir } from './helpers.js';

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

  it('sizes row groups by rows and width: 16,384 narrow rows, 1,024 rows of 600 columns', async () => {
    const rowGroups = async (path: string): Promise<number[]> =>
      (
        await duck(
          `SELECT DISTINCT row_group_id, row_group_num_rows FROM parquet_metadata('${path}') ORDER BY row_group_id`,
        )
      ).map((r) => Number(r.row_group_num_rows));
    const narrow = Array.from({ length: 40 }, (_, p) =>
      Array.from({ length: 1000 }, (_, r) => ({ id: p * 1000 + r, name: `n${r}` })),
    );
    const a = await stage(narrow, { batchRows: 4096 }, { dir: join(dir, 'narrow'), fileMaxBytes: 128 * MB });
    expect(await rowGroups(a.files[0]?.path ?? '')).toEqual([16384, 16384, 7232]);
    const wide = [
      Array.from({ length: 2000 }, (_, r) =>
        Object.fromEntries(Array.from({ length: 600 }, (_, c) => [`c${c}`, r + c])),
      ),
    ];
    const b = await stage(wide, { batchRows: 4096 }, { dir: join(dir, 'wide'), fileMaxBytes: 128 * MB });
    expect(b.files.reduce((n, f) => n + f.rows, 0)).toBe(2000);
    expect(Math.max(...(await rowGroups(b.files[0]?.path ?? '')))).toBe(1024);
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
});
