import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { duckQuery } from '../support/duck-query.js';
import { runConnector } from '../../src/run/runner.js';
import { FakeClock } from '../../src/util/clock.js';
import { catchError } from '../support/catch-error.js';
import { reply, useMockApi } from '../support/mock-api.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floe-scd2-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('merge_strategy: scd2 (end to end on DuckDB)', () => {
  it('keeps every version: a changed customer gets a new current row, a vanished one is closed', async () => {
    const api = await useMockApi();
    const versions = [
      [{ id: 1, plan: 'free' }, { id: 2, plan: 'pro' }],
      [{ id: 1, plan: 'team' }, { id: 3, plan: 'free' }],
    ];
    let run = 0;
    api.get('/customers', () => reply.json(versions[run]!));
    const loaded = parseConfig({
      name: 'crm',
      base_url: api.url,
      endpoints: [{ path: '/customers', write_disposition: 'merge', primary_key: ['id'], merge_strategy: 'scd2', validity_columns: ['_valid_from', '_valid_to'] }],
      destination: { type: 'duckdb', path: join(dir, 'w.duckdb') },
    });
    const clock = new FakeClock(Date.UTC(2024, 0, 1));
    expect((await runConnector(loaded, { stateDir: join(dir, 's') }, { clock })).status).toBe('succeeded');
    run = 1;
    clock.advance(86_400_000);
    expect((await runConnector(loaded, { stateDir: join(dir, 's') }, { clock })).status).toBe('succeeded');
    const rows = await duckQuery(
      join(dir, 'w.duckdb'),
      `SELECT id::INT AS id, plan, strftime(_valid_from, '%Y-%m-%d') AS "from", strftime(_valid_to, '%Y-%m-%d') AS "to" FROM main.customers ORDER BY id, _valid_from`,
    );
    expect(rows).toEqual([
      { id: 1, plan: 'free', from: '2024-01-01', to: '2024-01-02' },
      { id: 1, plan: 'team', from: '2024-01-02', to: null },
      { id: 2, plan: 'pro', from: '2024-01-01', to: '2024-01-02' },
      { id: 3, plan: 'free', from: '2024-01-02', to: null },
    ]);
  });

  it('merge_strategy without write_disposition: merge is a config error', () => {
    const e = catchError(() =>
      parseConfig({ name: 'x', base_url: 'https://api.example.com', endpoints: [{ path: '/a', merge_strategy: 'scd2' }] }),
    );
    expect(e.message).toContain('endpoints[0].merge_strategy: merge_strategy and validity_columns go with write_disposition: merge');
  });
});
