/**
 * Several loaders on one table, and a re-run after a crash: the emulator models Snowflake's locks
 * (INSERTs in parallel with no unique keys; UPDATE/DELETE/MERGE wait for each other up to
 * LOCK_TIMEOUT; a dead session's transaction keeps its locks until Snowflake aborts it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnowflakeDestinationConfig } from '../../../src/config/schema.js';
import { openSnowflakeDestination } from '../../../src/destination/snowflake/snowflake-destination.js';
import type { Destination } from '../../../src/types.js';
import { FakeClock } from '../../../src/util/clock.js';
import { silentLogger, type Logger } from '../../../src/util/logger.js';
import { Redactor } from '../../../src/util/redact.js';
import type { SnowflakeEmulator } from '../../support/snowflake-emulator/index.js';
import { orderFiles, request } from './fixtures.js';
import { captureLogger, cleanupTempDirs, emuConfig, emulator, tableRows, tempDir } from './helpers.js';

let emu: SnowflakeEmulator;
beforeAll(async () => {
  // A dead session's open transaction keeps its locks for 1.5 s (Snowflake: about 5 minutes).
  emu = await emulator({ detachedTransactionAbortMs: 1500 });
});
afterAll(async () => {
  await emu.close();
  cleanupTempDirs();
});

function open(extra: Partial<SnowflakeDestinationConfig> = {}, logger: Logger = silentLogger): Promise<Destination> {
  return openSnowflakeDestination(emuConfig(emu, extra), { logger, redactor: new Redactor(), clock: new FakeClock() }, { claimNoticeMs: 200 });
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

describe('two loaders commit the same (run, connector, endpoint) at once', () => {
  it('exactly one commits; the other waits for the claim lock, finds the commit and reports alreadyLoaded', async () => {
    const a = await open();
    const b = await open();
    try {
      const files = await orderFiles(tempDir(), [{ first: 1, n: 3 }]);
      const req = request(files, { table: 'race', runId: 'run-race' });
      // A reaches its COMMIT and is held there, its claim lock taken.
      const held = emu.faults.holdNext('COMMIT');
      const first = a.load(req);
      await held.reached;
      // B stages its own copy (fresh work tables) and reaches the claim, where it must wait.
      const second = b.load(req);
      let bDone = false;
      void second.finally(() => (bDone = true)).catch(() => undefined);
      await until(() => emu.lockWaits() > 0 || bDone, 'B to wait for the claim lock');
      expect(bDone).toBe(false);
      held.release();
      const [ra, rb] = await Promise.all([first, second]);
      expect([ra.alreadyLoaded, rb.alreadyLoaded]).toEqual([false, true]);
      expect((await tableRows(emu, 'RACE')).length).toBe(3);
      const ledger = await emu.query(`SELECT count(*)::INT AS n FROM "FLOE_TEST"."RAW"."_FLOE_LOADS" WHERE "RUN_ID" = 'run-race'`);
      expect(ledger).toEqual([{ n: 1 }]);
      // No work table of either attempt is left behind.
      const left = await emu.query(`SELECT table_name FROM duckdb_tables() WHERE database_name = 'FLOE_TEST' AND table_name LIKE '_FLOE_STG_RACE%'`);
      expect(left).toEqual([]);
    } finally {
      await a.close();
      await b.close();
    }
  }, 60_000);
});

describe('a re-run after a crash mid-commit', () => {
  it('says it waits for the dead session\'s transaction, then loads once it is aborted', async () => {
    const files = await orderFiles(tempDir(), [{ first: 1, n: 2 }]);
    const req = request(files, { table: 'after_crash', runId: 'run-crash' });
    const crashed = await open();
    emu.faults.killSession({ match: 'COMMIT', phase: 'before' });
    await expect(crashed.load(req)).rejects.toMatchObject({ kind: 'transient' });
    await crashed.close();
    emu.faults.clear();
    const { logger, lines } = captureLogger();
    const rerun = await open({}, logger);
    try {
      const r = await rerun.load(req);
      expect(r.alreadyLoaded).toBe(false);
      expect(lines.some((l) => l.includes('crashed floe session') && l.includes('5 minutes') && l.includes('LOCK_TIMEOUT = 600'))).toBe(true);
      expect((await tableRows(emu, 'AFTER_CRASH')).length).toBe(2);
    } finally {
      await rerun.close();
    }
  }, 60_000);

  it('gives up after lock_timeout_seconds with an error that names the likely cause', async () => {
    const slow = await emulator({ detachedTransactionAbortMs: 60_000 });
    const cfg = { ...emuConfig(slow), lock_timeout_seconds: 1 };
    const mk = (): Promise<Destination> =>
      openSnowflakeDestination(cfg, { logger: silentLogger, redactor: new Redactor(), clock: new FakeClock() });
    try {
      const files = await orderFiles(tempDir(), [{ first: 1, n: 2 }]);
      const req = request(files, { table: 'stuck', runId: 'run-stuck' });
      const crashed = await mk();
      slow.faults.killSession({ match: 'COMMIT', phase: 'before' });
      await crashed.load(req).catch(() => undefined);
      await crashed.close();
      slow.faults.clear();
      const rerun = await mk();
      try {
        const e = await rerun.load(req).then(
          () => undefined,
          (err: unknown) => err as { code: string; kind: string; message: string },
        );
        expect(e).toMatchObject({ code: 'SNOWFLAKE_QUERY_FAILED', kind: 'transient' });
        expect(e?.message).toMatch(/claim ledger failed/);
        expect(e?.message).toMatch(/crashed floe session/);
      } finally {
        await rerun.close();
      }
    } finally {
      await slow.close();
    }
  }, 60_000);
});

describe('loaders bootstrapping one fresh schema at once', () => {
  it('all four create (or find) the schema, stage and bookkeeping tables, and each loads its rows', async () => {
    const schema = `FRESH_${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
    const loaders = await Promise.all([1, 2, 3, 4].map(() => open({ schema })));
    try {
      const results = await Promise.all(
        loaders.map(async (d, i) => {
          const files = await orderFiles(tempDir(), [{ first: i * 10 + 1, n: 2 }]);
          return d.load(request(files, { table: 'fresh', runId: `run-fresh-${i}` }));
        }),
      );
      expect(results.map((r) => r.alreadyLoaded)).toEqual([false, false, false, false]);
      const rows = await emu.query(`SELECT count(*)::INT AS n FROM "FLOE_TEST"."${schema}"."FRESH"`);
      expect(rows).toEqual([{ n: 8 }]);
      const ledger = await emu.query(`SELECT count(*)::INT AS n FROM "FLOE_TEST"."${schema}"."_FLOE_LOADS"`);
      expect(ledger).toEqual([{ n: 4 }]);
    } finally {
      await Promise.all(loaders.map((d) => d.close()));
    }
  });
});
