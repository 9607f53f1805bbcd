import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { storeKinds } from '../support/stores.js';

const containing = (s: string): unknown => expect.stringContaining(s) as unknown;
import { dataset, offsetPages, reply, useMockApi } from '../support/mock-api.js';
import { rateBudgetKey } from '../../src/source/rest/rate-budget-key.js';
import { startApi, until, type TestApi } from './helpers.js';

interface Run {
  id: string;
  status: string;
  trigger: string;
  endpoints: { name: string; status: string; rows: number; pages: number; rows_loaded?: number; error?: { code: string } }[];
}

const TOKEN = 'sk_test_run_secret_991';

function config(apiUrl: string, dir: string, name: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    config: {
      base_url: apiUrl,
      auth: { type: 'bearer', token: TOKEN },
      endpoints: [
        { path: '/users', records_path: '$.data', pagination: { type: 'offset', limit_value: 10 } },
        { path: '/broken', name: 'broken' },
      ],
      destination: { type: 'duckdb', path: join(dir, `${name}.duckdb`) },
      ...extra,
    },
  };
}

/** Connects to the events socket; collects messages until `stop` returns true. */
function listen(url: string, stop: (m: Record<string, unknown>) => boolean): { opened: Promise<void>; done: Promise<Record<string, unknown>[]> } {
  const ws = new WebSocket(url);
  const messages: Record<string, unknown>[] = [];
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  const done = new Promise<Record<string, unknown>[]>((resolve) => {
    ws.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString()) as Record<string, unknown>;
      messages.push(m);
      if (stop(m)) {
        ws.close();
        resolve(messages);
      }
    });
  });
  return { opened, done };
}

