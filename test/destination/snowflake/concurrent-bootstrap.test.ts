/**
 * Loaders starting at once on a fresh schema (the pods of an Indexed Job, Airflow's mapped tasks)
 * race to create the schema and floe's bookkeeping objects; the loser's DDL fails with a catalog
 * conflict (Snowflake 000603/40001, as the emulator answers it). The load finds the object there
 * (it reads the catalog again) and goes on instead of failing the slice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Column } from '../../../src/types.js';
import type { SnowflakeEmulator } from '../../support/snowflake-emulator/index.js';
import { request } from './fixtures.js';
import { cleanupTempDirs, DB, destinationFor, emulator, parquet, tempDir } from './helpers.js';

let emu: SnowflakeEmulator;
beforeAll(async () => {
  emu = await emulator();
});
afterAll(async () => {
  await emu.close();
  cleanupTempDirs();
});

const COLUMNS: Column[] = [
  { name: 'id', type: 'long' },
  { name: 'v', type: 'string' },
];
const CONFLICT = { code: '000603', sqlState: '40001', message: 'TransactionContext Error: Catalog write-write conflict on create with "_FLOE_LOADS"' };
const CATALOG = /AS "kind"/;

it.each([
  ['the ledger table', /CREATE TABLE IF NOT EXISTS .*_FLOE_LOADS/i],
  ['the state table', /CREATE TABLE IF NOT EXISTS .*_FLOE_STATE/i],
])('a conflict creating %s (another loader created it meanwhile) does not fail the load', async (_what, statement) => {
  const schema = `FRESH_${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
  const d = await destinationFor(emu, { schema });
  try {
    emu.faults.failNext(statement, CONFLICT);
    const file = await parquet(tempDir(), 'a.parquet', `SELECT * FROM (VALUES (1::BIGINT, 'a'), (2::BIGINT, 'b')) t(id, v)`, COLUMNS);
    const result = await d.load(request([file], { table: 'items', runId: 'slice-1', columns: COLUMNS }));
    expect(result.rowsLoaded).toBe(2);
    expect(await emu.query(`SELECT count(*)::INT AS n FROM "${DB}"."${schema}"."ITEMS"`)).toEqual([{ n: 2 }]);
  } finally {
    emu.faults.clear();
    await d.close();
  }
});

describe('a schema created by another loader meanwhile', () => {
  it('a CREATE SCHEMA that loses the race to another loader is not a failure: the schema is there, the load goes on', async () => {
    // The first catalog read sees no schema; before the second, "another loader" creates it, and
    // this loader's CREATE SCHEMA fails as Snowflake's catalog conflict does.
    const before = emu.requests.length; // the emulator is shared with the tests above
    const first = emu.faults.holdNext(CATALOG);
    const second = emu.faults.holdNext(CATALOG);
    emu.faults.failNext(/CREATE SCHEMA/, { code: '000603', sqlState: '40001', message: 'Catalog write-write conflict on create with "RACE"' });
    void first.reached.then(() => first.release());
    void second.reached.then(async () => {
      await emu.createObjects({ schema: ['FLOE_TEST', 'RACE'] });
      second.release();
    });
    const d = await destinationFor(emu, { schema: 'RACE' });
    try {
      const f = await parquet(tempDir(), 'race.parquet', `SELECT 1::BIGINT AS id`, [COLUMNS[0]!]);
      expect((await d.load(request([f], { table: 'race', columns: [COLUMNS[0]!] }))).rowsLoaded).toBe(1);
    } finally {
      await d.close();
    }
    expect(emu.requests.slice(before).filter((r) => /CREATE SCHEMA/.test(r.sqlText)).map((r) => r.errorCode)).toEqual(['000603']);
  });
});
