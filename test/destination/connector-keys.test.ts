/**
 * Issue 8's case end to end: connector `github` and connector `stripe`, each with an incremental
 * endpoint `events`, load into one DuckDB file (each into its own table). Before state was keyed
 * by connector, the second run read the first one's cursor from `_floe_state` and loaded 0 of its
 * 300 rows, reporting `succeeded`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { parseConfig, type LoadedConfig } from '../../src/config/load-config.js';
import { DuckdbDestination } from '../../src/destination/duckdb/duckdb-destination.js';
import { runConnector } from '../../src/run/runner.js';
import { FakeClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { useMockApi, type MockApi } from '../support/mock-api.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floe-keys-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `n` events stamped from `startMinute`, filtered by `since`, in pages of 100. */
function serveEvents(api: MockApi, prefix: string, n: number, startMinute: number): void {
  const at = (m: number): string => new Date(Date.UTC(2024, 0, 1) + m * 60_000).toISOString();
  const events = Array.from({ length: n }, (_, i) => ({ id: i + 1, at: at(startMinute + i) }));
  api.get(`/${prefix}/events`, (req) => {
    const since = req.query.since;
    const rows = events.filter((e) => since === undefined || Date.parse(e.at) >= Date.parse(since));
    const page = Number(req.query.page ?? 1);
    return { json: { data: rows.slice((page - 1) * 100, page * 100) } };
  });
}

function config(api: MockApi, name: string): LoadedConfig {
  return parseConfig(
    {
      name,
      base_url: `${api.url}/${name}`,
      endpoints: [
        {
          name: 'events',
          path: '/events',
          table_name: `${name}_events`,
          records_path: '$.data',
          query_params: { since: '{{ incremental.start_value }}' },
          pagination: { type: 'page_number', page_param: 'page', page_size_param: 'per_page', page_size_value: 100 },
          incremental: { cursor_path: '$.at', initial_value: '2023-01-01T00:00:00Z' },
        },
      ],
      destination: { type: 'duckdb', path: join(dir, 'shared.duckdb') },
    },
    {},
  );
}

it('two connectors with an endpoint "events" in one DuckDB file keep their own state: both load all their rows', async () => {
  const api = await useMockApi();
  // github's events are later than stripe's: with a shared cursor, stripe's would all be skipped.
  serveEvents(api, 'github', 300, 100_000);
  serveEvents(api, 'stripe', 300, 0);
  // Separate state dirs: each run must read its state from the destination, as on a fresh machine.
  const gh = await runConnector(config(api, 'github'), { stateDir: join(dir, 'gh') }, { clock: new FakeClock() });
  const st = await runConnector(config(api, 'stripe'), { stateDir: join(dir, 'st') }, { clock: new FakeClock() });
  expect(gh.endpoints[0]).toMatchObject({ status: 'succeeded', rows: 300 });
  expect(st.endpoints[0]).toMatchObject({ status: 'succeeded', rows: 300 });
  const db = await DuckdbDestination.open(
    { type: 'duckdb', path: join(dir, 'shared.duckdb'), schema: 'main', write_disposition: 'append', memory_limit: '256MB' },
    { clock: new FakeClock(), logger: silentLogger },
  );
  try {
    expect(await db.query('SELECT count(*)::INT AS n FROM main.stripe_events')).toEqual([{ n: 300 }]);
    expect(await db.query(`SELECT connector, endpoint FROM main._floe_state ORDER BY 1`)).toEqual([
      { connector: 'github', endpoint: 'events' },
      { connector: 'stripe', endpoint: 'events' },
    ]);
  } finally {
    await db.close();
  }
}, 60_000);
