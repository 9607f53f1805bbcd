/**
 * Three `floe serve` replicas as separate processes on one PostgreSQL store: a run is claimed by
 * exactly one worker; that worker is killed with SIGKILL mid-run; another replica takes the run
 * over under the same run id and finishes it, and the table holds every row exactly once. A
 * WebSocket client on a replica that did not execute the run sees its events.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { openStore } from '../../src/store/store.js';
import { dataset, offsetPages, reply, useMockApi } from '../support/mock-api.js';
import { FLOE_BIN, killHard } from '../support/floe-process.js';
import { freshDatabase, storeKinds } from '../support/stores.js';

const hasPostgres = storeKinds().some((k) => k.name === 'postgres');
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) await killHard(c);
  }
});

function startReplica(env: Record<string, string>, dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [FLOE_BIN, 'serve', '--port', '0', '--workers', '1', '--data-dir', dataDir], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /API (http:\/\/\S+)\/api\/v1/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.once('exit', (code) => reject(new Error(`replica exited ${code}: ${err}`)));
  });
}

describe.runIf(hasPostgres)('replicas on PostgreSQL', () => {
  it('3 processes: one claim per run, kill -9 mid-run, resumed elsewhere under the same run id, rows exactly once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'floe-replicas-'));
    try {
      const source = await useMockApi();
      const rows = dataset(300);
      source.get('/users', (req, n) => reply.delay(120, offsetPages(rows, { recordsKey: 'data' })(req, n, source) as never));
      const url = await freshDatabase();
      const env = {
        FLOE_DATABASE_URL: url,
        FLOE_MASTER_KEY: randomBytes(32).toString('base64'),
        FLOE_SERVE_HEARTBEAT_MS: '200',
        FLOE_SERVE_STALE_MS: '1500',
        FLOE_SERVE_POLL_MS: '100',
        FLOE_SERVE_SCHEDULER_MS: '500',
      };
      const replicas = await Promise.all([0, 1, 2].map(() => startReplica(env, join(dir, 'data'))));
      const store = await openStore({ databaseUrl: url, dataDir: join(dir, 'data'), env });
      const { token } = await store.tokens.create({ tenant: 't', name: 'test', readOnly: false });
      const call = async <T>(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
        const res = await fetch(`${base}/api/v1${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
        return { status: res.status, body: (await res.json()) as T };
      };
      try {
        const c = await call<{ id: string }>(replicas[0]!.url, 'POST', '/connectors', {
          name: 'big',
          config: {
            base_url: source.url,
            endpoints: [{ path: '/users', records_path: '$.data', pagination: { type: 'offset', limit_value: 10 } }],
            destination: { type: 'duckdb', path: join(dir, 'big.duckdb') },
            stage: { checkpoint_pages: 5 },
          },
        });
        expect(c.status).toBe(201);
        // A WebSocket client on every replica.
        const seen = await Promise.all(
          replicas.map(async (r) => {
            const { body } = await call<{ ticket: string }>(r.url, 'POST', '/ws-tickets');
            const ws = new WebSocket(`${r.url.replace('http', 'ws')}/api/v1/events?ticket=${body.ticket}`);
            const events: Record<string, unknown>[] = [];
            ws.on('message', (d: Buffer) => events.push(JSON.parse(d.toString()) as Record<string, unknown>));
            ws.on('error', () => undefined);
            await new Promise((res) => ws.once('open', res));
            return { ws, events };
          }),
        );
        const run = await call<{ id: string }>(replicas[1]!.url, 'POST', `/connectors/${c.body.id}/runs`, {});
        expect(run.status).toBe(202);

        // Wait until the run is well under way, then kill its worker's process with SIGKILL.
        let victim: string | undefined;
        for (let i = 0; i < 600 && !victim; i++) {
          const [row] = await store.db.query<{ worker_id: string | null; record: { endpoints: { pages: number }[] } | null }>('SELECT worker_id, record FROM runs WHERE id = $1', [run.body.id]);
          if (row?.worker_id && (row.record?.endpoints[0]?.pages ?? 0) >= 8) victim = row.worker_id;
          else await new Promise((r) => setTimeout(r, 50));
        }
        expect(victim).toBeDefined();
        const pid = Number(victim!.split(':')[1]);
        const killed = replicas.find((r) => r.child.pid === pid)!;
        expect(killed).toBeDefined();
        const gone = new Promise((r) => killed.child.once('exit', r));
        killed.child.kill('SIGKILL');
        await gone;

        const survivor = replicas.find((r) => r !== killed)!;
        let final: { status: string; attempts: number; resumed_at: string[]; endpoints: { rows: number; rows_loaded?: number }[] } | undefined;
        for (let i = 0; i < 1200; i++) {
          const r = await call<NonNullable<typeof final>>(survivor.url, 'GET', `/runs/${run.body.id}`);
          if (r.body.status !== 'queued' && r.body.status !== 'running') {
            final = r.body;
            break;
          }
          await new Promise((res) => setTimeout(res, 50));
        }
        expect(final).toMatchObject({ status: 'succeeded', attempts: 2 });
        expect(final!.resumed_at.length).toBe(1);
        const [row] = await store.db.query<{ worker_id: string }>('SELECT worker_id FROM runs WHERE id = $1', [run.body.id]);
        expect(row!.worker_id).not.toBe(victim);
        expect((await store.db.query('SELECT id FROM runs')).length).toBe(1);

        // A client on a replica that did not execute the run saw it finish.
        const executor = Number(row!.worker_id.split(':')[1]);
        const watcher = replicas.findIndex((r) => r !== killed && r.child.pid !== executor);
        await expect.poll(() => seen[watcher]!.events.some((e) => e.type === 'run.finished' && e.run_id === run.body.id), { timeout: 10_000 }).toBe(true);
        for (const s of seen) s.ws.close();

        // Exactly once in the table, whatever the kill interrupted.
        for (const r of replicas) if (r !== killed) r.child.kill('SIGTERM');
        await Promise.all(replicas.filter((r) => r !== killed).map((r) => new Promise((res) => (r.child.exitCode !== null ? res(null) : r.child.once('exit', res)))));
        const db = await DuckDBInstance.create(join(dir, 'big.duckdb'));
        const conn = await db.connect();
        const result = await conn.runAndReadAll('SELECT count(*)::INTEGER AS n, count(DISTINCT id)::INTEGER AS d FROM users');
        expect(result.getRowObjects()[0]).toEqual({ n: 300, d: 300 });
        conn.closeSync();
      } finally {
        await store.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
