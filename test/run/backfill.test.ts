/**
 * Backfills in windows, with resume: request counts at the server prove that completed windows
 * are never fetched again, after a kill -9 or a failed window.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { DuckdbDestination } from '../../src/destination/duckdb/duckdb-destination.js';
import { runBackfill } from '../../src/run/backfill/backfill-runner.js';
import { FakeClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { killHard, runFloe, startFloe, waitFor } from '../support/floe-process.js';
import { reply, useMockApi, type MockApi } from '../support/mock-api.js';
import { startSnowflakeEmulator, type SnowflakeEmulator } from '../support/snowflake-emulator/index.js';

// Real processes, servers and databases on a shared machine: generous timeouts.
vi.setConfig({ testTimeout: 30_000 });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floe-backfill-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const DAY = 86_400_000;
/** Four events a day through March 2024, each at 00:00, 06:00, 12:00, 18:00 UTC. */
const events = Array.from({ length: 31 * 4 }, (_, i) => ({ id: i + 1, at: new Date(Date.UTC(2024, 2, 1) + i * 6 * 3_600_000).toISOString() }));

/** An events API that filters by [since, until) and pages by 3. `fail(since)` decides a window's fate. */
function serve(api: MockApi, fail: (since: string) => 'ok' | 'error' | 'hang' = () => 'ok'): void {
  api.get('/events', (req) => {
    const since = req.query.since!;
    const fate = fail(since);
    if (fate === 'error') return reply.status(500, { error: 'boom' });
    if (fate === 'hang') return reply.delay(30_000);
    const rows = events.filter((e) => Date.parse(e.at) >= Date.parse(since) && Date.parse(e.at) < Date.parse(req.query.until!));
    const page = Number(req.query.page ?? 1);
    return { json: rows.slice((page - 1) * 3, page * 3) };
  });
}

