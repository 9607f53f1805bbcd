/**
 * A run that dies (crash, kill -9, evicted pod) is continued by the next run of the same config:
 * same run id, finished endpoints skipped, staged endpoints loaded from their files, and the
 * destination's ledger keeps every load exactly-once.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { DuckdbDestination } from '../../src/destination/duckdb/duckdb-destination.js';
import { RunHistory, type RunRecord } from '../../src/run/run-history.js';
import { runConnector } from '../../src/run/runner.js';
import { FakeClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { dyingAtLoadOf, leaseOfDeadRun } from '../support/dying-parts.js';
import { killHard, runFloe, startFloe, waitFor } from '../support/floe-process.js';
import { dataset, offsetPages, reply, useMockApi, type MockApi } from '../support/mock-api.js';

// Real servers, processes and databases on a shared machine: generous timeouts.
vi.setConfig({ testTimeout: 30_000 });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floe-resume-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ENDPOINTS = [
  { path: '/a', records_path: '$.data', pagination: { type: 'offset', limit_param: 'limit', limit_value: 10, offset_param: 'offset' } },
  { path: '/b', records_path: '$.data', pagination: { type: 'offset', limit_param: 'limit', limit_value: 10, offset_param: 'offset' } },
];

function config(api: MockApi): ReturnType<typeof parseConfig> {
  return parseConfig({ name: 'resume', base_url: api.url, endpoints: ENDPOINTS, destination: { type: 'duckdb', path: join(dir, 'w.duckdb') } }, {});
}

async function counts(): Promise<Record<string, unknown>[]> {
  const db = await DuckdbDestination.open(
    { type: 'duckdb', path: join(dir, 'w.duckdb'), schema: 'main', write_disposition: 'append', memory_limit: '256MB' },
    { clock: new FakeClock(), logger: silentLogger },
  );
  try {
    return await db.query(
      `SELECT (SELECT count(*) FROM main.a)::INT AS a, (SELECT count(*) FROM main.b)::INT AS b, (SELECT count(*) FROM main._floe_loads)::INT AS ledger`,
    );
  } finally {
    await db.close();
  }
}

describe('resuming an interrupted run', () => {
  it.each([
    ['before the commit', false],
    ['after the commit, before the run history knew', true],
  ])('a run that died while loading %s is continued with the same run id, exactly once', async (_name, commitFirst) => {
    const api = await useMockApi();
    api.get('/a', offsetPages(dataset(25), { recordsKey: 'data' }));
    api.get('/b', offsetPages(dataset(33), { recordsKey: 'data' }));
    const { parts, died } = dyingAtLoadOf('b', commitFirst);
    // Endpoints run one after the other so `a` is finished when `b` dies.
    void runConnector(config(api), { stateDir: join(dir, 'state'), concurrency: 1 }, { parts, clock: new FakeClock() });
    await died;
    await leaseOfDeadRun(join(dir, 'state'));
    const crashed = (await new RunHistory(join(dir, 'state')).list())[0]!;
    expect(crashed.status).toBe('running');
    expect(crashed.endpoints.map((e) => [e.name, e.status, e.staged?.rows])).toEqual([
      ['a', 'succeeded', undefined],
      ['b', 'running', 33],
    ]);
    const requestsBefore = api.requests.length;

    const resumed = await runConnector(config(api), { stateDir: join(dir, 'state') }, { clock: new FakeClock() });
    expect(resumed.run_id).toBe(crashed.run_id);
    expect(resumed.status).toBe('succeeded');
    expect(resumed.resumed_at).toHaveLength(1);
    expect(api.requests.length).toBe(requestsBefore); // nothing fetched again: b loads from its stage files
    expect(await counts()).toEqual([{ a: 25, b: 33, ledger: 2 }]);
  });

  it('a rotated secret (auth token, token in the base_url path) does not make a crashed run a new run', async () => {
    const api = await useMockApi();
    api.get(/^\/bot[^/]+\/a$/, offsetPages(dataset(25), { recordsKey: 'data' }));
    api.get(/^\/bot[^/]+\/b$/, offsetPages(dataset(33), { recordsKey: 'data' }));
    const rotated = (token: string): ReturnType<typeof parseConfig> =>
      parseConfig(
        {
          name: 'resume',
          base_url: `${api.url}/bot{{ env.TOKEN }}`,
          auth: { type: 'bearer', token: '{{ env.TOKEN }}' },
          endpoints: ENDPOINTS,
          destination: { type: 'duckdb', path: join(dir, 'w.duckdb') },
        },
        { TOKEN: token },
      );
    const { parts, died } = dyingAtLoadOf('b', false);
    void runConnector(rotated('old-token-1'), { stateDir: join(dir, 'state'), concurrency: 1 }, { parts, clock: new FakeClock() });
    await died;
    await leaseOfDeadRun(join(dir, 'state'));
    const crashed = (await new RunHistory(join(dir, 'state')).list())[0]!;
    const resumed = await runConnector(rotated('new-token-2'), { stateDir: join(dir, 'state') }, { clock: new FakeClock() });
    expect(resumed.run_id).toBe(crashed.run_id);
    expect(resumed.status).toBe('succeeded');
    expect(await counts()).toEqual([{ a: 25, b: 33, ledger: 2 }]); // a, committed before the crash, is not loaded again
  });

  it('a second run of the same config while one is in progress refuses to start', async () => {
    const api = await useMockApi();
    api.get('/a', reply.delay(800, reply.json({ data: [] })));
    api.get('/b', reply.json({ data: [] }));
    const first = runConnector(config(api), { stateDir: join(dir, 'state') }, { clock: new FakeClock() });
    await waitFor(() => api.requestsTo('/a').length === 1);
    const lockFile = join(dir, 'state', 'locks', 'resume.lock');
    expect(existsSync(lockFile)).toBe(true);
    // Another process holds the lock: pretend by writing our parent's pid into it.
    await writeFile(lockFile, JSON.stringify({ pid: process.ppid, started_at: 'earlier' }));
    await expect(runConnector(config(api), { stateDir: join(dir, 'state') })).rejects.toMatchObject({ code: 'RUN_LOCKED' });
    await first;
  });

  it('kill -9 of `floe run` mid-extraction, then `floe run` again: same run id, exact row counts', async () => {
    const { api, file, crashed, release } = await crashMidExtraction();
    release();
    const result = JSON.parse(await floeRun(file, '--json')) as { run_id: string; status: string };
    expect(result).toMatchObject({ run_id: crashed.run_id, status: 'succeeded' });
    expect(api.requestsTo('/a')).toHaveLength(3); // a was committed before the kill: not fetched again
    expect(await counts()).toEqual([{ a: 25, b: 33, ledger: 2 }]);
  }, 40_000);

  it('a changed config does not resume: the interrupted run is closed as failed and a fresh run starts', async () => {
    const { file, crashed, release } = await crashMidExtraction();
    release();
    const edited = JSON.parse(await readFile(file, 'utf8')) as { endpoints: { query_params?: unknown }[] };
    edited.endpoints[1]!.query_params = { sort: 'id' };
    await writeFile(file, JSON.stringify(edited));
    const result = JSON.parse(await floeRun(file, '--json')) as { run_id: string; status: string };
    expect(result.run_id).not.toBe(crashed.run_id);
    expect(result.status).toBe('succeeded');
    const old = await new RunHistory(join(dir, 'state')).get(crashed.run_id);
    expect(old.status).toBe('failed');
    expect(old.endpoints[1]!.error?.message).toContain('interrupted');
  }, 40_000);
});

async function floeRun(file: string, ...args: string[]): Promise<string> {
  return (await runFloe(['run', file, '--state-dir', join(dir, 'state'), ...args])).stdout;
}

/** `floe run` in a child process, killed with SIGKILL while endpoint b's third page hangs. */
async function crashMidExtraction(): Promise<{ api: MockApi; file: string; crashed: RunRecord; release: () => void }> {
  const api = await useMockApi();
  api.get('/a', offsetPages(dataset(25), { recordsKey: 'data' }));
  let hang = true;
  api.get('/b', (req, n, a) =>
    hang && Number(req.query.offset) >= 20 ? reply.delay(30_000) : offsetPages(dataset(33), { recordsKey: 'data' })(req, n, a),
  );
  const file = join(dir, 'c.json');
  await writeFile(file, JSON.stringify({ name: 'resume', base_url: api.url, endpoints: ENDPOINTS, destination: { type: 'duckdb', path: join(dir, 'w.duckdb') } }));
  const child = startFloe(['run', file, '--state-dir', join(dir, 'state'), '--concurrency', '1']);
  await waitFor(() => api.requestsTo('/b').length === 3);
  await killHard(child);
  const crashed = (await new RunHistory(join(dir, 'state')).list())[0]!;
  expect(crashed.status).toBe('running');
  expect(crashed.endpoints.map((e) => e.status)).toEqual(['succeeded', 'running']);
  return { api, file, crashed, release: () => (hang = false) };
}
