/**
 * Pages fetched ahead (`concurrency`) do not move checkpoints ahead of the pages processed: a run
 * stopped while later pages are in flight resumes at the page after the last processed one, and
 * the table ends with every row exactly once. Real server, real DuckDB, in process.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { DuckdbDestination } from '../../src/destination/duckdb/duckdb-destination.js';
import { runConnector } from '../../src/run/runner.js';
import { FakeClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { dataset, offsetPages, reply, useMockApi, type Handler } from '../support/mock-api.js';

vi.setConfig({ testTimeout: 30_000 });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floe-conc-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('a run stopped with pages in flight checkpoints the last page processed, and the next run resumes there', async () => {
  const api = await useMockApi();
  const records = dataset(200, (i) => ({ id: i, v: `row ${i}` }));
  const pages = offsetPages(records, { recordsKey: 'data' });
  let hang = true;
  const stop = new AbortController();
  // Offset 100 (page 10) hangs; the pages after it answer at once, so they are in flight or done
  // when the run is stopped, but they must not be processed or checkpointed.
  const handler: Handler = (req, n, a) => {
    const offset = Number(req.query.offset);
    if (hang && offset === 100) {
      setTimeout(() => stop.abort(), 100);
      return reply.delay(20_000, { json: { data: [] } });
    }
    return pages(req, n, a);
  };
  api.get('/items', handler);
  const loaded = parseConfig({
    name: 'conc',
    base_url: api.url,
    stage: { checkpoint_pages: 3 },
    endpoints: [{ path: '/items', records_path: '$.data', concurrency: 4, pagination: { type: 'offset', limit_value: 10 } }],
    destination: { type: 'duckdb', path: join(dir, 'w.duckdb') },
  });
  const state = join(dir, 'state');
  const first = await runConnector(loaded, { stateDir: state, signal: stop.signal }, { clock: new FakeClock(), logger: silentLogger });
  expect(first.status).toBe('interrupted');
  expect(first.endpoints[0]).toMatchObject({ status: 'interrupted', pages: 10, rows: 100 });
  // Pages 11–13 were requested ahead while page 10 hung.
  expect(api.requestsTo('/items').some((r) => Number(r.query.offset) > 100)).toBe(true);

  hang = false;
  const before = api.requestsTo('/items').length;
  const second = await runConnector(loaded, { stateDir: state }, { clock: new FakeClock(), logger: silentLogger });
  expect(second.status).toBe('succeeded');
  const resumed = api.requestsTo('/items').slice(before).map((r) => Number(r.query.offset));
  expect(Math.min(...resumed)).toBe(100);

  const db = await DuckdbDestination.open(
    { type: 'duckdb', path: join(dir, 'w.duckdb'), schema: 'main', write_disposition: 'append', memory_limit: '256MB' },
    { clock: new FakeClock(), logger: silentLogger },
  );
  try {
    expect(await db.query('SELECT count(*)::INT AS n, count(DISTINCT id)::INT AS d, min(id)::INT AS lo, max(id)::INT AS hi FROM main.items')).toEqual([
      { n: 200, d: 200, lo: 1, hi: 200 },
    ]);
  } finally {
    await db.close();
  }
});
