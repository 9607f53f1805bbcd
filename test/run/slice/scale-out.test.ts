/**
 * Scaling out, end to end (the "done when"): a 2-year daily backfill of 3 endpoints,
 * planned into slices by `floe plan`, run by 4 local worker "machines" (each its own state dir)
 * that pull slice indexes the way a Kubernetes Indexed Job hands them out (`JOB_COMPLETION_INDEX`,
 * a failed index retried on its node, exit 2/1 never retried), against the Snowflake emulator:
 *
 * - every index runs, once loaded;
 * - one index runs twice at the same time on two machines: the ledger claim loads it once;
 * - one worker is killed with SIGKILL mid-slice and the index retried: it resumes its checkpoint;
 *
 * and the tables equal those of a single-process `floe run` of the same API.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { killHard, runFloe, spawnFloe, type FloeResult } from '../../support/floe-process.js';
import { MockApi, type RecordedRequest } from '../../support/mock-api.js';
import { startSnowflakeEmulator, type SnowflakeEmulator } from '../../support/snowflake-emulator/index.js';

vi.setConfig({ testTimeout: 600_000 });

const ENDPOINTS = ['orders', 'events', 'invoices'] as const;
const FROM = Date.UTC(2023, 0, 1);
const TO = Date.UTC(2025, 0, 1);
/** Two records a day per endpoint, at 03:00 and 15:00 UTC. */
const records = (path: string): { id: number; at: string; amount: string; note: string }[] =>
  Array.from({ length: ((TO - FROM) / 86_400_000) * 2 }, (_, i) => ({
    id: i + 1,
    at: new Date(FROM + 3 * 3_600_000 + i * 12 * 3_600_000).toISOString(),
    amount: ((i * 37) % 1000 / 4).toFixed(2),
    note: `${path}-${i + 1}`,
  }));
const DATA = Object.fromEntries(ENDPOINTS.map((e) => [e, records(e)]));
const PAGE = 100;

let api: MockApi;
let emu: SnowflakeEmulator;
let dir: string;
/** When set, requests inside [from, to) of this endpoint are counted, and the `holdAt`-th is held until `release`. */
let trap: { endpoint: string; from: string; to: string; holdAt: number; seen: number; held?: () => void; release: Promise<void> } | undefined;

beforeAll(async () => {
  api = await MockApi.start();
  for (const e of ENDPOINTS) {
    api.get(`/${e}`, async (req) => {
      const since = Date.parse(req.query.since!);
      const until = req.query.until ? Date.parse(req.query.until) : Infinity;
      if (trap && trap.endpoint === e && req.query.since! >= trap.from && req.query.since! < trap.to && ++trap.seen === trap.holdAt) {
        trap.held?.();
        await trap.release;
      }
      const rows = DATA[e]!.filter((r) => Date.parse(r.at) >= since && Date.parse(r.at) < until);
      const page = Number(req.query.page ?? 1);
      return { json: rows.slice((page - 1) * PAGE, page * PAGE) };
    });
  }
  emu = await startSnowflakeEmulator();
  // No "floe" in the path: it is the emulator's password, which run records mask wherever it appears.
  dir = await mkdtemp(join(tmpdir(), 'scale-out-'));
});
afterAll(async () => {
  await api?.close();
  await emu?.close();
  await rm(dir, { recursive: true, force: true });
});

const ENV = { SF_PASSWORD: 'floe', SNOWFLAKE_DISABLE_PLATFORM_DETECTION: 'true', SF_TELEMETRY_DISABLE_CONNECTION_SHAPE: 'true' };

async function writeConfig(schema: string): Promise<string> {
  const file = join(dir, `${schema}.json`);
  await writeFile(
    file,
    JSON.stringify({
      name: 'shop',
      base_url: api.url,
      retry: { max_retries: 2, initial_delay_seconds: 0.01 },
      stage: { checkpoint_pages: 10 },
      endpoints: ENDPOINTS.map((e) => ({
        path: `/${e}`,
        query_params: { since: '{{ incremental.start_value }}', until: "{{ incremental.end_value | default('') }}" },
        pagination: { type: 'page_number', page_param: 'page', page_size_param: 'per_page', page_size_value: PAGE },
        incremental: { cursor_path: '$.at', initial_value: '2023-01-01T00:00:00Z' },
        ...(e === 'orders' ? { write_disposition: 'merge', primary_key: ['id'] } : {}),
      })),
      destination: {
        type: 'snowflake',
        account: emu.account,
        user: 'FLOE',
        authenticator: 'snowflake',
        password: '{{ env.SF_PASSWORD }}',
        database: 'FLOE_TEST',
        schema,
        warehouse: 'LOAD_WH',
        access_url: emu.url,
        write_disposition: 'append',
      },
    }),
  );
  return file;
}

interface Slice {
  index: number;
  id: string;
  endpoint: string;
  from: string;
  to: string;
}

/** The data of a table without floe's own columns, in id order. */
async function table(schema: string, name: string): Promise<Record<string, unknown>[]> {
  const cols = await emu.query(
    `SELECT column_name FROM information_schema.columns WHERE table_catalog = 'FLOE_TEST' AND table_schema = '${schema}' AND table_name = '${name}' AND column_name NOT LIKE '\\_FLOE%' ESCAPE '\\' ORDER BY column_name`,
  );
  const list = cols.map((c) => `"${String(c.column_name)}"`).join(', ');
  return emu.query(`SELECT ${list} FROM "FLOE_TEST"."${schema}"."${name}" ORDER BY "ID"`);
}

