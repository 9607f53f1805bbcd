/**
 * Checkpoints within an endpoint: a run killed in page 95 of 100 resumes at the last checkpoint
 * (page 90), not page 1 — counted at the server — and ends with exactly the rows of an
 * uninterrupted run.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DuckdbDestination } from '../../src/destination/duckdb/duckdb-destination.js';
import { RunHistory } from '../../src/run/run-history.js';
import { FakeClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { killHard, runFloe, startFloe, waitFor } from '../support/floe-process.js';
import { cursorPages, dataset, offsetPages, reply, useMockApi, type Handler } from '../support/mock-api.js';

// Real servers, processes and databases on a shared machine: generous timeouts.
vi.setConfig({ testTimeout: 30_000 });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floe-ckpt-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const records = dataset(500, (i) => ({ id: i, v: `row ${i}` }));

async function count(): Promise<number> {
  const db = await DuckdbDestination.open(
    { type: 'duckdb', path: join(dir, 'w.duckdb'), schema: 'main', write_disposition: 'append', memory_limit: '256MB' },
    { clock: new FakeClock(), logger: silentLogger },
  );
  try {
    const r = await db.query('SELECT count(*) AS n, count(DISTINCT id) AS d FROM main.items');
    expect(r[0]?.n).toBe(r[0]?.d); // no duplicates
    return Number(r[0]?.n);
  } finally {
    await db.close();
  }
}

describe.each([
  // Offset stops on a short page: after 100 full pages it asks once more and gets none.
  ['offset', { type: 'offset', limit_param: 'limit', limit_value: 5, offset_param: 'offset' }, offsetPages(records, { recordsKey: 'data' }), (q: Record<string, string>) => Number(q.offset) / 5, 101],
  [
    'cursor',
    { type: 'cursor', cursor_param: 'cursor', cursor_path: '$.meta.next_cursor' },
    cursorPages(records, { pageSize: 5, cursorFor: (o) => `c${o}` }),
    (q: Record<string, string>) => (q.cursor ? Number(q.cursor.slice(1)) / 5 : 0),
    100,
  ],
] as const)('checkpoints with %s pagination', (_type, pagination, pages, pageOf, requestsInAll) => {
  it('kill -9 in page 95 of 100, then floe run: resumes from page 90 and loads every row once', async () => {
    const api = await useMockApi();
    let hang = true;
    const handler: Handler = (req, n, a) => (hang && pageOf(req.query) === 94 ? reply.delay(30_000) : pages(req, n, a));
    api.get('/items', handler);
    const file = join(dir, 'c.json');
    await writeFile(
      file,
      JSON.stringify({
        name: 'ckpt',
        base_url: api.url,
        stage: { checkpoint_pages: 10 },
        endpoints: [{ path: '/items', records_path: '$.data', pagination }],
        destination: { type: 'duckdb', path: join(dir, 'w.duckdb') },
      }),
    );
    const child = startFloe(['run', file, '--state-dir', join(dir, 'state')]);
    await waitFor(() => api.requests.some((r) => pageOf(r.query) === 94));
    await killHard(child);
    const crashed = (await new RunHistory(join(dir, 'state')).list())[0]!;
    expect(crashed.endpoints[0]!.checkpoint).toMatchObject({ pages: 90, rows: 450 });
    hang = false;

    const before = api.requests.length;
    expect((await runFloe(['run', file, '--state-dir', join(dir, 'state')])).code).toBe(0);
    const resumedPages = api.requests.slice(before).map((r) => pageOf(r.query));
    // The resumed run starts at 0-based page 90 (the checkpoint) and asks only for what was left.
    expect(resumedPages).toEqual(Array.from({ length: requestsInAll - 90 }, (_, i) => 90 + i));
    expect(await count()).toBe(500);
    const done = await new RunHistory(join(dir, 'state')).get(crashed.run_id);
    expect(done).toMatchObject({ status: 'succeeded', endpoints: [{ pages: requestsInAll, rows: 500 }] });
  }, 40_000);
});
