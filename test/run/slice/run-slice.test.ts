/**
 * `floe run-slice` in-process on DuckDB against a real local API: a run of windows loaded once,
 * idempotent re-runs (same state dir, or a fresh one: the ledger answers), resume after a signal
 * and after a retryable failure, keyed scheduled runs, and the refusals.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sliceExit } from '../../../src/cli/commands/run-slice.js';
import { parseConfig, type LoadedConfig } from '../../../src/config/load-config.js';
import { DuckdbDestination } from '../../../src/destination/duckdb/duckdb-destination.js';
import { planSlices, type SlicePlan } from '../../../src/run/slice/slice-plan.js';
import { runSlice } from '../../../src/run/slice/slice-runner.js';
import { defaultParts } from '../../../src/run/default-parts.js';
import type { Parts } from '../../../src/run/parts.js';
import { FakeClock } from '../../../src/util/clock.js';
import { FloeError } from '../../../src/util/errors.js';
import { runFloe, spawnFloe } from '../../support/floe-process.js';
import { reply, useMockApi, type MockApi } from '../../support/mock-api.js';

vi.setConfig({ testTimeout: 30_000 });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floe-slice-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Four events a day in March 2024 (00, 06, 12, 18 h UTC). */
const events = Array.from({ length: 31 * 4 }, (_, i) => ({ id: i + 1, at: new Date(Date.UTC(2024, 2, 1) + i * 6 * 3_600_000).toISOString() }));

/** Filters by [since, until) (or everything from `since`), 3 per page; `fate(since, page)` may break a request. */
function serve(api: MockApi, fate: (since: string, page: number) => 'ok' | 'error' = () => 'ok'): void {
  api.get('/events', (req) => {
    const since = req.query.since!;
    const page = Number(req.query.page ?? 1);
    if (fate(since, page) === 'error') return reply.status(500, { error: 'boom' });
    const until = req.query.until ? Date.parse(req.query.until) : Infinity;
    const rows = events.filter((e) => Date.parse(e.at) >= Date.parse(since) && Date.parse(e.at) < until);
    return { json: rows.slice((page - 1) * 3, page * 3) };
  });
}

function config(api: MockApi, over: Record<string, unknown> = {}): LoadedConfig {
  return parseConfig(
    {
      name: 'sl',
      base_url: api.url,
      retry: { max_retries: 0 },
      stage: { checkpoint_pages: 1 },
      endpoints: [
        {
          path: '/events',
          query_params: { since: '{{ incremental.start_value }}', until: "{{ incremental.end_value | default('') }}", day: "{{ dt | default('') }}" },
          pagination: { type: 'page_number', page_param: 'page', page_size_param: 'per_page', page_size_value: 3 },
          incremental: { cursor_path: '$.at', initial_value: '2024-03-01T00:00:00Z' },
          write_disposition: 'merge',
          primary_key: ['id'],
        },
      ],
      destination: { type: 'duckdb', path: join(dir, 'w.duckdb') },
      ...over,
    },
    {},
  );
}

async function rows(): Promise<{ n: number; ledger: string[] }> {
  const db = await DuckdbDestination.open(
    { type: 'duckdb', path: join(dir, 'w.duckdb'), schema: 'main', write_disposition: 'append', memory_limit: '256MB' },
    { clock: new FakeClock(), logger: (await import('../../../src/util/logger.js')).silentLogger },
  );
  try {
    const n = Number((await db.query('SELECT count(*) AS n FROM main.events'))[0]?.n);
    const ledger = (await db.query('SELECT run_id FROM main._floe_loads ORDER BY run_id')).map((r) => String(r.run_id));
    return { n, ledger };
  } finally {
    await db.close();
  }
}

/** The distinct `since` values requested after request `from`. */
function windowsAsked(api: MockApi, from = 0): string[] {
  return [...new Set(api.requests.slice(from).map((r) => r.query.since!.slice(0, 10)))];
}

function slice(loaded: LoadedConfig, plan: SlicePlan, index: number, stateDir: string, extra: { signal?: AbortSignal; runKey?: string; parts?: Parts } = {}): ReturnType<typeof runSlice> {
  const { parts, ...opts } = extra;
  return runSlice(loaded, { plan, index, stateDir, env: {}, ...opts }, { clock: new FakeClock(), ...(parts ? { parts } : {}) });
}