type Target = 'duckdb' | 'snowflake';
let emu: SnowflakeEmulator;
let schema = '';
beforeAll(async () => {
  emu = await startSnowflakeEmulator();
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  schema = `BF_${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
});

function configJson(api: MockApi, target: Target = 'duckdb'): Record<string, unknown> {
  return {
    name: 'bf',
    base_url: api.url,
    retry: { max_retries: 0 },
    stage: { checkpoint_pages: 1 },
    endpoints: [
      {
        path: '/events',
        query_params: { since: '{{ incremental.start_value }}', until: '{{ incremental.end_value }}', day: '{{ dt }}' },
        pagination: { type: 'page_number', page_param: 'page', page_size_param: 'per_page', page_size_value: 3 },
        incremental: { cursor_path: '$.at', initial_value: '2024-01-01T00:00:00Z' },
        write_disposition: 'merge',
        primary_key: ['id'],
      },
    ],
    destination:
      target === 'duckdb'
        ? { type: 'duckdb', path: join(dir, 'w.duckdb') }
        : { type: 'snowflake', account: emu.account, user: 'FLOE', password: 'floe', database: 'FLOE_TEST', schema, access_url: emu.url },
  };
}

async function count(target: Target = 'duckdb'): Promise<number> {
  if (target === 'snowflake') {
    return Number((await emu.query(`SELECT count(*) AS n FROM "FLOE_TEST"."${schema}"."EVENTS"`))[0]?.n);
  }
  const db = await DuckdbDestination.open(
    { type: 'duckdb', path: join(dir, 'w.duckdb'), schema: 'main', write_disposition: 'append', memory_limit: '256MB' },
    { clock: new FakeClock(), logger: silentLogger },
  );
  try {
    return Number((await db.query('SELECT count(*) AS n FROM main.events'))[0]?.n);
  } finally {
    await db.close();
  }
}

/** `2024-03-01T00:00:00Z`: how floe renders window bounds (in the style of initial_value). */
function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** Distinct windows (by `since`) the server was asked for. */
function windowsRequested(api: MockApi, from = 0): string[] {
  return [...new Set(api.requests.slice(from).map((r) => r.query.since!))].sort();
}

describe.each<Target>(['duckdb', 'snowflake'])('floe backfill into %s', { timeout: 30_000 }, (target) => {
  it('splits the range into windows bound to the templates, and a re-run skips every completed window', async () => {
    const api = await useMockApi();
    serve(api);
    const loaded = parseConfig(configJson(api, target), {});
    const opts = { from: '2024-03-01', to: '2024-03-08', step: '1d', concurrency: 3, stateDir: join(dir, 'state') };
    const first = await runBackfill(loaded, opts, { clock: new FakeClock() });
    expect(first.status).toBe('succeeded');
    expect(first.windows).toHaveLength(7);
    expect(windowsRequested(api)).toEqual(Array.from({ length: 7 }, (_, i) => iso(Date.UTC(2024, 2, 1) + i * DAY)));
    const day3 = api.requests.find((r) => r.query.since === '2024-03-03T00:00:00Z')!;
    expect(day3.query).toMatchObject({ until: '2024-03-04T00:00:00Z', day: '2024-03-03' });
    expect(await count(target)).toBe(28);
    // Resume tokens live only while a window runs: nothing is left per window once all committed.
    expect(await readdir(join(dir, 'state', 'checkpoints')).catch(() => [])).toEqual([]);

    const before = api.requests.length;
    const again = await runBackfill(loaded, opts, { clock: new FakeClock() });
    expect(again.windows.every((w) => w.skipped)).toBe(true);
    expect(api.requests.length).toBe(before);
  }, 30_000);

  it('a failing window fails alone; running the command again fetches only that window', async () => {
    const api = await useMockApi();
    let broken = true;
    serve(api, (since) => (broken && since.startsWith('2024-03-05') ? 'error' : 'ok'));
    const loaded = parseConfig(configJson(api, target), {});
    const opts = { from: '2024-03-01', to: '2024-03-08', step: '1d', stateDir: join(dir, 'state') };
    const first = await runBackfill(loaded, opts, { clock: new FakeClock() });
    expect(first.status).toBe('partially_failed');
    expect(first.windows.filter((w) => w.status === 'failed').map((w) => w.window)).toEqual(['2024-03-05T00:00:00Z..2024-03-06T00:00:00Z']);
    expect(await count(target)).toBe(24);
    broken = false;
    const before = api.requests.length;
    const retry = await runBackfill(loaded, opts, { clock: new FakeClock() });
    expect(retry.status).toBe('succeeded');
    expect(windowsRequested(api, before)).toEqual(['2024-03-05T00:00:00Z']);
    expect(await count(target)).toBe(28);
  }, 30_000);
});

describe('floe backfill, interrupted', () => {
  it('kill -9 half-way, then the same command: completed windows are not fetched again', async () => {
    const api = await useMockApi();
    let hang = true;
    serve(api, (since) => (hang && since >= '2024-03-05' ? 'hang' : 'ok'));
    const file = join(dir, 'bf.json');
    await writeFile(file, JSON.stringify(configJson(api)));
    const args = ['backfill', file, '--from', '2024-03-01', '--to', '2024-03-11', '--step', '1d', '--concurrency', '1', '--state-dir', join(dir, 'state')];
    const child = startFloe(args);
    await waitFor(() => api.requests.some((r) => r.query.since!.startsWith('2024-03-05')));
    await killHard(child);
    expect(windowsRequested(api)).toHaveLength(5);
    hang = false;

    const before = api.requests.length;
    expect((await runFloe(args)).code).toBe(0);
    // Windows 1–4 were complete: the resumed backfill asked only for 5–10.
    expect(windowsRequested(api, before)).toEqual(Array.from({ length: 6 }, (_, i) => iso(Date.UTC(2024, 2, 5) + i * DAY)));
    expect(api.requests.length - before).toBe(6 * 2); // 4 events a day at 3 per page: 2 pages per window
    expect(await count()).toBe(40);
  }, 40_000);
});
