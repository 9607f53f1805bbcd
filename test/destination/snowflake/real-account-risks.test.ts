/**
 * Issue 9's real-account risks, each shown on the emulator: a least-privilege role with a
 * pre-created schema and stage; table kind and clustering kept when replace and widening recreate
 * the table; names JavaScript upper-cases differently from Snowflake refused; a column COPY left
 * NULL without an error caught by comparing non-NULL counts with the Parquet files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Column } from '../../../src/types.js';
import { compiled } from '../../../src/destination/compiled-statement.js';
import type { SnowflakeEmulator } from '../../support/snowflake-emulator/index.js';
import { request } from './fixtures.js';
import { captureLogger, cleanupTempDirs, clientFor, destinationFor, emulator, parquet, tableRows, tempDir } from './helpers.js';

let emu: SnowflakeEmulator;
beforeAll(async () => {
  emu = await emulator({ roles: { LOADER: { deny: ['CREATE SCHEMA', 'CREATE STAGE'] } } });
});
afterAll(async () => {
  await emu.close();
  cleanupTempDirs();
});

const ID: Column = { name: 'id', type: 'long' };

describe('least privilege', () => {
  it('a role without CREATE SCHEMA/STAGE loads into a pre-created schema and stage (nothing is re-created)', async () => {
    await emu.createObjects({ schema: ['FLOE_TEST', 'LP'], stage: ['FLOE_TEST', 'LP', '_FLOE_STAGE'] });
    const d = await destinationFor(emu, { schema: 'LP', role: 'LOADER' });
    try {
      const f = await parquet(tempDir(), 'lp.parquet', `SELECT 1::BIGINT AS id`, [ID]);
      expect((await d.load(request([f], { table: 'lp', columns: [ID] }))).rowsLoaded).toBe(1);
    } finally {
      await d.close();
    }
    expect(emu.requests.some((r) => /CREATE (SCHEMA|STAGE)/.test(r.sqlText) && r.errorCode === '003001')).toBe(false);
  });

  it('a missing schema the role may not create fails with what to grant', async () => {
    const d = await destinationFor(emu, { schema: 'NOT_THERE', role: 'LOADER' });
    try {
      const f = await parquet(tempDir(), 'nt.parquet', `SELECT 1::BIGINT AS id`, [ID]);
      await expect(d.load(request([f], { table: 'nt', columns: [ID] }))).rejects.toMatchObject({
        message: expect.stringMatching(/schema NOT_THERE does not exist.*003001.*grant the loader role USAGE/s) as unknown,
      });
    } finally {
      await d.close();
    }
  });
});

describe('tables recreated by replace and widening', () => {
  it('stay transient and keep their clustering key; floe warns what a recreation loses', async () => {
    const c = clientFor(emu);
    await c.execute(compiled(`CREATE SCHEMA IF NOT EXISTS "FLOE_TEST"."KIND"`));
    await c.execute(compiled(`CREATE TRANSIENT TABLE "FLOE_TEST"."KIND"."EVENTS" ("ID" NUMBER(38,0), "CODE" NUMBER(38,0))`));
    await c.execute(compiled(`CREATE OR REPLACE TRANSIENT TABLE "FLOE_TEST"."KIND"."EVENTS" CLUSTER BY ("ID") COPY GRANTS AS SELECT * FROM "FLOE_TEST"."KIND"."EVENTS"`));
    await c.close();
    const kind = async (): Promise<unknown[]> =>
      emu
        .query(`SELECT 1`)
        .then(() => [emu.tableKind(['FLOE_TEST', 'KIND', 'EVENTS'])]);
    const { logger, lines } = captureLogger();
    const d = await destinationFor(emu, { schema: 'KIND' }, { logger });
    try {
      const cols: Column[] = [ID, { name: 'code', type: 'string' }];
      const f = await parquet(tempDir(), 'k1.parquet', `SELECT 1::BIGINT AS id, 'A-1' AS code`, cols);
      await d.load(request([f], { table: 'events', columns: cols, runId: 'k1' })); // widens CODE to VARCHAR
      expect(await kind()).toEqual([{ transient: true, clusteringKey: 'LINEAR(ID)' }]);
      await d.load(request([f], { table: 'events', columns: cols, runId: 'k2', disposition: 'replace' }));
      expect(await kind()).toEqual([{ transient: true, clusteringKey: 'LINEAR(ID)' }]);
      expect(await tableRows(emu, 'EVENTS').catch(() => [])).toBeDefined();
      expect(lines.filter((l) => l.includes('recreates the table object') && l.includes('streams')).length).toBe(2);
    } finally {
      await d.close();
    }
  });
});

describe('MATCH_BY_COLUMN_NAME', () => {
  it.each(['straße', 'ﬁle', 'ς_final'])('refuses %s, which JavaScript and Snowflake upper-case differently', async (name) => {
    const d = await destinationFor(emu);
    try {
      const cols: Column[] = [ID, { name, type: 'string' }];
      const f = await parquet(tempDir(), 'u.parquet', `SELECT 1::BIGINT AS id, 'x' AS "${name}"`, cols);
      await expect(d.load(request([f], { table: 'fold', columns: cols }))).rejects.toMatchObject({
        code: 'SCHEMA_MISMATCH',
        message: expect.stringContaining(`"${name}"`) as unknown,
      });
    } finally {
      await d.close();
    }
  });

  it('a column COPY silently left NULL fails the load: non-NULL counts are checked against the Parquet files', async () => {
    const d = await destinationFor(emu);
    try {
      const cols: Column[] = [ID, { name: 'email', type: 'string' }];
      const f = await parquet(tempDir(), 'n.parquet', `SELECT range::BIGINT AS id, 'a@b' AS email FROM range(4)`, cols);
      emu.faults.silentlyNullNextCopy('EMAIL');
      await expect(d.load(request([f], { table: 'silent', columns: cols }))).rejects.toMatchObject({
        code: 'LOAD_FAILED',
        message: expect.stringMatching(/column email of SILENT: the stage wrote 4 non-NULL value\(s\) but 0 arrived/) as unknown,
      });
      expect(await d.ledgerEntry('run-1', { connector: 'test', endpoint: 'silent' })).toBeUndefined();
    } finally {
      await d.close();
    }
  });
});
