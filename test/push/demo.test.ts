/**
 * The "done when": a table loaded by `floe run` (the demo) is pushed to the demo API in
 * batches with one command, `floe push config/demo-push.yaml` — the real CLI, as a user runs it.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApi, type DemoApi } from '../../scripts/demo-api.js';
import { runFloe } from '../support/floe-process.js';
import { tempDir } from './helpers.js';

const root = join(import.meta.dirname, '..', '..');
let api: DemoApi;

beforeAll(async () => {
  // Every 7th request answers 503: retries travel with the batch's idempotency key.
  api = await startDemoApi({ fail503Every: 7, fail429At: 0, users: 250, orders: 20, events: 20, tickets: 10 });
});
afterAll(() => api.close());

describe('floe push of the demo', () => {
  it('pushes the users table that floe run loaded to the demo API in batches of 100, once', { timeout: 60_000 }, async () => {
    const cwd = await tempDir('floe-push-demo-');
    const env = { DEMO_PORT: String(api.port), DEMO_KEY: api.key };
    const run = await runFloe(['run', join(root, 'config', 'demo.yaml'), '--json'], env, cwd);
    expect(run.code, run.stderr).toBe(0);

    const push = await runFloe(['push', join(root, 'config', 'demo-push.yaml'), '--json'], env, cwd);
    expect(push.code, push.stderr).toBe(0);
    const summary = JSON.parse(push.stdout) as { status: string; outputs: Record<string, unknown>[] };
    expect(summary.status).toBe('succeeded');
    expect(summary.outputs[0]).toMatchObject({ name: 'contacts', source: 'the query', status: 'succeeded', rows: 250, rows_sent: 250, batches_sent: 3 });
    expect(summary.outputs[0]!.http_retries).toBeGreaterThan(0);
    expect(api.received).toMatchObject({ rows: 250, batches: 3 });
    expect(api.received.contacts.size).toBe(250);
    expect(api.received.contacts.get('1')).toEqual({
      id: 1,
      email: 'user1@example.com',
      name: expect.any(String) as string,
      city: expect.any(String) as string,
      country: expect.any(String) as string,
      score: expect.any(Number) as number,
      active: expect.any(Boolean) as boolean,
    });
    expect(push.stderr).not.toContain(api.key);

    // Again: every batch is in the ledger, nothing is sent.
    const again = await runFloe(['push', join(root, 'config', 'demo-push.yaml')], env, cwd);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/contacts\s+succeeded\s+250\s+0\s+0\s+250/);
    expect(api.received.rows).toBe(250);

    const history = await runFloe(['push', join(root, 'config', 'demo-push.yaml'), '--history', '--json'], env, cwd);
    const pushes = JSON.parse(history.stdout) as { status: string; outputs: { rows_sent: number }[] }[];
    expect(pushes.map((p) => [p.status, p.outputs[0]!.rows_sent])).toEqual([
      ['succeeded', 0],
      ['succeeded', 250],
    ]);

    const unknown = await runFloe(['push', join(root, 'config', 'demo-push.yaml'), '--output', 'nope'], env, cwd);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no output named "nope"; known: contacts');
  });
});