describe.each(storeKinds())('runs, live events, preview, state and backfills on $name', (kind) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi(kind, { workers: 1 });
  }, 60_000);
  afterAll(() => api.close());

  it('runs a connector: 202, per-endpoint details, partial failure, and live WebSocket events through a ticket', async () => {
    const source = await useMockApi();
    source.get('/users', offsetPages(dataset(25), { recordsKey: 'data' }));
    source.get('/broken', reply.status(403, { error: 'no' }));
    const c = await api.call<{ id: string }>('POST', '/connectors', config(source.url, api.dir, 'runner'));
    expect(c.status).toBe(201);

    const ticket = await api.call<{ ticket: string }>('POST', '/ws-tickets', undefined, { token: await api.newToken({ readOnly: true }) });
    expect(ticket.status).toBe(201);
    const wsUrl = `${api.url.replace('http', 'ws')}/api/v1/events?ticket=${ticket.body.ticket}&connector_id=${c.body.id}`;
    const socket = listen(wsUrl, (m) => m.type === 'run.finished');
    await socket.opened;
    // A ticket is single-use; no ticket and no header is refused before the upgrade.
    await expect(listen(wsUrl, () => true).opened).rejects.toThrow('HTTP 401');
    await expect(listen(`${api.url.replace('http', 'ws')}/api/v1/events`, () => true).opened).rejects.toThrow('HTTP 401');

    const started = await api.call<Run>('POST', `/connectors/${c.body.id}/runs`, {});
    expect(started.status).toBe(202);
    expect(started.body.status).toBe('queued');
    const run = await until<Run>(api, `/runs/${started.body.id}`, (r) => r.status !== 'queued' && r.status !== 'running');
    expect(run.status).toBe('partially_failed');
    expect(run.endpoints.find((e) => e.name === 'users')).toMatchObject({ status: 'succeeded', rows: 25, pages: 3, rows_loaded: 25 });
    expect(run.endpoints.find((e) => e.name === 'broken')).toMatchObject({ status: 'failed', error: { code: 'HTTP_STATUS' } });
    expect(source.requestsTo('/users')[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);

    const events = await socket.done;
    const types = events.map((e) => `${e.type as string}${typeof e.endpoint === 'string' ? `:${e.endpoint}` : ''}`);
    expect(types[0]).toBe('subscribed');
    expect(types).toContain('run.started');
    expect(types).toContain('endpoint.loading:users');
    expect(types).toContain('endpoint.succeeded:users');
    expect(types).toContain('endpoint.failed:broken');
    expect(types.at(-1)).toBe('run.finished');
    expect(events.find((e) => e.type === 'endpoint.failed')).toMatchObject({ run_id: run.id, error: { code: 'HTTP_STATUS' } });
    expect(events.at(-1)).toMatchObject({ run_id: run.id, status: 'partially_failed', rows: 25, failed: ['broken'] });
    expect(JSON.stringify(events)).not.toContain(TOKEN);

    const listed = await api.call<{ data: Run[] }>('GET', `/runs?connector_id=${c.body.id}&status=partially_failed`);
    expect(listed.body.data.map((r) => r.id)).toEqual([run.id]);
    expect((await api.call<{ data: Run[] }>('GET', `/runs?connector_id=${c.body.id}&status=succeeded`)).body.data).toEqual([]);
  });

  it('refuses a second run while one is active (409), runs only named endpoints, and cancels a running run', async () => {
    const source = await useMockApi();
    source.get('/users', (req) => reply.delay(300, offsetPages(dataset(200), { recordsKey: 'data' })(req, 0, source) as never));
    const c = await api.call<{ id: string }>('POST', '/connectors', config(source.url, api.dir, 'slow'));
    const first = await api.call<Run>('POST', `/connectors/${c.body.id}/runs`, { endpoints: ['users'] });
    expect(first.status).toBe(202);
    await until<Run>(api, `/runs/${first.body.id}`, (r) => r.status === 'running');
    const second = await api.call('POST', `/connectors/${c.body.id}/runs`, {});
    expect(second.status).toBe(409);
    expect((second.body as { error: { code: string; message: string } }).error).toMatchObject({ code: 'conflict', message: containing(first.body.id) });
    const cancel = await api.call<Run>('POST', `/runs/${first.body.id}/cancel`);
    expect(cancel.status).toBe(202);
    const done = await until<Run>(api, `/runs/${first.body.id}`, (r) => r.status !== 'running');
    expect(done.status).toBe('cancelled');
    expect(done.endpoints.map((e) => e.name)).toEqual(['users']);
    expect((await api.call('POST', `/runs/${first.body.id}/cancel`)).status).toBe(409);
  });

  it('previews a test extraction and saves the include/exclude/rename picked from it', async () => {
    const source = await useMockApi();
    source.get('/users', offsetPages(dataset(3, (i) => ({ id: i, name: `n${i}`, address: { city: 'Auckland', country: 'NZ' } })), { recordsKey: 'data' }));
    const c = await api.call<{ id: string }>('POST', '/connectors', config(source.url, api.dir, 'picker'));
    type Preview = {
      inferred_columns: { name: string; selected_as: string | null }[];
      inferred_sample: Record<string, unknown>[];
      columns: { name: string }[];
      sample: Record<string, unknown>[];
      applied: boolean;
    };
    const p = await api.call<Preview>('POST', `/connectors/${c.body.id}/preview`, { endpoint: 'users' });
    expect(p.status).toBe(200);
    expect(p.body.inferred_columns.map((x) => x.name)).toEqual(['id', 'name', 'address_city', 'address_country']);
    expect(p.body.inferred_columns.map((x) => x.selected_as)).toEqual(['id', 'name', 'address_city', 'address_country']);
    const picked = await api.call<Preview>('POST', `/connectors/${c.body.id}/preview`, {
      endpoint: 'users',
      columns: { exclude: ['address_country'], rename: { address_city: 'city' } },
      apply: true,
    });
    expect(picked.body.inferred_columns.map((x) => x.name)).toEqual(['id', 'name', 'address_city', 'address_country']);
    expect(picked.body.columns.map((x) => x.name)).toEqual(['id', 'name', 'city']);
    expect(picked.body.sample[0]).toEqual({ id: 1, name: 'n1', city: 'Auckland' });
    expect(picked.body.applied).toBe(true);
    // Every inferred column keeps its sample values, and says what the selection makes of it.
    expect(picked.body.inferred_columns.map((x) => x.selected_as)).toEqual(['id', 'name', 'city', null]);
    expect(picked.body.inferred_sample[0]).toEqual({ id: 1, name: 'n1', address_city: 'Auckland', address_country: 'NZ' });
    // A parent name covers its children (floe's rule, not the client's): include ['address'].
    const parent = await api.call<Preview>('POST', `/connectors/${c.body.id}/preview`, { endpoint: 'users', columns: { include: ['address'], rename: { address_city: 'city' } } });
    expect(parent.body.inferred_columns.map((x) => x.selected_as)).toEqual([null, null, 'city', 'address_country']);
    expect(parent.body.columns.map((x) => x.name)).toEqual(['city', 'address_country']);
    const saved = await api.call<{ config: { endpoints: { columns?: unknown }[] } }>('GET', `/connectors/${c.body.id}`);
    expect(saved.body.config.endpoints[0]!.columns).toEqual({ exclude: ['address_country'], rename: { address_city: 'city' } });
    // Each preview is one request to the source.
    expect(source.requestsTo('/users')).toHaveLength(3);
  });

  it("rate_limit.shared: a 429's Retry-After seen by one worker is written to the API's budget row, pausing every worker", async () => {
    const source = await useMockApi();
    source.sequence('GET', '/limited', [reply.retryAfter(429, '1'), reply.json({ data: [{ id: 1 }, { id: 2 }] })]);
    const apiConfig = { base_url: source.url, auth: { type: 'bearer', token: TOKEN }, rate_limit: { requests_per_second: 20, shared: true } };
    const c = await api.call<{ id: string }>('POST', '/connectors', {
      name: 'budgeted',
      config: { ...apiConfig, endpoints: [{ path: '/limited', records_path: '$.data' }], destination: { type: 'duckdb', path: join(api.dir, 'budgeted.duckdb') } },
    });
    const started = await api.call<Run>('POST', `/connectors/${c.body.id}/runs`, {});
    const run = await until<Run>(api, `/runs/${started.body.id}`, (r) => r.status !== 'queued' && r.status !== 'running');
    expect(run.status).toBe('succeeded');
    expect(source.requestsTo('/limited')).toHaveLength(2);
    // The budget row of this API and credential took both requests and holds the 429's pause.
    const key = rateBudgetKey(apiConfig as Parameters<typeof rateBudgetKey>[0]);
    const rows = await api.server.store.db.query<{ key: string; blocked_until: Date | null }>('SELECT key, blocked_until FROM rate_budgets WHERE key LIKE $1', ['rest:%']);
    expect(rows.map((r) => r.key)).toContain(key);
    expect(rows.find((r) => r.key === key)!.blocked_until).not.toBeNull();
    expect(key).not.toContain(TOKEN);
  });

  it('shows, sets and resets incremental state, and backfills in windows', async () => {
    const source = await useMockApi();
    source.get('/events', (req) => reply.json({ data: [{ id: `${req.query.since}`, at: req.query.since }] }));
    const body = {
      name: 'incr',
      config: {
        base_url: source.url,
        endpoints: [
          {
            path: '/events',
            records_path: '$.data',
            query_params: { since: '{{ incremental.start_value }}' },
            incremental: { cursor_path: '$.at', initial_value: '2024-01-01' },
          },
        ],
        destination: { type: 'duckdb', path: join(api.dir, 'incr.duckdb') },
      },
    };
    const c = await api.call<{ id: string }>('POST', '/connectors', body);
    const set = await api.call('PUT', `/connectors/${c.body.id}/state/events`, { value: '2024-02-01' });
    expect(set.status).toBe(200);
    const shown = await api.call<{ data: { endpoint: string; state: unknown }[] }>('GET', `/connectors/${c.body.id}/state`);
    expect(JSON.stringify(shown.body.data[0]!.state)).toContain('2024-02-01');
    expect((await api.call('DELETE', `/connectors/${c.body.id}/state/events`)).status).toBe(204);
    expect((await api.call<{ data: { state: unknown }[] }>('GET', `/connectors/${c.body.id}/state`)).body.data[0]!.state).toBeNull();

    const ticket = await api.call<{ ticket: string }>('POST', '/ws-tickets', undefined, { token: await api.newToken({ readOnly: true }) });
    const socket = listen(`${api.url.replace('http', 'ws')}/api/v1/events?ticket=${ticket.body.ticket}&connector_id=${c.body.id}`, (m) => m.type === 'backfill.finished');
    await socket.opened;
    const bf = await api.call<{ id: string }>('POST', `/connectors/${c.body.id}/backfills`, { from: '2024-01-01', to: '2024-01-04', step: '1d' });
    expect(bf.status).toBe(202);
    type Backfill = { status: string; counts: { total: number; succeeded: number }; windows: { window: string; status: string }[] };
    const done = await until<Backfill>(api, `/backfills/${bf.body.id}`, (b) => b.status !== 'queued' && b.status !== 'running');
    expect(done.status).toBe('succeeded');
    expect(done.counts).toMatchObject({ total: 3, succeeded: 3 });
    expect(source.requestsTo('/events').map((r) => r.query.since).sort()).toEqual(['2024-01-01', '2024-01-02', '2024-01-03']);
    // Live: the backfill's start, each window's unit as it starts and succeeds, and its end.
    const events = await Promise.race([
      socket.done,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no backfill.finished event within 15 s of the backfill ending')), 15_000)),
    ]);
    expect(events.find((e) => e.type === 'backfill.started')).toMatchObject({ backfill_id: bf.body.id, windows: 3, units: 3, already_done: 0 });
    const windows = events.filter((e) => e.type === 'backfill.window');
    expect(windows.filter((e) => e.status === 'succeeded').map((e) => e.window).sort()).toEqual(done.windows.map((w) => w.window).sort());
    expect(windows.every((e) => e.backfill_id === bf.body.id && e.endpoint === 'events')).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'backfill.finished', backfill_id: bf.body.id, status: 'succeeded', succeeded: 3, failed: 0, rows: 3 });
    expect((await api.call('POST', `/backfills/${bf.body.id}/retry`)).status).toBe(409);
    const badStep = await api.call('POST', `/connectors/${c.body.id}/backfills`, { from: '2024-01-01', to: '2024-01-04', step: '1h' });
    expect(badStep.status).toBe(400);
    expect((badStep.body as { error: { details: { field: string }[] } }).error.details[0]!.field).toBe('step');
  });
}, 120_000);
