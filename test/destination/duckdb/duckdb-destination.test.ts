/**
 * DuckDB-only behaviour (the shared load cases are in test/destination/contract): migrating the
 * bookkeeping tables of earlier floe versions in place, waiting for a database file another
 * process holds, and the row-count guard.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AutoMemoryLimit } from '../../../src/destination/duckdb/duckdb-dialect.js';
import { DuckdbDestination } from '../../../src/destination/duckdb/duckdb-destination.js';
import type { Column, StageFile } from '../../../src/types.js';
import { FakeClock, systemClock, type Clock } from '../../../src/util/clock.js';
import type { Logger } from '../../../src/util/logger.js';
import { FloeError } from '../../../src/util/errors.js';
import { silentLogger } from '../../../src/util/logger.js';
import { captureLogger } from '../snowflake/helpers.js';

let dir: string;
const path = (): string => join(dir, 'w.duckdb');
const open = (extra: { lock_timeout_seconds?: number } = {}, deps: { clock: Clock; logger: Logger } = { clock: new FakeClock(), logger: silentLogger }) =>
  DuckdbDestination.open({ type: 'duckdb', path: path(), schema: 'main', write_disposition: 'append', memory_limit: '256MB', ...extra }, deps);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floe-duckdb-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function parquet(name: string, select: string, columns: Column[]): Promise<StageFile> {
  const file = join(dir, name);
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(`COPY (${select}) TO '${file}' (FORMAT parquet)`);
  const rows = Number((await c.runAndReadAll(`SELECT count(*) AS n FROM read_parquet('${file}')`)).getRowObjectsJS()[0]?.n);
  c.closeSync();
  db.closeSync();
  return { path: file, rows, bytes: 0, columns };
}

/** The bookkeeping layout floe wrote before state and ledger were keyed by connector. */
async function legacyLayout(): Promise<void> {
  const db = await DuckDBInstance.create(path());
  const c = await db.connect();
  await c.run(`CREATE TABLE main._floe_loads (run_id VARCHAR NOT NULL, endpoint VARCHAR NOT NULL, table_name VARCHAR NOT NULL,
    files INTEGER NOT NULL, rows BIGINT NOT NULL, status VARCHAR NOT NULL, started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (run_id, endpoint))`);
  await c.run(`CREATE TABLE main._floe_state (endpoint VARCHAR PRIMARY KEY, state VARCHAR NOT NULL, run_id VARCHAR, updated_at TIMESTAMPTZ NOT NULL)`);
  await c.run(`INSERT INTO main._floe_loads VALUES ('old-run', 'events', 'events', 1, 300, 'committed', '2026-01-01', '2026-01-01')`);
  await c.run(`INSERT INTO main._floe_state VALUES ('events', '{"cursor":"2026-01-01"}', 'old-run', '2026-01-01')`);
  c.closeSync();
  db.closeSync();
}

describe('migrating the layout of earlier versions in place', () => {
  it('keys state and ledger by connector; the first connector to read an old state row adopts it', async () => {
    await legacyLayout();
    const d = await open();
    try {
      const gh = { connector: 'github', endpoint: 'events' };
      expect(await d.readState(gh)).toEqual({ endpoint: 'events', value: { cursor: '2026-01-01' } });
      // Adopted by github: stripe's events start from scratch instead of skipping github's rows.
      expect(await d.readState({ connector: 'stripe', endpoint: 'events' })).toBeUndefined();
      expect(await d.ledgerEntry('old-run', gh)).toMatchObject({ runId: 'old-run', rows: 300, connector: '' });
      await d.writeState({ connector: 'stripe', endpoint: 'events' }, { cursor: 's' });
      expect(await d.readState(gh)).toMatchObject({ value: { cursor: '2026-01-01' } });
      const cols = await d.query(`SELECT column_name FROM information_schema.columns WHERE table_name = '_floe_state' ORDER BY ordinal_position`);
      expect(cols.map((c) => c.column_name)).toEqual(['connector', 'endpoint', 'state', 'run_id', 'updated_at']);
    } finally {
      await d.close();
    }
  });
});

