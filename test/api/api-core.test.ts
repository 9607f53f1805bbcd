import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/util/clock.js';
import { TextLogger } from '../../src/util/logger.js';
import { storeKinds } from '../support/stores.js';

const anyString = expect.any(String) as unknown;
const containing = (s: string): unknown => expect.stringContaining(s) as unknown;
const arrayContaining = (a: unknown[]): unknown => expect.arrayContaining(a) as unknown;
import { nativeConfig, startApi, type TestApi } from './helpers.js';

const SECRET = 'sk_live_4f8a1c2e9b7d6a5f';
const SF_PASSWORD = 'Warehouse-Pa55word!';

describe.each(storeKinds())('management API on $name', (kind) => {
  let api: TestApi;
  const lines: string[] = [];
  beforeAll(async () => {
    api = await startApi(kind, { logger: new TextLogger({ json: true, sink: { write: (l) => lines.push(l) } }) });
  }, 60_000);
  afterAll(() => api.close());

  it('answers 401 unauthorized without or with a bad token, in the exact error format, with X-Request-Id', async () => {
    for (const token of [null, 'floe_nope']) {
      const r = await api.call('GET', '/connectors', undefined, { token });
      expect(r.status).toBe(401);
      expect(Object.keys(r.body)).toEqual(['error']);
      expect(r.body).toEqual({ error: { code: 'unauthorized', message: anyString } });
      expect(r.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{20}$/);
    }
  });

  it('echoes a client X-Request-Id and puts it in every log line of that request', async () => {
    lines.length = 0;
    const r = await api.call('POST', '/connectors', { name: 'logged', config: nativeConfig('http://127.0.0.1:9', api.dir) }, { headers: { 'x-request-id': 'req_client_42' } });
    expect(r.status).toBe(201);
    expect(r.headers.get('x-request-id')).toBe('req_client_42');
    const mine = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.request_id === 'req_client_42');
    expect(mine.map((l) => l.msg)).toEqual(['request', 'connector created', 'response']);
    // Every line logged while the request ran carries an id.
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>).every((l) => typeof l.request_id === 'string')).toBe(true);
  });

  it('forbids writes with a read-only token (403) and allows reads', async () => {
    const ro = await api.newToken({ readOnly: true });
    expect((await api.call('GET', '/connectors', undefined, { token: ro })).status).toBe(200);
    const w = await api.call('POST', '/connectors', { name: 'x', config: nativeConfig('http://127.0.0.1:9', api.dir) }, { token: ro });
    expect(w.status).toBe(403);
    expect(w.body).toEqual({ error: { code: 'forbidden', message: containing('read-only') } });
  });

  it('reports config errors as validation_error with floe config paths', async () => {
    const bad = nativeConfig('http://127.0.0.1:9', api.dir, {
      endpoints: [{ path: '/users', pagination: { type: 'cursor', cursor_param: 'c' }, colour: 'red' }],
    });
    const r = await api.call('POST', '/connectors', { name: 'bad', config: bad });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      error: {
        code: 'validation_error',
        message: 'Request validation failed.',
        details: arrayContaining([
          { field: 'config.endpoints[0].pagination.cursor_path', message: containing('required') },
          { field: 'config.endpoints[0]', message: containing('"colour"') },
        ]),
      },
    });
    const missing = await api.call('POST', '/connectors', { config: { ...nativeConfig('http://127.0.0.1:9', api.dir) } });
    expect((missing.body as { error: { details: unknown } }).error.details).toEqual([{ field: 'name', message: anyString }]);
    const schedule = await api.call('POST', '/connectors', { name: 's', config: nativeConfig('http://127.0.0.1:9', api.dir), schedule: { mode: 'hours', every: 2, offset_minutes: 500 } });
    expect(schedule.body).toEqual({ error: { code: 'validation_error', message: 'Request validation failed.', details: [{ field: 'schedule.offset_minutes', message: anyString }] } });
    const json = await api.call('POST', '/connectors', undefined, { raw: '{"name": ' });
    expect(json.status).toBe(400);
    expect((json.body as { error: { code: string } }).error.code).toBe('validation_error');
  });

  it('answers 404 resource_not_found, 409 conflict on a duplicate name, 422 for an unknown endpoint', async () => {
    const nf = await api.call('GET', '/connectors/con_missing');
    expect(nf.status).toBe(404);
    expect(nf.body).toEqual({ error: { code: 'resource_not_found', message: "Connector with ID 'con_missing' was not found." } });
    const first = await api.call<{ id: string }>('POST', '/connectors', { name: 'dup', config: nativeConfig('http://127.0.0.1:9', api.dir) });
    expect(first.status).toBe(201);
    const again = await api.call('POST', '/connectors', { name: 'dup', config: nativeConfig('http://127.0.0.1:9', api.dir) });
    expect(again.status).toBe(409);
    expect((again.body as { error: { code: string } }).error.code).toBe('conflict');
    const run = await api.call('POST', `/connectors/${first.body.id}/runs`, { endpoints: ['nope'] });
    expect(run.status).toBe(422);
    expect((run.body as { error: { code: string; message: string } }).error).toEqual({ code: 'unprocessable_entity', message: containing('"nope"') });
  });

  it('accepts configs in every dialect, keeps secrets write-only and never stores them in plain text', async () => {
    const dlt = {
      client: { base_url: 'https://api.example.com/v1', auth: { type: 'bearer', token: SECRET } },
      resources: [{ name: 'customers', endpoint: { path: 'customers', data_selector: 'data' } }],
      destination: { type: 'snowflake', account: 'acme', user: 'floe', authenticator: 'snowflake', password: SF_PASSWORD, database: 'RAW' },
    };
    const r = await api.call<{ id: string; dialect: string; config: Record<string, Record<string, unknown>>; endpoints: unknown[] }>('POST', '/connectors', { name: 'dlt-one', config: dlt });
    expect(r.status).toBe(201);
    expect(r.body.dialect).toBe('dlt');
    // Endpoints as runs name them, whatever the dialect (a dlt resource without a paginator: auto, as in dlt).
    expect(r.body.endpoints).toEqual([
      { name: 'customers', table: 'customers', method: 'GET', path: 'customers', pagination: 'auto', incremental_cursor_path: null, write_disposition: null },
    ]);
    expect(r.body.config.auth).toEqual({ type: 'bearer', token: '***' });
    expect(r.body.config.destination!.password).toBe('***');
    expect(JSON.stringify(r.body)).not.toContain(SECRET);
    // A round trip with the masked value keeps the secret; YAML text is accepted too.
    const patched = await api.call<{ config: Record<string, unknown> }>('PATCH', `/connectors/${r.body.id}`, { config: r.body.config });
    expect(patched.status).toBe(200);
    const yaml = `name: yaml-one\nbase_url: https://api.example.com\nauth: { type: api_key, key_name: X-API-Key, key_value: ${SECRET} }\nendpoints:\n  - path: /things\n`;
    const y = await api.call<{ dialect: string; endpoints: { name: string; table: string }[] }>('POST', '/connectors', { config: yaml });
    expect(y.status).toBe(201);
    expect(y.body.endpoints.map((e) => [e.name, e.table])).toEqual([['things', 'things']]);
    // Straight from the database: no table holds a secret in plain text, in any encoding.
    const dump = JSON.stringify(
      await Promise.all(['connectors', 'runs', 'schedules', 'api_tokens', 'floe_meta'].map((t) => api.server.store.db.query(`SELECT * FROM ${t}`))),
    );
    for (const s of [SECRET, SF_PASSWORD, encodeURIComponent(SF_PASSWORD), Buffer.from(SECRET).toString('base64')]) expect(dump).not.toContain(s);
    expect(dump).toContain('floe:aes256gcm:');
    const opened = (await api.server.store.connectors.get('acme', r.body.id))!;
    expect(JSON.stringify(opened.config)).not.toContain(SECRET);
  });

  it('paginates lists with opaque cursors: limit default 50, max 100, has_more and next_cursor', async () => {
    const t2 = await api.newToken({ tenant: 'pages' });
    for (let i = 0; i < 7; i++) {
      const r = await api.call('POST', '/connectors', { name: `p${i}`, config: nativeConfig('http://127.0.0.1:9', api.dir) }, { token: t2 });
      expect(r.status).toBe(201);
    }
    type Page = { data: { name: string }[]; next_cursor: string | null; has_more: boolean };
    const names: string[] = [];
    let cursor: string | null = null;
    const sizes: number[] = [];
    do {
      const r: { status: number; body: Page } = await api.call<Page>('GET', `/connectors?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, undefined, { token: t2 });
      expect(r.status).toBe(200);
      expect(Object.keys(r.body).sort()).toEqual(['data', 'has_more', 'next_cursor']);
      sizes.push(r.body.data.length);
      names.push(...r.body.data.map((c) => c.name));
      expect(r.body.has_more).toBe(r.body.next_cursor !== null);
      cursor = r.body.next_cursor;
    } while (cursor);
    expect(sizes).toEqual([3, 3, 1]);
    expect([...names].sort()).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
    const all = await api.call<Page>('GET', '/connectors', undefined, { token: t2 });
    expect(all.body.data.map((c) => c.name)).toEqual(names);
    expect(all.body).toMatchObject({ has_more: false, next_cursor: null });
    const tooMany = await api.call('GET', '/connectors?limit=101', undefined, { token: t2 });
    expect(tooMany.status).toBe(400);
    expect((tooMany.body as { error: { details: { field: string }[] } }).error.details[0]!.field).toBe('limit');
    const forged = await api.call('GET', '/connectors?cursor=eyJpZCI6MTAwfQ==', undefined, { token: t2 });
    expect(forged.status).toBe(400);
    expect((forged.body as { error: { details: { field: string }[] } }).error.details[0]!.field).toBe('cursor');
    // Another tenant sees none of them.
    const other = await api.call<Page>('GET', '/connectors', undefined, { token: await api.newToken({ tenant: 'elsewhere' }) });
    expect(other.body.data).toEqual([]);
  });

  it('publishes an OpenAPI 3.1 document generated from the validating schemas', async () => {
    const r = await api.call<{ openapi: string; paths: Record<string, Record<string, { parameters?: { name: string; schema: { maximum?: number } }[]; requestBody?: unknown }>> }>(
      'GET',
      '/openapi.json',
      undefined,
      { token: null },
    );
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe('3.1.0');
    const list = r.body.paths['/api/v1/connectors']!;
    expect(list.get!.parameters!.find((p) => p.name === 'limit')!.schema.maximum).toBe(100);
    expect(JSON.stringify(list.post!.requestBody)).toContain('"schedule"');
    expect(Object.keys(r.body.paths)).toEqual(expect.arrayContaining(['/api/v1/runs/{id}', '/api/v1/runs/{id}/cancel', '/api/v1/schedules', '/api/v1/ws-tickets']));
  });
}, 120_000);

describe.each(storeKinds())('per-tenant rate limit on $name', (kind) => {
  it('answers 429 rate_limited with Retry-After once the tenant budget is spent, for every token of the tenant', async () => {
    const clock = new FakeClock(Date.UTC(2026, 4, 1));
    const api = await startApi(kind, { clock, rateLimit: { perSecond: 1, burst: 3 } });
    try {
      const other = await api.newToken(); // same tenant, another user
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await api.call('GET', '/connectors')).status);
      expect(statuses).toEqual([200, 200, 200]);
      const limited = await api.call('GET', '/connectors', undefined, { token: other });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('1');
      expect(limited.body).toEqual({ error: { code: 'rate_limited', message: anyString } });
      expect((await api.call('GET', '/connectors', undefined, { token: await api.newToken({ tenant: 'b' }) })).status).toBe(200);
      clock.advance(1000);
      expect((await api.call('GET', '/connectors')).status).toBe(200);
    } finally {
      await api.close();
    }
  });
}, 120_000);
