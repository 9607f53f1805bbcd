/**
 * A load that fails after every page was fetched (a DuckDB file held by a notebook, a warehouse
 * outage) keeps the extraction: the stage files stay, and the next run loads them without
 * fetching again, under the run id that staged them, so the ledger keeps the load exactly once
 * even when the failed attempt had in fact committed.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { DuckdbDestination } from '../../src/destination/duckdb/duckdb-destination.js';
import { defaultParts } from '../../src/run/default-parts.js';
import type { Parts } from '../../src/run/parts.js';
import { RunHistory } from '../../src/run/run-history.js';
import { runConnector } from '../../src/run/runner.js';
import type { Destination } from '../../src/types.js';
import { FakeClock } from '../../src/util/clock.js';
import { FloeError } from '../../src/util/errors.js';
import { silentLogger } from '../../src/util/logger.js';
import { dataset, offsetPages, useMockApi, type MockApi } from '../support/mock-api.js';

// Real servers, processes and databases on a shared machine: generous timeouts.
vi.setConfig({ testTimeout: 30_000 });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floe-loadfail-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const page = { type: 'offset', limit_param: 'limit', limit_value: 10, offset_param: 'offset' };
const config = (api: MockApi, extra: object = {}): ReturnType<typeof parseConfig> =>
  parseConfig(
    {
      name: 'loadfail',
      base_url: api.url,
      endpoints: [
        { path: '/a', records_path: '$.data', pagination: page },
        { path: '/b', records_path: '$.data', pagination: page },
      ],
      destination: { type: 'duckdb', path: join(dir, 'w.duckdb') },
      ...extra,
    },
    {},
  );

/** Parts whose load of `endpoint` fails (optionally after committing), as a locked database would. */
function failingLoadOf(endpoint: string, commitFirst: boolean): Parts {
  return {
    ...defaultParts,
    async createDestination(cfg, deps) {
      const real = await defaultParts.createDestination(cfg, deps);
      const failing: Destination = {
        ...real,
        type: real.type,
        ledgerEntry: (...a) => real.ledgerEntry(...a),
        tables: (...a) => real.tables(...a),
        readState: (...a) => real.readState(...a),
        writeState: (...a) => real.writeState(...a),
        close: () => real.close(),
        async load(req, signal) {
          if (req.endpoint !== endpoint) return real.load(req, signal);
          if (commitFirst) await real.load(req, signal);
          throw new FloeError('LOAD_FAILED', 'transient', 'IO Error: Could not set lock on file "w.duckdb"');
        },
      };
      return failing;
    },
  };
}

async function counts(): Promise<Record<string, unknown>> {
  const db = await DuckdbDestination.open(
    { type: 'duckdb', path: join(dir, 'w.duckdb'), schema: 'main', write_disposition: 'append', memory_limit: '256MB' },
    { clock: new FakeClock(), logger: silentLogger },
  );
  try {
    const [row] = await db.query(
      `SELECT (SELECT count(*) FROM main.b)::INT AS b, (SELECT count(DISTINCT id) FROM main.b)::INT AS b_distinct,
              (SELECT count(*) FROM main._floe_loads WHERE endpoint = 'b')::INT AS b_loads`,
    );
    return row!;
  } finally {
    await db.close();
  }
}

describe('a failed load keeps the extraction', () => {
  it.each([
    ['the load rolled back', false],
    ['the load committed but reported a failure', true],
  ])('%s: the next run loads the kept stage files without fetching again, exactly once', async (_name, commitFirst) => {
    const api = await useMockApi();
    api.get('/a', offsetPages(dataset(25), { recordsKey: 'data' }));
    api.get('/b', offsetPages(dataset(33), { recordsKey: 'data' }));
    const state = join(dir, 'state');
    const first = await runConnector(config(api), { stateDir: state }, { parts: failingLoadOf('b', commitFirst), clock: new FakeClock() });
    expect(first.status).toBe('partially_failed');
    const b = first.endpoints[1]!;
    expect(b).toMatchObject({ status: 'failed', error: { code: 'LOAD_FAILED' }, staged: { rows: 33, run_id: first.run_id } });
    expect(b.staged!.files.every((f) => existsSync(f.path))).toBe(true);
    const fetchedB = api.requestsTo('/b').length;

    const second = await runConnector(config(api), { stateDir: state }, { clock: new FakeClock(1_800_000_000_000) });
    expect(second.run_id).not.toBe(first.run_id);
    expect(second.status).toBe('succeeded');
    expect(api.requestsTo('/b').length).toBe(fetchedB); // loaded from the kept files: no request
    expect(await counts()).toEqual({ b: 33, b_distinct: 33, b_loads: 1 });
    expect(existsSync(join(state, 'stage', first.run_id, 'b'))).toBe(false); // removed once loaded
    const old = await new RunHistory(state).get(first.run_id);
    expect(old.endpoints[1]!.staged).toBeUndefined(); // taken over by the second run
  });

  it('a changed config does not load the kept files: they are deleted and the endpoint is fetched again', async () => {
    const api = await useMockApi();
    api.get('/a', offsetPages(dataset(25), { recordsKey: 'data' }));
    api.get('/b', offsetPages(dataset(33), { recordsKey: 'data' }));
    const state = join(dir, 'state');
    const first = await runConnector(config(api), { stateDir: state }, { parts: failingLoadOf('b', false), clock: new FakeClock() });
    const fetchedB = api.requestsTo('/b').length;
    const second = await runConnector(config(api, { timeout_seconds: 30 }), { stateDir: state }, { clock: new FakeClock(1_800_000_000_000) });
    expect(second.status).toBe('succeeded');
    expect(api.requestsTo('/b').length).toBe(fetchedB * 2);
    expect(existsSync(join(state, 'stage', first.run_id, 'b'))).toBe(false);
    expect(await counts()).toEqual({ b: 33, b_distinct: 33, b_loads: 1 });
  });
});