describe('a database file held by another process', () => {
  let holder: ChildProcess | undefined;
  afterEach(() => {
    holder?.kill('SIGKILL');
    holder = undefined;
  });

  /** Another process (a notebook) opens the file and keeps it for `ms`. */
  async function hold(ms: number): Promise<number> {
    const script = `import('@duckdb/node-api').then(async (m) => { globalThis.held = await m.DuckDBInstance.create(${JSON.stringify(path())}); console.log('held'); setTimeout(() => process.exit(0), ${ms}); })`;
    holder = spawn(process.execPath, ['-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => holder?.stdout?.once('data', () => resolve()));
    return holder.pid as number;
  }

  it('fails with DESTINATION_LOCKED naming the holder after lock_timeout_seconds', async () => {
    const pid = await hold(60_000);
    const e = await open({ lock_timeout_seconds: 0 }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(FloeError);
    expect(e).toMatchObject({ code: 'DESTINATION_LOCKED', kind: 'transient' });
    expect((e as FloeError).message).toContain(`PID ${pid}`);
    expect((e as FloeError).message).toContain('lock_timeout_seconds');
  }, 30_000);

  it('waits for the file and opens it once the other process lets go, saying it waits', async () => {
    await hold(3_000); // long enough that a loaded machine still opens while it is held
    const { logger, lines } = captureLogger();
    const d = await open({ lock_timeout_seconds: 60 }, { clock: systemClock, logger });
    await d.close();
    expect(lines.some((l) => l.includes('in use by another process'))).toBe(true);
  }, 30_000);
});

describe('guards', () => {
  it('refuses to commit when the staged row count does not match', async () => {
    const d = await open();
    try {
      const f = await parquet('a.parquet', `SELECT range::BIGINT AS id FROM range(5)`, [{ name: 'id', type: 'long' }]);
      const e = await d
        .load({ runId: 'r', connector: 'c', endpoint: 'users', table: 'users', columns: f.columns, files: [f], rows: 6, writeDisposition: 'append' })
        .catch((err: unknown) => err);
      expect((e as FloeError).code).toBe('LOAD_FAILED');
      expect((e as FloeError).message).toContain('expected 6');
      expect(await d.query(`SELECT count(*)::INT AS n FROM information_schema.tables WHERE table_name = 'users'`)).toEqual([{ n: 0 }]);
    } finally {
      await d.close();
    }
  });
});

describe('memory_limit: auto (the default)', () => {
  // DuckDB reports sizes in MiB: 256MB and 128MB.
  const MB256 = '244.1 MiB';
  const MB128 = '122.0 MiB';
  const limit = async (d: DuckdbDestination): Promise<unknown> =>
    (await d.query(`SELECT current_setting('memory_limit') AS m`))[0]?.m;
  const load = async (d: DuckdbDestination, table: string, width: number): Promise<void> => {
    const names = Array.from({ length: width }, (_, i) => `c${i}`);
    const f = await parquet(
      `${table}.parquet`,
      `SELECT ${names.map((n, i) => `${i}::BIGINT AS ${n}`).join(', ')} FROM range(3)`,
      names.map((name) => ({ name, type: 'long' as const })),
    );
    const r = await d.load({
      runId: `r-${table}`,
      connector: 'c',
      endpoint: table,
      table,
      columns: f.columns,
      files: [f],
      rows: 3,
      writeDisposition: 'append',
    });
    expect(r.rowsLoaded).toBe(3);
  };

  it('loads a narrow table under 128MB and a wide one under 256MB; a set size is kept as it is', async () => {
    const d = await DuckdbDestination.open(
      { type: 'duckdb', path: path(), schema: 'main', write_disposition: 'append', memory_limit: 'auto' },
      { clock: new FakeClock(), logger: silentLogger },
    );
    try {
      expect(await limit(d)).toBe(MB256);
      await load(d, 'narrow', 22);
      expect(await limit(d)).toBe(MB128);
      await load(d, 'wide', 150);
      expect(await limit(d)).toBe(MB256);
      await load(d, 'narrow_again', 5);
      expect(await limit(d)).toBe(MB128);
    } finally {
      await d.close();
    }
    // Few columns but big values (a JSON map per row): an unfinished row group of them stays in memory.
    const big = await parquet(
      'big.parquet',
      `SELECT (SELECT string_agg(md5((r.range * 1000 + i)::VARCHAR), '') FROM range(100) t(i)) AS payload FROM range(3) r`,
      [{ name: 'payload', type: 'string' }],
    );
    const bigBytes = (await stat(big.path)).size;
    expect(bigBytes / 3).toBeGreaterThan(1024);
    const d2 = await DuckdbDestination.open({ type: 'duckdb', path: path(), schema: 'main', write_disposition: 'append', memory_limit: 'auto' }, { clock: new FakeClock(), logger: silentLogger });
    try {
      await load(d2, 'narrow_once_more', 4);
      expect(await limit(d2)).toBe(MB128);
      const r = await d2.load({ runId: 'r-big', connector: 'c', endpoint: 'big', table: 'big', columns: big.columns, files: [{ ...big, bytes: bigBytes }], rows: 3, writeDisposition: 'append' });
      expect(r.rowsLoaded).toBe(3);
      expect(await limit(d2)).toBe(MB256);
    } finally {
      await d2.close();
    }
    const fixed = await open();
    try {
      await load(fixed, 'narrow_fixed', 3);
      expect(await limit(fixed)).toBe(MB256);
    } finally {
      await fixed.close();
    }
  });
});

describe('memory_limit: auto, a load that runs out of memory', () => {
  it('is loaded again at twice the size, says so, and later loads start at that size', async () => {
    // 3,000 columns (a third text) × 1,000 rows: out of memory at 256MB, measured; loads at 512MB.
    const names = Array.from({ length: 3000 }, (_, i) => `c${i}`);
    const f = await parquet(
      'wide.parquet',
      `SELECT ${names.map((n, i) => (i % 3 === 0 ? `'v' || range || '-${i}' AS ${n}` : `range * ${i}::BIGINT AS ${n}`)).join(', ')} FROM range(1000)`,
      names.map((name, i) => ({ name, type: i % 3 === 0 ? ('string' as const) : ('long' as const) })),
    );
    const { logger, lines } = captureLogger();
    const d = await DuckdbDestination.open(
      { type: 'duckdb', path: path(), schema: 'main', write_disposition: 'append', memory_limit: 'auto' },
      { clock: new FakeClock(), logger },
    );
    try {
      const req = {
        runId: 'r',
        connector: 'c',
        endpoint: 'wide',
        table: 'wide',
        columns: f.columns,
        files: [f],
        rows: 1000,
        writeDisposition: 'append' as const,
      };
      expect((await d.load(req)).rowsLoaded).toBe(1000);
      expect(await d.query(`SELECT count(*)::INT AS n, sum(c1)::BIGINT AS s FROM main.wide`)).toEqual([
        { n: 1000, s: 499500n },
      ]);
      expect(lines.filter((l) => l.includes('loading again with a larger memory_limit'))).toEqual([
        expect.stringMatching(/warn .*table=wide memory_limit=512MB was=256MB/),
      ]);
      expect((await d.query(`SELECT current_setting('memory_limit') AS m`))[0]?.m).toBe('488.2 MiB');
      // A narrow table after it starts at the size that worked, not at 128MB.
      const small = await parquet('small.parquet', `SELECT range::BIGINT AS id FROM range(3)`, [
        { name: 'id', type: 'long' },
      ]);
      await d.load({
        runId: 'r',
        connector: 'c',
        endpoint: 'small',
        table: 'small',
        columns: small.columns,
        files: [small],
        rows: 3,
        writeDisposition: 'append',
      });
      expect((await d.query(`SELECT current_setting('memory_limit') AS m`))[0]?.m).toBe('488.2 MiB');
    } finally {
      await d.close();
    }
  }, 120_000);

  it('sizes by the table, and stops doubling at its cap (by default 80 % of the machine\'s memory)', () => {
    const m = new AutoMemoryLimit(600);
    expect(m.sizeFor(22, 100, 1)).toBe(128);
    expect(m.sizeFor(150, 100, 1)).toBe(256);
    m.currentMb = 256;
    expect(m.raise()).toBe(512);
    expect(m.sizeFor(22, 100, 1)).toBe(512);
    m.currentMb = 512;
    expect(m.raise()).toBeUndefined();
  });
});

describe('a load that needs more than memory_limit', () => {
  it('fails naming the setting and that the staged files are kept; the size it names loads the same files', async () => {
    // 5,000 rows of 3.2 KB values (~16 MB) in one transaction, under 32MB.
    const f = await parquet(
      'big.parquet',
      `SELECT (SELECT string_agg(md5((r.range * 1000 + i)::VARCHAR), '') FROM range(100) t(i)) AS payload FROM range(5000) r`,
      [{ name: 'payload', type: 'string' }],
    );
    const req = { runId: 'r', connector: 'c', endpoint: 'big', table: 'big', columns: f.columns, files: [f], rows: 5000, writeDisposition: 'append' as const };
    const tight = await DuckdbDestination.open({ type: 'duckdb', path: path(), schema: 'main', write_disposition: 'append', memory_limit: '32MB' }, { clock: new FakeClock(), logger: silentLogger });
    try {
      const e = (await tight.load(req).catch((err: unknown) => err)) as FloeError;
      expect(e.code).toBe('LOAD_FAILED');
      expect(e.message).toContain('Out of Memory');
      expect(e.message).toContain('Raise destination.memory_limit (e.g. 2GB)');
      expect(e.message).toContain('the staged files are kept');
      expect(await tight.query(`SELECT count(*)::INT AS n FROM information_schema.tables WHERE table_name = 'big'`)).toEqual([{ n: 0 }]);
    } finally {
      await tight.close();
    }
    const roomy = await DuckdbDestination.open({ type: 'duckdb', path: path(), schema: 'main', write_disposition: 'append', memory_limit: '2GB' }, { clock: new FakeClock(), logger: silentLogger });
    try {
      expect((await roomy.load(req)).rowsLoaded).toBe(5000);
      expect(await roomy.query(`SELECT count(DISTINCT payload)::INT AS n FROM main.big`)).toEqual([{ n: 5000 }]);
    } finally {
      await roomy.close();
    }
  });
});
