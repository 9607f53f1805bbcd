import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { duckQuery } from '../support/duck-query.js';
import { runConnector } from '../../src/run/runner.js';
import { RunHistory } from '../../src/run/run-history.js';
import { FakeClock } from '../../src/util/clock.js';
import { TextLogger } from '../../src/util/logger.js';
import { cursorPages, dataset, offsetPages, reply, useMockApi, type MockApi } from '../support/mock-api.js';

// Real servers, processes and databases on a shared machine: generous timeouts.
vi.setConfig({ testTimeout: 30_000 });

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floe-run-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function config(api: MockApi, endpoints: unknown[], extra: Record<string, unknown> = {}): ReturnType<typeof parseConfig> {
  return parseConfig(
    {
      name: 'test',
      base_url: api.url,
      retry: { max_retries: 2 },
      endpoints,
      destination: { type: 'duckdb', path: join(dir, 'w.duckdb'), schema: 'main' },
      ...extra,
    },
    { API_KEY: 'sk_live_TOPSECRET_1234' },
  );
}

function query(sql: string): Promise<Record<string, unknown>[]> {
  return duckQuery(join(dir, 'w.duckdb'), sql);
}

const users = dataset(250, (i) => ({ id: i, name: `user ${i}`, address: { city: i % 2 ? 'Auckland' : 'Zürich', geo: { lat: i / 10 } }, tags: ['a', String(i)] }));

