/**
 * What the run summary says about an endpoint that succeeded with less than everything: short of
 * the API's total (warning, or error with strict_totals), records dropped by the range filter.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jsonSummary } from '../../../src/cli/commands/run.js';
import { showRun } from '../../../src/cli/commands/runs.js';
import { parseConfig } from '../../../src/config/load-config.js';
import { RunHistory } from '../../../src/run/run-history.js';
import { runConnector } from '../../../src/run/runner.js';
import { FakeClock } from '../../../src/util/clock.js';
import { dataset, reply, useMockApi, type MockApi } from '../../support/mock-api.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floe-summary-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function load(api: MockApi, endpoint: Record<string, unknown>): ReturnType<typeof parseConfig> {
  return parseConfig({
    name: 't',
    base_url: api.url,
    endpoints: [endpoint],
    destination: { type: 'duckdb', path: join(dir, 'w.duckdb') },
  });
}

/** 45 records served, but the API says there are 50. */
function shortApi(api: MockApi): void {
  const records = dataset(45);
  api.get('/items', (req) => {
    const offset = Number(req.query['offset']);
    return reply.json({ data: records.slice(offset, offset + 10), total: 50 });
  });
}

describe('ending short of the API’s total', () => {
  const pagination = { type: 'offset', limit_value: 10, total_path: '$.total' };

  it('is a warning with both counts in the run record, floe run --json and floe runs show', async () => {
    const api = await useMockApi();
    shortApi(api);
    const run = await runConnector(
      load(api, { path: '/items', records_path: '$.data', pagination }),
      { stateDir: join(dir, 'state') },
      { clock: new FakeClock() },
    );
    expect(run.status).toBe('succeeded');
    const e = run.endpoints[0]!;
    expect(e.rows).toBe(45);
    expect(e.warnings).toEqual([expect.stringMatching(/^TOTAL_SHORT: the API reported 50 records .* after 45$/)]);
    expect(e.short_of_total).toEqual({ expected: 50, received: 45, unit: 'records' });
    const stored = await new RunHistory(join(dir, 'state')).get(run.run_id);
    expect(stored.endpoints[0]?.short_of_total).toEqual({ expected: 50, received: 45, unit: 'records' });
    expect(jsonSummary(stored)).toMatchObject({ endpoints: [{ short_of_total: { expected: 50, received: 45 } }] });
    expect(showRun(stored)).toMatch(/items: warnings\n {2}- TOTAL_SHORT: .*50.*45/);
  });

  it('is an error with strict_totals: nothing is loaded', async () => {
    const api = await useMockApi();
    shortApi(api);
    const run = await runConnector(
      load(api, {
        path: '/items',
        records_path: '$.data',
        pagination: { ...pagination, strict_totals: true },
      }),
      { stateDir: join(dir, 'state') },
      { clock: new FakeClock() },
    );
    expect(run.status).toBe('failed');
    expect(run.endpoints[0]?.error?.code).toBe('PAGINATION_SHORT');
    expect(run.endpoints[0]?.error?.message).toMatch(/50.*45/);
    expect(run.endpoints[0]?.rows_loaded).toBeUndefined();
  });
});

describe('records dropped by the client-side range filter', () => {
  it('are counted per endpoint in the run record and the summaries', async () => {
    const api = await useMockApi();
    // The API ignores the filter parameter: 5 of the 20 records are before initial_value.
    api.get(
      '/events',
      reply.json(
        dataset(20, (i) => ({ id: i, created_at: `2024-01-${String(i + 5).padStart(2, '0')}T00:00:00Z` })),
      ),
    );
    const loaded = load(api, {
      path: '/events',
      query_params: { since: '{{ incremental.start_value }}' },
      incremental: { cursor_path: '$.created_at', initial_value: '2024-01-11T00:00:00Z' },
    });
    const run = await runConnector(loaded, { stateDir: join(dir, 'state') }, { clock: new FakeClock() });
    expect(run.status).toBe('succeeded');
    expect(run.endpoints[0]?.rows).toBe(15);
    expect(run.endpoints[0]?.out_of_range).toBe(5);
    expect(jsonSummary(run)).toMatchObject({ endpoints: [{ out_of_range: 5 }] });
    expect(showRun(run)).toMatch(/events: 5 record\(s\) outside the incremental range/);
  });
});
