/** A real `floe serve` on 127.0.0.1:0 over a test store, and a small fetch-based client. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type FloeServer, type ServeOptions } from '../../src/api/floe-server.js';
import type { Clock } from '../../src/util/clock.js';
import type { StoreKind } from '../support/stores.js';

export interface ApiResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

export interface TestApi {
  readonly server: FloeServer;
  readonly url: string;
  readonly token: string;
  readonly dir: string;
  call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, opts?: { token?: string | null; headers?: Record<string, string>; raw?: string }): Promise<ApiResponse<T>>;
  newToken(opts?: { tenant?: string; readOnly?: boolean }): Promise<string>;
  close(): Promise<void>;
}

export async function startApi(kind: StoreKind, opts: Partial<ServeOptions> & { clock?: Clock } = {}): Promise<TestApi> {
  const dir = await mkdtemp(join(tmpdir(), 'floe-api-'));
  const store = await kind.open({ dataDir: dir, ...(opts.clock ? { clock: opts.clock } : {}) });
  const server = await startServer({ port: 0, workers: 0, schedulerEveryMs: 0, pollMs: 50, env: {}, ...opts, store });
  const { token } = await store.tokens.create({ tenant: 'acme', name: 'test', readOnly: false });
  const call: TestApi['call'] = async (method, path, body, o = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    const t = o.token === undefined ? token : o.token;
    if (t) headers.authorization = `Bearer ${t}`;
    if (body !== undefined || o.raw !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(`${server.url}/api/v1${path}`, { method, headers, ...(o.raw !== undefined ? { body: o.raw } : body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as never };
  };
  return {
    server,
    url: server.url,
    token,
    dir,
    call,
    newToken: async (o = {}) => (await store.tokens.create({ tenant: o.tenant ?? 'acme', name: 'extra', readOnly: o.readOnly ?? false })).token,
    close: async () => {
      await server.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A minimal native config against `apiUrl`, loading into DuckDB under `dir`. */
export function nativeConfig(apiUrl: string, dir: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    base_url: apiUrl,
    endpoints: [{ path: '/users', records_path: '$.data' }],
    destination: { type: 'duckdb', path: join(dir, 'warehouse.duckdb') },
    ...extra,
  };
}

/** Polls `GET path` until `done(body)`; real time, generous. */
export async function until<T>(api: TestApi, path: string, done: (b: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const r = await api.call<T>('GET', path);
    if (done(r.body)) return r.body;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting on ${path}: ${JSON.stringify(r.body)}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}
