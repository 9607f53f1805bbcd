/**
 * `floe run` end to end into Snowflake: the real CLI, the real snowflake-sdk, the project's
 * Snowflake emulator, and the demo API — the path a user takes by changing only the destination
 * block of a config.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { makeTickets, startDemoApi, type DemoApi } from '../../scripts/demo-api.js';
import { runFloe } from '../support/floe-process.js';
import { startSnowflakeEmulator, type SnowflakeEmulator } from '../support/snowflake-emulator/index.js';

// Real servers, processes and databases on a shared machine: generous timeouts.
vi.setConfig({ testTimeout: 30_000 });

const root = join(import.meta.dirname, '..', '..');

let api: DemoApi;
let emu: SnowflakeEmulator;
let dir: string;

beforeAll(async () => {
  api = await startDemoApi({ fail503Every: 0, fail429At: 0, users: 150, orders: 80, events: 120, tickets: 30 });
  emu = await startSnowflakeEmulator();
  dir = await mkdtemp(join(tmpdir(), 'floe-sf-run-'));
});
afterAll(async () => {
  await api.close();
  await emu.close();
  await rm(dir, { recursive: true, force: true });
});

function floe(args: string[]): ReturnType<typeof runFloe> {
  return runFloe(args, {
    DEMO_PORT: String(api.port),
    DEMO_KEY: api.key,
    SF_PASSWORD: 'floe',
    SNOWFLAKE_DISABLE_PLATFORM_DETECTION: 'true',
    SF_TELEMETRY_DISABLE_CONNECTION_SHAPE: 'true',
  });
}

/** config/demo.yaml with only its destination block changed, as the README tells users to do. */
async function demoIntoSnowflake(): Promise<string> {
  const demo = parseYaml(await readFile(join(root, 'config', 'demo.yaml'), 'utf8')) as Record<string, unknown>;
  demo.destination = {
    type: 'snowflake',
    account: emu.account,
    user: 'FLOE',
    authenticator: 'snowflake',
    password: '{{ env.SF_PASSWORD }}',
    database: 'FLOE_TEST',
    schema: 'DEMO',
    warehouse: 'LOAD_WH',
    access_url: emu.url,
    write_disposition: 'append',
  };
  demo.retry = { max_retries: 1, initial_delay_seconds: 0.01 };
  const file = join(dir, 'demo-snowflake.json');
  await writeFile(file, JSON.stringify(demo));
  return file;
}

describe('floe run into Snowflake (emulator)', () => {
  it('loads every endpoint into its own table and prints the query ids; a second run appends', async () => {
    const file = await demoIntoSnowflake();
    const r = await floe(['run', file, '--json', '--state-dir', join(dir, 'state')]);
    expect(r.stderr).not.toMatch(/ (error|warn) /);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { run_id: string; endpoints: { name: string; rows: number; query_ids?: string[] }[] };
    expect(out.endpoints.map((e) => [e.name, e.rows])).toEqual([
      ['users', 150],
      ['orders', 80],
      ['events', 120],
      ['open_tickets', makeTickets(30).filter((t) => t.status !== 'solved').length],
    ]);
    for (const e of out.endpoints) expect(e.query_ids?.length).toBeGreaterThan(0);
    const tables = await emu.query(`SELECT table_name FROM information_schema.tables WHERE table_catalog = 'FLOE_TEST' AND table_schema = 'DEMO' ORDER BY 1`);
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['EVENTS', 'ORDERS', 'TICKETS', 'USERS', '_FLOE_LOADS']));
    expect(await emu.query(`SELECT count(*)::INT AS n FROM "FLOE_TEST"."DEMO"."USERS"`)).toEqual([{ n: 150 }]);
    // Renamed, flattened and declared-type columns arrive with Snowflake's upper-case names.
    const cols = await emu.query(`SELECT column_name FROM information_schema.columns WHERE table_catalog = 'FLOE_TEST' AND table_schema = 'DEMO' AND table_name = 'USERS'`);
    expect(cols.map((c) => c.column_name)).toEqual(expect.arrayContaining(['ID', 'CITY', 'ADDRESS_POSTAL_CODE', 'TAGS', 'CREATEDAT']));
    expect(await emu.query(`SELECT count(*)::INT AS n FROM "FLOE_TEST"."DEMO"."_FLOE_LOADS" WHERE run_id = '${out.run_id}'`)).toEqual([{ n: 4 }]);

    const text = await floe(['run', file, '--state-dir', join(dir, 'state')]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/users\s+users\s+succeeded/);
    expect(text.stdout).toMatch(/users: query ids [0-9a-f-]{36}/);
    expect(await emu.query(`SELECT count(*)::INT AS n FROM "FLOE_TEST"."DEMO"."USERS"`)).toEqual([{ n: 300 }]);
  }, 60_000);

  it('an endpoint with no rows wakes no warehouse: no statement is sent', async () => {
    const file = join(dir, 'empty.json');
    await writeFile(
      file,
      JSON.stringify({
        name: 'empty',
        base_url: `http://127.0.0.1:${api.port}/v2`,
        auth: { type: 'api_key', key_name: 'X-API-Key', key_value: api.key },
        endpoints: [{ path: '/users', records_path: '$.data', query_params: { offset: 100000 } }],
        destination: { type: 'snowflake', account: emu.account, user: 'FLOE', password: 'floe', database: 'FLOE_TEST', schema: 'EMPTY', access_url: emu.url },
      }),
    );
    const before = emu.requests.length;
    const r = await floe(['run', file, '--json', '--state-dir', join(dir, 'state2')]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'succeeded', endpoints: [{ rows: 0 }] });
    expect(emu.requests.length).toBe(before);
  }, 30_000);
});
