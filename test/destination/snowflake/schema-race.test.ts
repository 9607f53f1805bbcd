/**
 * Loaders that start at once (slices on several machines) race to create a missing schema: one
 * wins, the others get a catalog conflict. The loser must find the schema there and load, not
 * fail the slice with "creating it failed".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Column } from '../../../src/types.js';
import type { SnowflakeEmulator } from '../../support/snowflake-emulator/index.js';
import { request } from './fixtures.js';
import { cleanupTempDirs, destinationFor, emulator, parquet, tempDir } from './helpers.js';

let emu: SnowflakeEmulator;
beforeAll(async () => {
  emu = await emulator();
});
afterAll(async () => {
  await emu.close();
  cleanupTempDirs();
});

const ID: Column = { name: 'id', type: 'long' };
const CATALOG = /AS "kind"/;

describe('a schema created by another loader meanwhile', () => {
  it('a CREATE SCHEMA that loses the race to another loader is not a failure: the schema is there, the load goes on', async () => {
    // The first catalog read sees no schema; before the second, "another loader" creates it, and
    // this loader's CREATE SCHEMA fails as Snowflake's catalog conflict does.
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
      const f = await parquet(tempDir(), 'race.parquet', `SELECT 1::BIGINT AS id`, [ID]);
      expect((await d.load(request([f], { table: 'race', columns: [ID] }))).rowsLoaded).toBe(1);
    } finally {
      await d.close();
    }
    expect(emu.requests.filter((r) => /CREATE SCHEMA/.test(r.sqlText)).map((r) => r.errorCode)).toEqual(['000603']);
  });
});