describe('floe run-slice (DuckDB)', () => {
  it('loads its run of windows once; again on the same state dir it does nothing, on a fresh one the ledger answers', async () => {
    const api = await useMockApi();
    serve(api);
    const loaded = config(api);
    const plan = planSlices(loaded, { from: '2024-03-01', to: '2024-03-07', step: '1d', windowsPerSlice: 3 });
    expect(plan.slices).toHaveLength(2);

    const first = await slice(loaded, plan, 0, join(dir, 'a'));
    expect(first).toMatchObject({ status: 'succeeded', rows: 12, rows_loaded: 12, run_id: plan.slices[0]!.id, windows: 3, from: '2024-03-01', to: '2024-03-04' });
    expect(sliceExit(first)).toBe(0);
    // Each window bound to the templates, in order, two pages each.
    expect(windowsAsked(api)).toEqual(['2024-03-01', '2024-03-02', '2024-03-03']);
    expect(api.requests.find((r) => r.query.since === '2024-03-02T00:00:00Z')!.query).toMatchObject({ until: '2024-03-03T00:00:00Z', day: '2024-03-02' });
    expect(api.requests).toHaveLength(6);
    expect(await rows()).toEqual({ n: 12, ledger: [plan.slices[0]!.id] });

    const asked = api.requests.length;
    expect(await slice(loaded, plan, 0, join(dir, 'a'))).toMatchObject({ status: 'succeeded', attempts: 1 });
    // Another machine (no shared state dir): the ledger says committed before any request.
    const elsewhere = await slice(loaded, plan, 0, join(dir, 'b'));
    expect(elsewhere).toMatchObject({ status: 'succeeded', already_loaded: true, rows_loaded: 12 });
    expect(sliceExit(elsewhere)).toBe(0);
    expect(api.requests.length).toBe(asked);

    expect(await slice(loaded, plan, 1, join(dir, 'b'))).toMatchObject({ status: 'succeeded', rows_loaded: 12 });
    expect(await rows()).toEqual({ n: 24, ledger: plan.slices.map((s) => s.id).sort() });
  });

  it('stopped by a signal mid-window: exit 75, and the next attempt resumes at the next page, not the first window', async () => {
    const api = await useMockApi();
    const stop = new AbortController();
    serve(api, (since, page) => {
      if (since.startsWith('2024-03-02') && page === 2) stop.abort(new Error('SIGTERM'));
      return 'ok';
    });
    const loaded = config(api);
    const plan = planSlices(loaded, { from: '2024-03-01', to: '2024-03-04', step: '1d', windowsPerSlice: 3 });
    const stopped = await slice(loaded, plan, 0, join(dir, 's'), { signal: stop.signal });
    expect(stopped.status).toBe('interrupted');
    expect(sliceExit(stopped)).toBe(75);
    const before = api.requests.length;
    expect(await slice(loaded, plan, 0, join(dir, 's'))).toMatchObject({ status: 'succeeded', rows_loaded: 12, attempts: 2 });
    expect(api.requests.slice(before).map((r) => `${r.query.since!.slice(0, 10)}#${r.query.page}`)).toEqual(['2024-03-02#2', '2024-03-03#1', '2024-03-03#2']);
    expect((await rows()).n).toBe(12);
  });

  it('a retryable failure (HTTP 500) exits 75 and keeps the finished windows for the next attempt', async () => {
    const api = await useMockApi();
    let broken = true;
    serve(api, (since) => (broken && since.startsWith('2024-03-03') ? 'error' : 'ok'));
    const loaded = config(api);
    const plan = planSlices(loaded, { from: '2024-03-01', to: '2024-03-04', step: '1d', windowsPerSlice: 3 });
    const failed = await slice(loaded, plan, 0, join(dir, 'f'));
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'HTTP_RETRIES_EXHAUSTED', status: 500 } });
    expect(sliceExit(failed)).toBe(75);
    broken = false;
    const before = api.requests.length;
    const retried = await slice(loaded, plan, 0, join(dir, 'f'));
    expect(retried).toMatchObject({ status: 'succeeded', rows_loaded: 12, attempts: 2 });
    expect(retried.error).toBeUndefined();
    expect(windowsAsked(api, before)).toEqual(['2024-03-03']);
  });

  it('a load that fails (a lost warehouse session) exits 75; the next attempt loads the staged files without a request', async () => {
    const api = await useMockApi();
    serve(api);
    const loaded = config(api);
    const plan = planSlices(loaded, { from: '2024-03-01', to: '2024-03-04', step: '1d', windowsPerSlice: 3 });
    const broken: Parts = {
      ...defaultParts,
      async createDestination(cfg, deps) {
        const real = await defaultParts.createDestination(cfg, deps);
        return Object.assign(Object.create(real) as typeof real, {
          load: () => Promise.reject(new FloeError('SNOWFLAKE_QUERY_FAILED', 'transient', 'the warehouse session was lost (390114)')),
        });
      },
    };
    const failed = await slice(loaded, plan, 0, join(dir, 'l'), { parts: broken });
    expect(failed).toMatchObject({ status: 'failed', error: { kind: 'transient' }, staged: { rows: 12 } });
    expect(sliceExit(failed)).toBe(75);
    const asked = api.requests.length;
    expect(await slice(loaded, plan, 0, join(dir, 'l'))).toMatchObject({ status: 'succeeded', rows_loaded: 12, attempts: 2 });
    expect(api.requests.length).toBe(asked);
    expect(await rows()).toEqual({ n: 12, ledger: [plan.slices[0]!.id] });
  });

  it('a slice without a window is a scheduled run: it needs --run-key, and each key loads once', async () => {
    const api = await useMockApi();
    serve(api);
    const loaded = config(api);
    const plan = planSlices(loaded, {});
    const missing = await slice(loaded, plan, 0, join(dir, 'k')).catch((e: unknown) => e);
    expect(missing).toMatchObject({ kind: 'config', message: expect.stringMatching(/--run-key/) as unknown });
    const r1 = await slice(loaded, plan, 0, join(dir, 'k'), { runKey: 'job-1' });
    expect(r1).toMatchObject({ status: 'succeeded', rows_loaded: 124, run_id: `${plan.slices[0]!.id}.job-1` });
    const asked = api.requests.length;
    // The retry of job-1 on another machine: committed, nothing requested.
    expect(await slice(loaded, plan, 0, join(dir, 'k2'), { runKey: 'job-1' })).toMatchObject({ status: 'succeeded', already_loaded: true });
    expect(api.requests.length).toBe(asked);
    // The next scheduled run starts from the committed state (read from the destination on this fresh state dir).
    const r2 = await slice(loaded, plan, 0, join(dir, 'k2'), { runKey: 'job-2' });
    // Only the last record is at or after the committed cursor, and it is unchanged: nothing to load, so no ledger entry.
    expect(r2).toMatchObject({ status: 'succeeded', rows: 0 });
    expect(Date.parse(api.requests.slice(asked)[0]!.query.since!)).toBe(Date.parse(events[events.length - 1]!.at));
    expect(await rows()).toEqual({ n: 124, ledger: [`${plan.slices[0]!.id}.job-1`] });
  });

  it('refuses a plan made from another config, an index outside the plan, and a second DuckDB writer on the state dir', async () => {
    const api = await useMockApi();
    serve(api);
    const loaded = config(api);
    const plan = planSlices(loaded, { from: '2024-03-01', to: '2024-03-04', step: '1d' });
    const other = await slice(config(api, { timeout_seconds: 7 }), plan, 0, join(dir, 'x')).catch((e: unknown) => e);
    expect(other).toMatchObject({ kind: 'config', message: expect.stringMatching(/--plan was made from another config.*run floe plan again/) as unknown });
    const outside = await slice(loaded, plan, 3, join(dir, 'x')).catch((e: unknown) => e);
    expect(outside).toMatchObject({ kind: 'config', message: expect.stringMatching(/--index 3 is outside the plan, whose slices are 0\.\.2/) as unknown });

    // A slow first slice holds the DuckDB writer; a second one on the same state dir is refused at once.
    const slow = await useMockApi();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let arrived!: () => void;
    const reached = new Promise<void>((r) => (arrived = r));
    slow.get('/events', async () => {
      arrived();
      await gate;
      return { json: [] };
    });
    const slowConfig = config(slow);
    const slowPlan = planSlices(slowConfig, { from: '2024-03-01', to: '2024-03-04', step: '1d' });
    const first = slice(slowConfig, slowPlan, 0, join(dir, 'd'));
    await reached;
    const second = await slice(slowConfig, slowPlan, 1, join(dir, 'd')).catch((e: unknown) => e);
    expect(second).toMatchObject({ kind: 'config', message: expect.stringMatching(/DuckDB allows one writing process.*one at a time/) as unknown });
    release();
    expect((await first).status).toBe('succeeded');
  });

  it('the CLI: SIGTERM exits 75 (retry) and the next attempt resumes; JOB_COMPLETION_INDEX picks the slice', async () => {
    const api = await useMockApi();
    let arrived!: () => void;
    const reached = new Promise<void>((r) => (arrived = r));
    // The first attempt is stopped while page 2 of the second day is in flight.
    let slow = true;
    api.get('/events', async (req) => {
      const since = req.query.since!;
      const page = Number(req.query.page ?? 1);
      if (slow && since.startsWith('2024-03-02') && page === 2) {
        slow = false;
        arrived();
        await new Promise((r) => setTimeout(r, 2_000));
      }
      const until = Date.parse(req.query.until!);
      const rows = events.filter((e) => Date.parse(e.at) >= Date.parse(since) && Date.parse(e.at) < until);
      return { json: rows.slice((page - 1) * 3, page * 3) };
    });
    const cfg = {
      name: 'sl',
      base_url: api.url,
      retry: { max_retries: 0 },
      stage: { checkpoint_pages: 1 },
      endpoints: [
        {
          path: '/events',
          query_params: { since: '{{ incremental.start_value }}', until: "{{ incremental.end_value | default('') }}" },
          pagination: { type: 'page_number', page_param: 'page', page_size_param: 'per_page', page_size_value: 3 },
          incremental: { cursor_path: '$.at', initial_value: '2024-03-01T00:00:00Z' },
        },
      ],
      destination: { type: 'duckdb', path: join(dir, 'w.duckdb') },
    };
    const file = join(dir, 'c.json');
    await writeFile(file, JSON.stringify(cfg));
    const planned = await runFloe(['plan', file, '--from', '2024-03-01', '--to', '2024-03-04', '--step', '1d', '--windows-per-slice', '3', '--json']);
    expect(planned.code, planned.stderr).toBe(0);
    await writeFile(join(dir, 'plan.json'), planned.stdout);
    const args = ['run-slice', file, '--plan', join(dir, 'plan.json'), '--state-dir', join(dir, 'st'), '--json'];
    const first = spawnFloe(args, { JOB_COMPLETION_INDEX: '0' });
    await reached;
    first.child.kill('SIGTERM');
    const stopped = await first.exit;
    expect(stopped.code, stopped.stderr).toBe(75);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ index: 0, status: 'interrupted' });
    const before = api.requests.length;
    const again = await runFloe(args, { JOB_COMPLETION_INDEX: '0' });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ status: 'succeeded', rows_loaded: 12, attempts: 2 });
    expect(`${api.requests[before]!.query.since!.slice(0, 10)}#${api.requests[before]!.query.page}`).toBe('2024-03-02#2');
  });
});