describe('floe plan + run-slice across 4 worker processes (Snowflake emulator)', () => {
  it('a 2-year daily backfill of 3 endpoints loads exactly once, with a slice run twice at once and a worker killed', async () => {
    const config = await writeConfig('SLICED');
    const planned = await runFloe(['plan', config, '--from', '2023-01-01', '--to', '2025-01-01', '--step', '1d', '--windows-per-slice', '92', '--parallelism', '4', '--json'], ENV);
    expect(planned.stderr).toBe('');
    expect(planned.code).toBe(0);
    const planFile = join(dir, 'plan.json');
    await writeFile(planFile, planned.stdout);
    const slices = (JSON.parse(planned.stdout) as { slices: Slice[] }).slices;
    expect(slices).toHaveLength(8 * 3); // 731 days in runs of 92 windows, × 3 endpoints
    // The same inputs give the same plan.
    expect((await runFloe(['plan', config, '--from', '2023-01-01', '--to', '2025-01-01', '--step', '1d', '--windows-per-slice', '92', '--parallelism', '4', '--json'], ENV)).stdout).toBe(planned.stdout);

    const twice = slices[4]!; // run on two machines at the same time
    const killed = slices[10]!; // its worker is killed mid-extraction
    const attempts = new Map<number, (FloeResult & { signal: NodeJS.Signals | null })[]>();
    let release!: () => void;
    trap = {
      endpoint: killed.endpoint,
      from: `${killed.from}T00:00:00Z`,
      to: `${killed.to}T00:00:00Z`,
      holdAt: 35,
      seen: 0,
      release: new Promise<void>((r) => (release = r)),
    };
    const held = new Promise<void>((r) => (trap!.held = r));
    let killedRequests: RecordedRequest[] = [];

    /** One attempt of index `i` on `machine`, as a pod would run it. */
    const attempt = async (i: number, machine: string): Promise<FloeResult & { signal: NodeJS.Signals | null }> => {
      const child = spawnFloe(['run-slice', config, '--plan', planFile, '--state-dir', join(dir, machine), '--json'], { ...ENV, JOB_COMPLETION_INDEX: String(i) });
      if (i === killed.index && (attempts.get(i)?.length ?? 0) === 0) {
        await held; // 34 windows extracted and checkpointed, the 35th request in flight
        await killHard(child.child);
        killedRequests = [...api.requests];
        release();
      }
      const r = await child.exit;
      attempts.set(i, [...(attempts.get(i) ?? []), r]);
      return r;
    };
    /** An index until it succeeds: retried (same machine, as backoffLimitPerIndex) on 75 or a kill, never on 1 or 2. */
    const runIndex = async (i: number, machine: string): Promise<void> => {
      for (let n = 0; n < 3; n++) {
        const r = i === twice.index ? (await Promise.all([attempt(i, machine), attempt(i, 'twin')]))[0] : await attempt(i, machine);
        if (r.code === 0) return;
        if (r.code !== 75 && r.signal !== 'SIGKILL') return;
      }
    };
    const queue = slices.map((s) => s.index);
    await Promise.all(
      ['m0', 'm1', 'm2', 'm3'].map(async (machine) => {
        for (let i = queue.shift(); i !== undefined; i = queue.shift()) await runIndex(i, machine);
      }),
    );
    trap = undefined;

    // Every index succeeded; the killed one on its second attempt, resuming past the first 30 windows.
    for (const s of slices) {
      const last = attempts.get(s.index)!.at(-1)!;
      expect(last.code, `slice ${s.index}: ${last.stderr.slice(-500)}`).toBe(0);
    }
    expect(attempts.get(killed.index)!.map((r) => r.signal)).toEqual(['SIGKILL', null]);
    const resumedAt = api.requests
      .slice(killedRequests.length)
      .find((r) => r.path === `/${killed.endpoint}` && r.query.since! >= `${killed.from}T` && r.query.since! < `${killed.to}T`)!;
    expect(Date.parse(resumedAt.query.since!) - Date.parse(killed.from)).toBeGreaterThanOrEqual(30 * 86_400_000);
    expect(JSON.parse(attempts.get(killed.index)![1]!.stdout)).toMatchObject({ status: 'succeeded', attempts: 2 });
    // The slice run twice at once: both exit 0, one of them loaded nothing.
    const both = attempts.get(twice.index)!.map((r) => JSON.parse(r.stdout) as { status: string; already_loaded?: boolean });
    expect(both).toHaveLength(2);
    expect(both.map((b) => b.status)).toEqual(['succeeded', 'succeeded']);
    expect(both.filter((b) => b.already_loaded === true)).toHaveLength(1);
    // One ledger row per slice.
    const ledger = await emu.query(`SELECT "RUN_ID" AS id, count(*)::INT AS n FROM "FLOE_TEST"."SLICED"."_FLOE_LOADS" GROUP BY 1 ORDER BY 1`);
    expect(ledger).toEqual(slices.map((s) => s.id).sort().map((id) => ({ id, n: 1 })));

    // A single-process run of the same API: the same tables.
    const single = await runFloe(['run', await writeConfig('SINGLE'), '--state-dir', join(dir, 'single'), '--json'], ENV);
    expect(single.code, single.stderr.slice(-500)).toBe(0);
    for (const e of ENDPOINTS) {
      const name = e.toUpperCase();
      const sliced = await table('SLICED', name);
      expect(sliced).toHaveLength(DATA[e]!.length);
      expect(sliced).toEqual(await table('SINGLE', name));
    }
  });
});
