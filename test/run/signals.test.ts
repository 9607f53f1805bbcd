/**
 * SIGTERM (Kubernetes, Airflow, systemd) and SIGINT (Ctrl-C) stop a run the way a crash would be
 * continued, but cleanly: no new requests, the current Parquet file completed, the checkpoint
 * saved, the run marked `interrupted` and the exit code 143/130. The next `floe run` continues it
 * under the same run id: committed endpoints are not loaded again, and the interrupted one resumes
 * at the page after the last one it processed. Real processes; request counts at the server.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DuckdbDestination } from '../../src/destination/duckdb/duckdb-destination.js';
import type { RunRecord } from '../../src/run/run-history.js';
import { FakeClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { runFloe, spawnFloe, waitFor } from '../support/floe-process.js';
import { dataset, offsetPages, reply, useMockApi, type MockApi } from '../support/mock-api.js';

// Real servers, processes and databases on a shared machine: generous timeouts.
vi.setConfig({ testTimeout: 30_000 });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floe-signals-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const state = (): string => join(dir, 'state');

/** The run records in the state dir, read synchronously for `waitFor`. */
function runs(): RunRecord[] {
  try {
    return readdirSync(join(state(), 'runs'))
      .filter((n) => n.endsWith('.json'))
      .map((n) => JSON.parse(readFileSync(join(state(), 'runs', n), 'utf8')) as RunRecord);
  } catch {
    return [];
  }
}

/** `fast` (200 rows, 5 requests) and `slow` (1,000 rows by 10; page 50 hangs until released). */
async function twoEndpoints(): Promise<{ api: MockApi; file: string; release: () => void }> {
  const api = await useMockApi();
  api.get('/fast', offsetPages(dataset(200), { recordsKey: 'data' }));
  let hang = true;
  const slow = offsetPages(dataset(1000), { recordsKey: 'data' });
  api.get('/slow', (req, n, a) => (hang && Number(req.query.offset) >= 490 ? reply.delay(60_000) : slow(req, n, a)));
  const page = (limit: number): object => ({ type: 'offset', limit_param: 'limit', limit_value: limit, offset_param: 'offset' });
  const file = join(dir, 'c.json');
  await writeFile(
    file,
    JSON.stringify({
      name: 'signals',
      base_url: api.url,
      endpoints: [
        { path: '/fast', records_path: '$.data', pagination: page(50), write_disposition: 'append' },
        { path: '/slow', records_path: '$.data', pagination: page(10), write_disposition: 'append' },
      ],
      destination: { type: 'duckdb', path: join(dir, 'w.duckdb') },
      stage: { checkpoint_pages: 1000 }, // no regular checkpoint: only the signal saves one
    }),
  );
  return { api, file, release: () => (hang = false) };
}

async function counts(): Promise<Record<string, unknown>> {
  const db = await DuckdbDestination.open(
    { type: 'duckdb', path: join(dir, 'w.duckdb'), schema: 'main', write_disposition: 'append', memory_limit: '256MB' },
    { clock: new FakeClock(), logger: silentLogger },
  );
  try {
    const [row] = await db.query(
      `SELECT (SELECT count(*) FROM main.fast)::INT AS fast, (SELECT count(DISTINCT id) FROM main.fast)::INT AS fast_distinct,
              (SELECT count(*) FROM main.slow)::INT AS slow, (SELECT count(DISTINCT id) FROM main.slow)::INT AS slow_distinct`,
    );
    return row!;
  } finally {
    await db.close();
  }
}