describe('floe plan without the credentials', () => {
  it('plans with auth, header and Snowflake secrets unset (the same ids and hash as with them); an unset base_url still fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'floe-plan-nocred-'));
    try {
      const cfg = {
        name: 'nocred',
        base_url: 'https://{{ env.API_HOST }}/v1',
        auth: { type: 'bearer', token: '{{ env.API_TOKEN }}' },
        headers: { 'X-Tenant-Key': '{{ env.TENANT_KEY }}' },
        endpoints: [
          {
            path: '/events',
            query_params: { since: '{{ incremental.start_value }}', until: "{{ incremental.end_value | default('') }}", key: '{{ env.QUERY_KEY }}' },
            incremental: { cursor_path: '$.created_at', initial_value: '2024-03-01T00:00:00Z' },
          },
          { path: '/users' },
        ],
        destination: { type: 'snowflake', account: 'acme-xy12345', user: 'FLOE', authenticator: 'snowflake', password: '{{ env.SF_PASSWORD }}', database: 'RAW', schema: 'API' },
      };
      const file = join(dir, 'c.json');
      await writeFile(file, JSON.stringify(cfg));
      const args = ['plan', file, '--from', '2024-03-01', '--to', '2024-03-05', '--step', '1d', '--windows-per-slice', '2', '--json'];
      const secrets = { API_TOKEN: 'tok-3f9a8b7c6d5e', TENANT_KEY: 'tenant-key-0a1b2c3d', QUERY_KEY: 'query-key-5e6f7a8b', SF_PASSWORD: 'sf-pass-9z8y7x6w' };
      const withSecrets = await runFloe(args, { API_HOST: 'api.example.com', ...secrets });
      expect(withSecrets.code, withSecrets.stderr).toBe(0);
      const without = await runFloe(args, { API_HOST: 'api.example.com' });
      expect(without.code, without.stderr).toBe(0);
      const a = JSON.parse(withSecrets.stdout) as SlicePlan;
      const b = JSON.parse(without.stdout) as SlicePlan;
      expect(b.slices.map((x) => x.id)).toEqual(a.slices.map((x) => x.id));
      expect(b.config_hash).toBe(a.config_hash);
      expect(b.slices).toHaveLength(3); // 2 slices of 2 windows for /events, 1 for /users
      for (const v of Object.values(secrets)) expect(withSecrets.stdout + withSecrets.stderr).not.toContain(v);
      // base_url decides where requests go: it is never stood in for.
      const noHost = await runFloe(args, secrets);
      expect(noHost.code).toBe(2);
      expect(noHost.stderr).toContain('environment variable API_HOST is not set');
      // run (which sends requests) still needs every credential.
      const run = await runFloe(['run', file, '--state-dir', join(dir, 'st')], { API_HOST: 'api.example.com' });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('environment variable API_TOKEN is not set');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
