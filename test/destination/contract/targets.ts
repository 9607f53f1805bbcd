/** Contract targets for the test suite: DuckDB (a temp file) and the Snowflake emulator. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckdbDestination } from '../../../src/destination/duckdb/duckdb-destination.js';
import { openSnowflakeDestination } from '../../../src/destination/snowflake/snowflake-destination.js';
import type { Destination } from '../../../src/types.js';
import { FakeClock, type Clock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/logger.js';
import { Redactor } from '../../../src/util/redact.js';
import { startSnowflakeEmulator, type SnowflakeEmulator } from '../../support/snowflake-emulator/index.js';
import { plain, type ContractTarget } from './contract-target.js';

const dq = (s: string): string => `"${s.replaceAll('"', '""')}"`;

/** A fake clock that moves a second on every reading, so ledger rows order by time. */
function tickingClock(): Clock {
  const c = new FakeClock();
  return { now: () => (c.advance(1000), c.now()), sleep: (ms, signal) => c.sleep(ms, signal) };
}

export interface OwnedTarget extends ContractTarget {
  dispose(): Promise<void>;
}

function temp(): { dir: () => string; dispose: () => void } {
  const dirs: string[] = [];
  return {
    dir: () => {
      const d = mkdtempSync(join(tmpdir(), 'floe-contract-'));
      dirs.push(d);
      return d;
    },
    dispose: () => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })),
  };
}

export function duckdbTarget(): OwnedTarget {
  const tmp = temp();
  const path = join(tmp.dir(), 'contract.duckdb');
  const open = (schema = 'main'): Promise<DuckdbDestination> =>
    DuckdbDestination.open(
      { type: 'duckdb', path, schema, write_disposition: 'append', memory_limit: '256MB' },
      { clock: tickingClock(), logger: silentLogger },
    );
  return {
    name: 'duckdb',
    open: (o) => open(o?.schema),
    async read(dest, table, columns, o) {
      const rows = await (dest as DuckdbDestination).query(
        `SELECT ${columns.map((c) => `${dq(c)} AS ${dq(c)}`).join(', ')} FROM ${dq(o?.schema ?? 'main')}.${dq(table)} ORDER BY 1`,
      );
      return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)])));
    },
    createCanary: async (d) => void (await (d as DuckdbDestination).query('CREATE TABLE IF NOT EXISTS main.canary (x INTEGER)')),
    canaryExists: async (d) =>
      (await (d as DuckdbDestination).query(`SELECT count(*)::INT AS n FROM information_schema.tables WHERE table_name = 'canary'`))[0]?.n === 1,
    stored: (n) => n,
    tempDir: tmp.dir,
    dispose: () => Promise.resolve(tmp.dispose()),
  };
}

export async function emulatorTarget(): Promise<OwnedTarget & { emu: SnowflakeEmulator }> {
  const tmp = temp();
  const emu = await startSnowflakeEmulator({ log: () => undefined });
  const open = (schema = 'RAW'): Promise<Destination> =>
    openSnowflakeDestination(
      {
        type: 'snowflake',
        account: emu.account,
        user: 'FLOE',
        authenticator: 'snowflake',
        password: 'floe',
        database: 'FLOE_TEST',
        schema: `"${schema.replaceAll('"', '""')}"`,
        access_url: emu.url,
        write_disposition: 'append',
        json_columns: 'varchar',
      },
      { logger: silentLogger, redactor: new Redactor(), clock: tickingClock() },
    );
  return {
    name: 'snowflake emulator',
    emu,
    open: (o) => open(o?.schema),
    async read(_dest, table, columns, o) {
      const rows = await emu.query(
        `SELECT ${columns.map((c) => `${dq(c.toUpperCase())} AS ${dq(c)}`).join(', ')} FROM "FLOE_TEST".${dq(o?.schema ?? 'RAW')}.${dq(table.toUpperCase())} ORDER BY 1`,
      );
      return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)])));
    },
    createCanary: async () => {
      await emu.query(`CREATE SCHEMA IF NOT EXISTS "FLOE_TEST"."RAW"`);
      await emu.query(`CREATE TABLE IF NOT EXISTS "FLOE_TEST"."RAW"."CANARY" (x INTEGER)`);
    },
    canaryExists: async () =>
      (await emu.query(`SELECT count(*)::INT AS n FROM information_schema.tables WHERE table_catalog = 'FLOE_TEST' AND table_name = 'CANARY'`))[0]?.n === 1,
    stored: (n) => n.toUpperCase(),
    tempDir: tmp.dir,
    dispose: async () => {
      await emu.close();
      tmp.dispose();
    },
  };
}
