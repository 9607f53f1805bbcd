/**
 * `floe serve` stopped by SIGTERM (a Kubernetes rollout, systemd) while a run is in progress: the
 * run gets FLOE_SERVE_GRACE_MS to finish, then is stopped with its checkpoint saved and queued
 * again; the next `floe serve` on the same store picks it up under the same run id, resumes at
 * the page after the checkpoint (not page 1), and the table holds every row once. Embedded store
 * (PGlite in the data dir), real processes, a real HTTP API, DuckDB.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { dataset, offsetPages, reply, useMockApi } from '../support/mock-api.js';
import { FLOE_BIN, killHard, runFloe } from '../support/floe-process.js';

const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) await killHard(c);
  }
});

const ENV = { FLOE_SERVE_POLL_MS: '100', FLOE_SERVE_HEARTBEAT_MS: '200', FLOE_SERVE_SCHEDULER_MS: '0', FLOE_SERVE_GRACE_MS: '300' };

function startServe(dataDir: string): { child: ChildProcess; url: Promise<string>; exit: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(process.execPath, [FLOE_BIN, 'serve', '--port', '0', '--workers', '1', '--data-dir', dataDir], {
    env: { PATH: process.env.PATH ?? '', ...ENV },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ code: number | null; stderr: string }>((r) => child.once('exit', (code) => r({ code, stderr: err })));
  const url = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/[\d.:]+)\/api\/v1/.exec(out);
      if (m) resolve(m[1]!);
    });
    void exit.then(({ code }) => reject(new Error(`floe serve exited ${code}: ${err}`)));
  });
  return { child, url, exit };
}

interface RunView {
  id: string;
  status: string;
  attempts: number;
  resumed_at: string[];
  endpoints: { pages: number; rows: number; rows_loaded?: number }[];
}

describe('floe serve and SIGTERM', () => {
  it('a run stopped by SIGTERM is queued again and resumed by the next floe serve under the same run id, rows once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'serve-sigterm-'));
    try {
      const source = await useMockApi();
      const rows = dataset(300);
      source.get('/users', (req, n) => reply.delay(100, offsetPages(rows, { recordsKey: 'data' })(req, n, source) as never));
      const dataDir = join(dir, 'data');
      const created = await runFloe(['tokens', 'create', '--data-dir', dataDir], ENV);
      expect(created.code, created.stderr).toBe(0);
      const token = created.stdout.trim();
      const call = async <T>(base: string, method: string, path: string, body?: unknown): Promise<T> => {
        const res = await fetch(`${base}/api/v1${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
        expect(res.status).toBeLessThan(300);
        return (await res.json()) as T;
      };

      const first = startServe(dataDir);
      const url1 = await first.url;
      const c = await call<{ id: string }>(url1, 'POST', '/connectors', {
        name: 'big',
        config: {
          base_url: source.url,
          endpoints: [{ path: '/users', records_path: '$.data', pagination: { type: 'offset', limit_value: 10 } }],
          destination: { type: 'duckdb', path: join(dir, 'big.duckdb') },
          stage: { checkpoint_pages: 5 },
        },
      });
      const run = await call<{ id: string }>(url1, 'POST', `/connectors/${c.id}/runs`, {});
      await expect.poll(async () => (await call<RunView>(url1, 'GET', `/runs/${run.id}`)).endpoints[0]?.pages ?? 0, { timeout: 60_000, interval: 50 }).toBeGreaterThanOrEqual(8);

      first.child.kill('SIGTERM');
      const stopped = await first.exit;
      expect(stopped.code).toBe(0); // a server stopping as asked
      expect(stopped.stderr).toMatch(/job interrupted; queued again to be resumed/);
      const before = source.requests.length;
      expect(before).toBeLessThan(30); // stopped mid-run

      const second = startServe(dataDir);
      const url2 = await second.url;
      let final: RunView | undefined;
      await expect
        .poll(
          async () => {
            final = await call<RunView>(url2, 'GET', `/runs/${run.id}`);
            return final.status;
          },
          { timeout: 60_000, interval: 100 },
        )
        .toBe('succeeded');
      expect(final).toMatchObject({ id: run.id, attempts: 2 });
      expect(final!.resumed_at).toHaveLength(1);
      // Resumed at the page after the checkpoint, not at the first page.
      const resumedFrom = Number(source.requests[before]!.query.offset);
      expect(resumedFrom).toBeGreaterThanOrEqual(80);
      expect(source.requests.slice(before).map((r) => Number(r.query.offset))).not.toContain(0);
      second.child.kill('SIGTERM');
      await second.exit;

      const db = await DuckDBInstance.create(join(dir, 'big.duckdb'));
      const conn = await db.connect();
      const counted = await conn.runAndReadAll('SELECT count(*)::INTEGER AS n, count(DISTINCT id)::INTEGER AS d FROM users');
      expect(counted.getRowObjects()[0]).toEqual({ n: 300, d: 300 });
      const ledger = await conn.runAndReadAll('SELECT run_id FROM _floe_loads');
      expect(ledger.getRowObjects()).toEqual([{ run_id: run.id }]);
      conn.closeSync();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