describe('runConnector', () => {
  it('extracts, stages and loads every endpoint into its own table, and records the run', async () => {
    const api = await useMockApi();
    api.get('/users', offsetPages(users, { recordsKey: 'data' }));
    api.get('/orders', cursorPages(dataset(30, (i) => ({ order_id: `o${i}`, total: i * 1.5 })), { pageSize: 7 }));
    const loaded = config(api, [
      { path: '/users', records_path: '$.data', pagination: { type: 'offset', limit_param: 'limit', limit_value: 100, offset_param: 'offset' } },
      { path: '/orders', records_path: '$.data', pagination: { type: 'cursor', cursor_param: 'cursor', cursor_path: '$.meta.next_cursor' } },
    ]);
    const run = await runConnector(loaded, { stateDir: join(dir, 'state') }, { clock: new FakeClock() });
    expect(run.status).toBe('succeeded');
    expect(run.endpoints.map((e) => [e.name, e.status, e.rows, e.pages])).toEqual([
      ['users', 'succeeded', 250, 3],
      ['orders', 'succeeded', 30, 5],
    ]);
    expect(await query('SELECT count(*)::INT AS n, count(DISTINCT id)::INT AS d FROM main.users')).toEqual([{ n: 250, d: 250 }]);
    expect(await query(`SELECT name, address_city, address_geo_lat, tags FROM main.users WHERE id = 7`)).toEqual([
      { name: 'user 7', address_city: 'Auckland', address_geo_lat: 0.7, tags: '["a","7"]' },
    ]);
    expect(await query('SELECT sum(total) AS s FROM main.orders')).toEqual([{ s: 697.5 }]);
    const history = await new RunHistory(join(dir, 'state')).get(run.run_id);
    expect(history).toMatchObject({ status: 'succeeded', endpoints: [{ name: 'users', rows: 250 }, { name: 'orders', rows: 30 }] });
    expect(await query(`SELECT endpoint, rows::INT AS rows FROM main._floe_loads ORDER BY endpoint`)).toEqual([
      { endpoint: 'orders', rows: 30 },
      { endpoint: 'users', rows: 250 },
    ]);
    // Stage files are removed after a successful load.
    expect(await readdir(join(dir, 'state', 'stage', run.run_id)).catch(() => [])).toEqual([]);
  });

  it('isolates a failing endpoint: the others load, the run is partially failed, the error is in history', async () => {
    const api = await useMockApi();
    api.get('/users', offsetPages(users, { recordsKey: 'data' }));
    api.get('/secret', reply.status(403, { error: { code: 'forbidden', message: 'no access for this key' } }));
    const loaded = config(
      api,
      [
        { path: '/users', records_path: '$.data', pagination: { type: 'offset', limit_param: 'limit', limit_value: 100, offset_param: 'offset' } },
        { path: '/secret' },
      ],
      { auth: { type: 'api_key', key_name: 'api_key', key_value: '{{ env.API_KEY }}', location: 'query_parameter' } },
    );
    const run = await runConnector(loaded, { stateDir: join(dir, 'state') }, { clock: new FakeClock() });
    expect(run.status).toBe('partially_failed');
    const failed = run.endpoints[1]!;
    expect(failed).toMatchObject({ name: 'secret', status: 'failed', error: { code: 'HTTP_STATUS', status: 403 } });
    expect(failed.error!.message).toContain('secret');
    expect(failed.error!.url).toContain('/secret');
    expect(failed.error!.url).not.toContain('TOPSECRET');
    expect(failed.error!.body_excerpt).toContain('no access for this key');
    expect(api.requestsTo('/secret')).toHaveLength(1); // 403 is not retried
    expect(await query('SELECT count(*)::INT AS n FROM main.users')).toEqual([{ n: 250 }]);
    expect(await query(`SELECT count(*)::INT AS n FROM information_schema.tables WHERE table_name = 'secret'`)).toEqual([{ n: 0 }]);
  });

  it('leaves nothing half-loaded when an endpoint fails after some pages', async () => {
    const api = await useMockApi();
    let failing = false;
    api.get('/items', (req, n, a) => {
      if (failing && Number(req.query.offset) >= 20) return reply.status(400, { error: 'bad offset' });
      return offsetPages(dataset(50), { recordsKey: 'data' })(req, n, a);
    });
    const endpoints = [{ path: '/items', records_path: '$.data', pagination: { type: 'offset', limit_param: 'limit', limit_value: 10, offset_param: 'offset' } }];
    const first = await runConnector(config(api, endpoints), { stateDir: join(dir, 'state') }, { clock: new FakeClock() });
    expect(first.status).toBe('succeeded');
    failing = true;
    const second = await runConnector(config(api, endpoints), { stateDir: join(dir, 'state') }, { clock: new FakeClock() });
    expect(second.status).toBe('failed');
    expect(second.endpoints[0]).toMatchObject({ status: 'failed', pages: 2, rows: 20, error: { code: 'HTTP_STATUS', status: 400 } });
    // The 20 rows of the failed run never reached the table.
    expect(await query('SELECT count(*)::INT AS n FROM main.items')).toEqual([{ n: 50 }]);
  });

  it('lands a column that first appears on page 40, and widens a type that widens', async () => {
    const api = await useMockApi();
    const records = dataset(45, (i) => ({
      id: i,
      amount: i < 30 ? i : i + 0.5,
      code: i < 35 ? i : `C-${i}`,
      ...(i >= 40 ? { late: { field: `L${i}` } } : {}),
    }));
    api.get('/things', offsetPages(records, { recordsKey: 'data' }));
    const loaded = config(api, [
      { path: '/things', records_path: '$.data', pagination: { type: 'offset', limit_param: 'limit', limit_value: 1, offset_param: 'offset' } },
    ]);
    const run = await runConnector(loaded, { stateDir: join(dir, 'state') }, { clock: new FakeClock() });
    expect(run.status).toBe('succeeded');
    expect(run.endpoints[0]!.pages).toBe(46);
    const types = await query(`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'things' ORDER BY ordinal_position`);
    expect(types).toEqual([
      { column_name: 'id', data_type: 'BIGINT' },
      { column_name: 'amount', data_type: 'DOUBLE' },
      { column_name: 'code', data_type: 'VARCHAR' },
      { column_name: 'late_field', data_type: 'VARCHAR' },
    ]);
    expect(await query(`SELECT id::INT AS id, amount, code, late_field FROM main.things WHERE id IN (1, 44) ORDER BY id`)).toEqual([
      { id: 1, amount: 1, code: '1', late_field: null },
      { id: 44, amount: 44.5, code: 'C-44', late_field: 'L44' },
    ]);
  });

  it.each([
    ['an HTML page', reply.html(), 'RESPONSE_NOT_JSON'],
    ['a records path that matches nothing', reply.json({ items: [{ id: 1 }] }), 'RECORDS_PATH_NO_MATCH'],
  ])('fails the endpoint with a clear error on %s', async (_name, response, code) => {
    const api = await useMockApi();
    api.get('/bad', response);
    const run = await runConnector(config(api, [{ path: '/bad', records_path: '$.data' }]), { stateDir: join(dir, 'state') }, { clock: new FakeClock() });
    expect(run.status).toBe('failed');
    expect(run.endpoints[0]!.error).toMatchObject({ code });
    expect(run.endpoints[0]!.error!.message).toMatch(/bad/);
  });

  it('never writes secrets to logs, run history or stage files', async () => {
    const api = await useMockApi();
    api.get('/users', (req, n, a) =>
      req.query.api_key === 'sk_live_TOPSECRET_1234' ? offsetPages(users, { recordsKey: 'data' })(req, n, a) : reply.status(401),
    );
    api.get('/broken', reply.status(404, { error: 'not here' }));
    const lines: string[] = [];
    const loaded = config(
      api,
      [
        { path: '/users', records_path: '$.data', pagination: { type: 'offset', limit_param: 'limit', limit_value: 100, offset_param: 'offset' } },
        { path: '/broken' },
      ],
      { auth: { type: 'api_key', key_name: 'api_key', key_value: '{{ env.API_KEY }}', location: 'query_parameter' } },
    );
    const logger = new TextLogger({ sink: { write: (s) => lines.push(s) }, redactor: loaded.redactor, level: 'debug' });
    const run = await runConnector(loaded, { stateDir: join(dir, 'state'), keepStage: true }, { clock: new FakeClock(), logger });
    expect(run.status).toBe('partially_failed');
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.join('')).toContain('/users');
    const haystack = [lines.join('\n')];
    const walk = async (d: string): Promise<void> => {
      for (const e of await readdir(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) await walk(p);
        else haystack.push((await readFile(p)).toString('latin1'));
      }
    };
    await walk(join(dir, 'state'));
    expect(haystack.length).toBeGreaterThan(2); // history + at least one stage file
    for (const text of haystack) expect(text).not.toContain('TOPSECRET');
  });
});
