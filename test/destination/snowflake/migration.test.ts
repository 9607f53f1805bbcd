/**
 * The Snowflake bookkeeping tables of earlier versions (state and ledger keyed by endpoint only)
 * are migrated in place on first use: a CONNECTOR column is added, old ledger rows match any
 * connector, and an old state row is adopted by the first connector that reads it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SnowflakeEmulator } from '../../support/snowflake-emulator/index.js';
import { cleanupTempDirs, destinationFor, emulator } from './helpers.js';

let emu: SnowflakeEmulator;
beforeAll(async () => {
  emu = await emulator();
});
afterAll(async () => {
  await emu.close();
  cleanupTempDirs();
});

it('migrates _FLOE_STATE and _FLOE_LOADS from the layout without connectors', async () => {
  const s = `"FLOE_TEST"."OLD"`;
  await emu.query(`CREATE SCHEMA ${s}`);
  await emu.createObjects({ stage: ['FLOE_TEST', 'OLD', '_FLOE_STAGE'] });
  await emu.query(
    `CREATE TABLE ${s}."_FLOE_LOADS" ("RUN_ID" VARCHAR NOT NULL, "ENDPOINT" VARCHAR NOT NULL, "TABLE_NAME" VARCHAR NOT NULL, "WRITE_DISPOSITION" VARCHAR NOT NULL, "FILE_COUNT" DECIMAL(38,0) NOT NULL, "ROW_COUNT" DECIMAL(38,0) NOT NULL, "STATUS" VARCHAR NOT NULL, "STARTED_AT" TIMESTAMPTZ NOT NULL, "FINISHED_AT" TIMESTAMPTZ NOT NULL)`,
  );
  await emu.query(`CREATE TABLE ${s}."_FLOE_STATE" ("ENDPOINT" VARCHAR NOT NULL, "VALUE" VARCHAR NOT NULL, "RUN_ID" VARCHAR, "UPDATED_AT" TIMESTAMPTZ NOT NULL)`);
  await emu.query(`INSERT INTO ${s}."_FLOE_LOADS" VALUES ('old-run', 'events', 'EVENTS', 'append', 1, 300, 'committed', '2026-01-01', '2026-01-01')`);
  await emu.query(`INSERT INTO ${s}."_FLOE_STATE" VALUES ('events', '{"cursor":"c1"}', 'old-run', '2026-01-01')`);

  const d = await destinationFor(emu, { schema: 'OLD' });
  try {
    const gh = { connector: 'github', endpoint: 'events' };
    expect(await d.readState(gh)).toEqual({ endpoint: 'events', value: { cursor: 'c1' } });
    expect(await d.readState({ connector: 'stripe', endpoint: 'events' })).toBeUndefined();
    expect(await d.ledgerEntry('old-run', gh)).toMatchObject({ runId: 'old-run', rows: 300, connector: '' });
  } finally {
    await d.close();
  }
  expect(await emu.query(`SELECT "CONNECTOR" AS c, "ENDPOINT" AS e FROM ${s}."_FLOE_STATE"`)).toEqual([{ c: 'github', e: 'events' }]);
});
