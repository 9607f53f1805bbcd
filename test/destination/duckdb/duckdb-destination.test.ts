import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuckdbDestination } from '../../../src/destination/duckdb/duckdb-destination.js';
import type { Column, LoadRequest, StageFile } from '../../../src/types.js';
import { FakeClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/logger.js';
import { FloeError } from '../../../src/util/errors.js';

let dir: string;
let dest: DuckdbDestination;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floe-duckdb-'));
  dest = await DuckdbDestination.open(
    { type: 'duckdb', path: join(dir, 'w.duckdb'), schema: 'raw', write_disposition: 'append', memory_limit: '256MB' },
    { clock: new FakeClock(), logger: silentLogger },
  );
});

afterEach(async () => {
  await dest.close();
  await rm(dir, { recursive: true, force: true });
});

/** Writes a Parquet file from a SELECT, as the stage would, and describes it. */
async function parquet(name: string, select: string, columns: Column[]): Promise<StageFile> {
  const path = join(dir, name);
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(`COPY (${select}) TO '${path}' (FORMAT parquet)`);
  const rows = Number((await c.runAndReadAll(`SELECT count(*) AS n FROM read_parquet('${path}')`)).getRowObjectsJS()[0]?.n);
  c.closeSync();
  db.closeSync();
  return { path, rows, bytes: 0, columns };
}

function request(over: Partial<LoadRequest> & Pick<LoadRequest, 'files' | 'columns'>): LoadRequest {
  return {
    runId: 'run1',
    endpoint: 'users',
    table: 'users',
    rows: over.files.reduce((n, f) => n + f.rows, 0),
    writeDisposition: 'append',
    ...over,
  };
}

const ID: Column = { name: 'id', type: 'long' };
const NAME: Column = { name: 'name', type: 'string' };