describe('signals', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)(
    '%s after an append endpoint committed: exit %i, run interrupted; the next run continues it without duplicates, from page 50',
    async (signal, exitCode) => {
      const { api, file, release } = await twoEndpoints();
      const run = spawnFloe(['run', file, '--state-dir', state(), '--concurrency', '2']);
      // `fast` committed, `slow` processed 49 pages and waits for the 50th.
      await waitFor(() => api.requestsTo('/slow').length === 50 && runs()[0]?.endpoints[0]?.status === 'succeeded', 30_000);
      run.child.kill(signal);
      const ended = await run.exit;
      expect(ended.code).toBe(exitCode);
      expect(ended.stdout).toContain('interrupted');
      expect(ended.stdout).toContain(`floe run ${file} --state-dir ${state()}`);

      const [stopped] = runs();
      expect(stopped!.status).toBe('interrupted');
      expect(stopped!.endpoints.map((e) => [e.name, e.status])).toEqual([
        ['fast', 'succeeded'],
        ['slow', 'interrupted'],
      ]);
      expect(stopped!.endpoints[1]!.checkpoint).toMatchObject({ pages: 49, rows: 490, next: { offset: 490 } });
      expect(api.requestsTo('/slow')).toHaveLength(50); // no request after the signal

      const listed = await runFloe(['runs', '--state-dir', state()]);
      expect(listed.stdout).toMatch(new RegExp(`${stopped!.run_id}\\s+signals\\s+interrupted`));
      expect(listed.stdout).toContain(`${stopped!.run_id} was interrupted: floe run ${file} continues it under the same run id`);

      release();
      const fastBefore = api.requestsTo('/fast').length;
      const slowBefore = api.requestsTo('/slow').length;
      const again = await runFloe(['run', file, '--state-dir', state(), '--json']);
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ run_id: stopped!.run_id, status: 'succeeded' });
      expect(api.requestsTo('/fast').length).toBe(fastBefore); // committed before the signal: not fetched again
      const resumed = api.requestsTo('/slow').slice(slowBefore).map((r) => Number(r.query.offset));
      expect(resumed[0]).toBe(490); // the page after the last one processed, not page 1
      expect(await counts()).toEqual({ fast: 200, fast_distinct: 200, slow: 1000, slow_distinct: 1000 });
    },
    60_000,
  );

  it('a second signal exits at once; the next run still continues the same run id, exactly once', async () => {
    const { api, file, release } = await twoEndpoints();
    const run = spawnFloe(['run', file, '--state-dir', state(), '--concurrency', '2']);
    await waitFor(() => api.requestsTo('/slow').length === 50 && runs()[0]?.endpoints[0]?.status === 'succeeded', 30_000);
    run.child.kill('SIGINT');
    run.child.kill('SIGINT');
    const ended = await run.exit;
    expect(ended.code).toBe(130);
    const [stopped] = runs();
    expect(['running', 'interrupted']).toContain(stopped!.status);
    release();
    const again = await runFloe(['run', file, '--state-dir', state(), '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ run_id: stopped!.run_id, status: 'succeeded' });
    expect(await counts()).toEqual({ fast: 200, fast_distinct: 200, slow: 1000, slow_distinct: 1000 });
  }, 60_000);
});

describe('signals during a backfill', () => {
  it('an aborted backfill is interrupted, keeps its checkpoint, and the same backfill continues it exactly once', async () => {
    const { runBackfill } = await import('../../src/run/backfill/backfill-runner.js');
    const { parseConfig } = await import('../../src/config/load-config.js');
    const api = await useMockApi();
    let hang = true;
    // Day windows of 30 events, paged by 10; the second window's third page hangs until released.
    api.get('/events', (req) => {
      const day = Date.parse(req.query.since!);
      const all = Array.from({ length: 30 }, (_, i) => ({ id: day / 60_000 + i, at: new Date(day + i * 60_000).toISOString() }));
      const offset = Number(req.query.offset ?? 0);
      if (hang && req.query.since!.startsWith('2024-03-02') && offset >= 20) return reply.delay(60_000);
      return { json: all.slice(offset, offset + 10) };
    });
    const loaded = parseConfig(
      {
        name: 'bfsig',
        base_url: api.url,
        endpoints: [
          {
            path: '/events',
            query_params: { since: '{{ incremental.start_value }}', until: '{{ incremental.end_value }}' },
            pagination: { type: 'offset', limit_param: 'limit', limit_value: 10, offset_param: 'offset' },
            incremental: { cursor_path: '$.at', initial_value: '2024-01-01T00:00:00Z' },
          },
        ],
        destination: { type: 'duckdb', path: join(dir, 'w.duckdb') },
        stage: { checkpoint_pages: 1000 },
      },
      {},
    );
    const opts = { from: '2024-03-01', to: '2024-03-03', step: '1d', concurrency: 1, stateDir: state() };
    const controller = new AbortController();
    const first = runBackfill(loaded, { ...opts, signal: controller.signal });
    await waitFor(() => api.requests.filter((r) => r.query.since?.startsWith('2024-03-02') && r.query.offset === '20').length === 1);
    controller.abort();
    const stopped = await first;
    expect(stopped.status).toBe('interrupted');
    expect(stopped.windows.map((w) => w.status)).toEqual(['succeeded', 'interrupted']);
    expect(stopped.windows[1]!.checkpoint).toMatchObject({ pages: 2, rows: 20, next: { offset: 20 } });
    hang = false;
    const before = api.requests.length;
    const again = await runBackfill(loaded, opts);
    expect(again.status).toBe('succeeded');
    const resumed = api.requests.slice(before);
    expect(resumed.every((r) => r.query.since!.startsWith('2024-03-02'))).toBe(true); // the finished window is not fetched again
    expect(Number(resumed[0]!.query.offset)).toBe(20); // the interrupted one resumes at its next page
    const db = await DuckdbDestination.open(
      { type: 'duckdb', path: join(dir, 'w.duckdb'), schema: 'main', write_disposition: 'append', memory_limit: '256MB' },
      { clock: new FakeClock(), logger: silentLogger },
    );
    try {
      expect(await db.query('SELECT count(*)::INT AS n, count(DISTINCT id)::INT AS d FROM main.events')).toEqual([{ n: 60, d: 60 }]);
    } finally {
      await db.close();
    }
  });
});