describe('DuckdbDestination', () => {
  it('creates the table on first load, then appends and adds late columns', async () => {
    const f1 = await parquet('a.parquet', `SELECT 1::BIGINT AS id, 'ann' AS name`, [ID, NAME]);
    await dest.load(request({ files: [f1], columns: [ID, NAME] }));
    const f2 = await parquet('b.parquet', `SELECT 2::BIGINT AS id, 'bob' AS name, 'NZ' AS address_country`, [
      ID,
      NAME,
      { name: 'address_country', type: 'string' },
    ]);
    await dest.load(request({ runId: 'run2', files: [f2], columns: [ID, NAME, { name: 'address_country', type: 'string' }] }));
    const rows = await dest.query('SELECT id, name, address_country FROM raw.users ORDER BY id');
    expect(rows).toEqual([
      { id: 1n, name: 'ann', address_country: null },
      { id: 2n, name: 'bob', address_country: 'NZ' },
    ]);
  });

  it('widens a column type instead of failing (long → double → string)', async () => {
    const f1 = await parquet('a.parquet', `SELECT 1::BIGINT AS v`, [{ name: 'v', type: 'long' }]);
    await dest.load(request({ files: [f1], columns: [{ name: 'v', type: 'long' }] }));
    const f2 = await parquet('b.parquet', `SELECT 1.5::DOUBLE AS v`, [{ name: 'v', type: 'double' }]);
    await dest.load(request({ runId: 'r2', files: [f2], columns: [{ name: 'v', type: 'double' }] }));
    const f3 = await parquet('c.parquet', `SELECT 'x' AS v`, [{ name: 'v', type: 'string' }]);
    await dest.load(request({ runId: 'r3', files: [f3], columns: [{ name: 'v', type: 'string' }] }));
    const types = await dest.query(`SELECT data_type FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'v'`);
    expect(types).toEqual([{ data_type: 'VARCHAR' }]);
    const rows = await dest.query('SELECT v FROM raw.users ORDER BY v');
    expect(rows.map((r) => r.v)).toEqual(['1.0', '1.5', 'x']);
  });

  it('writes the ledger in the load and skips a (run, endpoint) already committed', async () => {
    const f1 = await parquet('a.parquet', `SELECT range::BIGINT AS id FROM range(3)`, [ID]);
    const first = await dest.load(request({ files: [f1], columns: [ID] }));
    expect(first).toMatchObject({ rowsLoaded: 3, alreadyLoaded: false });
    const again = await dest.load(request({ files: [f1], columns: [ID] }));
    expect(again).toMatchObject({ rowsLoaded: 3, alreadyLoaded: true });
    expect(await dest.query('SELECT count(*)::INT AS n FROM raw.users')).toEqual([{ n: 3 }]);
    expect(await dest.ledgerEntry('run1', 'users')).toMatchObject({ runId: 'run1', table: 'users', rows: 3, files: 1 });
    expect(await dest.ledgerEntry('run1', 'other')).toBeUndefined();
  });

  it('changes nothing when a load fails midway (table, ledger and state roll back)', async () => {
    const f1 = await parquet('a.parquet', `SELECT 1::BIGINT AS id`, [ID]);
    await dest.load(request({ files: [f1], columns: [ID], state: { endpoint: 'users', value: { cursor: 'a' } } }));
    const good = await parquet('b.parquet', `SELECT 2::BIGINT AS id, 'late' AS extra`, [ID, { name: 'extra', type: 'string' }]);
    const missing: StageFile = { path: join(dir, 'missing.parquet'), rows: 1, bytes: 0, columns: [ID] };
    const err = await dest
      .load(
        request({
          runId: 'run2',
          files: [good, missing],
          columns: [ID, { name: 'extra', type: 'string' }],
          state: { endpoint: 'users', value: { cursor: 'b' } },
        }),
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FloeError);
    expect((err as FloeError).code).toBe('LOAD_FAILED');
    expect(await dest.query('SELECT id FROM raw.users')).toEqual([{ id: 1n }]);
    const cols = await dest.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'users'`);
    expect(cols.map((c) => c.column_name)).toEqual(['id']);
    expect(await dest.ledgerEntry('run2', 'users')).toBeUndefined();
    expect(await dest.readState('users')).toEqual({ endpoint: 'users', value: { cursor: 'a' } });
  });

  it('refuses to commit when the staged row count does not match', async () => {
    const f1 = await parquet('a.parquet', `SELECT range::BIGINT AS id FROM range(5)`, [ID]);
    const err = await dest.load(request({ files: [f1], columns: [ID], rows: 6 })).catch((e: unknown) => e);
    expect((err as FloeError).code).toBe('LOAD_FAILED');
    expect((err as FloeError).message).toContain('expected 6');
    expect(await dest.query(`SELECT count(*)::INT AS n FROM information_schema.tables WHERE table_name = 'users'`)).toEqual([
      { n: 0 },
    ]);
  });

  it('replace swaps the contents in one transaction', async () => {
    const f1 = await parquet('a.parquet', `SELECT range::BIGINT AS id FROM range(5)`, [ID]);
    await dest.load(request({ files: [f1], columns: [ID], writeDisposition: 'replace' }));
    const f2 = await parquet('b.parquet', `SELECT (range + 10)::BIGINT AS id FROM range(2)`, [ID]);
    await dest.load(request({ runId: 'r2', files: [f2], columns: [ID], writeDisposition: 'replace' }));
    expect((await dest.query('SELECT id FROM raw.users ORDER BY id')).map((r) => r.id)).toEqual([10n, 11n]);
  });

  it('merge upserts on the primary key; duplicate keys in a batch resolve to the last written row', async () => {
    const f1 = await parquet('a.parquet', `SELECT * FROM (VALUES (1::BIGINT, 'a'), (2::BIGINT, 'b')) t(id, name)`, [ID, NAME]);
    await dest.load(request({ files: [f1], columns: [ID, NAME], writeDisposition: 'merge', primaryKey: ['id'] }));
    const f2 = await parquet('b.parquet', `SELECT * FROM (VALUES (2::BIGINT, 'b1'), (3::BIGINT, 'c')) t(id, name)`, [ID, NAME]);
    const f3 = await parquet('c.parquet', `SELECT * FROM (VALUES (2::BIGINT, 'b2')) t(id, name)`, [ID, NAME]);
    const res = await dest.load(
      request({ runId: 'r2', files: [f2, f3], columns: [ID, NAME], writeDisposition: 'merge', primaryKey: ['id'] }),
    );
    expect(res.rowsLoaded).toBe(2);
    expect(await dest.query('SELECT id, name FROM raw.users ORDER BY id')).toEqual([
      { id: 1n, name: 'a' },
      { id: 2n, name: 'b2' },
      { id: 3n, name: 'c' },
    ]);
  });

  it('reads, writes and clears endpoint state', async () => {
    expect(await dest.readState('users')).toBeUndefined();
    await dest.writeState('users', { cursor: '2024-01-01' });
    expect(await dest.readState('users')).toEqual({ endpoint: 'users', value: { cursor: '2024-01-01' } });
    await dest.writeState('users', undefined);
    expect(await dest.readState('users')).toBeUndefined();
  });
});
