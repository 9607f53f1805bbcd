/**
 * Exactly once through crashes: a real `floe push` process is killed with SIGKILL at seeded random
 * points — while it plans, between batches, and at the worst moment, when the API has taken a batch
 * but the answer never reaches floe — then run again, until it completes. The receiver must end
 * with every row once; the only repeats allowed are re-sent batches carrying a key the API had
 * already taken (at most one per kill). Rows the API refuses are set aside and delivered, once, by
 * the push after the API accepts them.
 */
import type { ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rng } from '../../scripts/demo-api.js';
import { killHard, runFloe, startFloe } from '../support/floe-process.js';
import { contactsSql, duck, range, receiver, tempDir } from './helpers.js';

const ROWS = 120;

/** A warehouse with `rows` contacts, and a push config file with one output of it. */
async function warehouseAndConfig(dir: string, rows: number, output: Record<string, unknown>): Promise<string> {
  await duck(join(dir, 'w.duckdb'), `CREATE TABLE contacts AS ${contactsSql(rows)}`);
  const config = join(dir, 'push.json');
  const destination = { type: 'duckdb', path: join(dir, 'w.duckdb') };
  await writeFile(config, JSON.stringify({ name: 'kill', destination, outputs: [{ name: 'contacts', table: 'contacts', key: ['id'], ...output }] }));
  return config;
}
const BAD = new Set([17, 18, 95]);

describe('floe push killed with SIGKILL at random points', () => {
  it.each([[1], [7], [42]])(
    'seed %i: every row reaches the API once; repeats only under a key it already took',
    async (seed) => {
      const random = rng(seed);
      const dir = await tempDir('floe-push-kill-');
      let strict = true;
      const r = await receiver({
        wrapKey: 'records',
        rejects: (row) => (strict && BAD.has(Number(row.id)) ? 'invalid email' : undefined),
      });
      const config = await warehouseAndConfig(dir, ROWS, {
        url: r.url,
        batch_size: 8,
        wrap_key: 'records',
        rate_limit: { requests_per_second: 40 },
        retry: { max_retries: 2, initial_delay_seconds: 0.05 },
      });
      const args = ['push', config, '--state-dir', join(dir, 'state'), '--json'];

      const kills: string[] = [];
      let worstFired = 0;
      for (let round = 0; round < 5; round++) {
        const child: ChildProcess = startFloe(args);
        const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
        const takenBefore = r.requests.filter((q) => q.taken && !q.replay).length;
        // The first round always dies at the worst moment (early enough to be reached); later
        // rounds at either kind of point.
        if (round === 0 || random() < 0.6) {
          // The worst moment: the API has taken batch k of this round, the pusher dies before it
          // hears the answer (so before it can mark the batch delivered).
          const k = 1 + Math.floor(random() * (round === 0 ? 4 : 8));
          kills.push(`at batch ${k}`);
          r.onTaken = (n) => {
            if (n !== takenBefore + k) return;
            child.kill('SIGKILL');
            worstFired++;
          };
        } else {
          // Anywhere: starting, reading the table, writing the plan, sending, journaling.
          const ms = 300 + Math.floor(random() * 1200);
          kills.push(`after ${ms} ms`);
          setTimeout(() => void killHard(child), ms);
        }
        await exited;
        r.onTaken = undefined;
      }

      const finished = await runFloe(args);
      expect(finished.code, finished.stderr).toBe(3); // rows rejected: partially failed, resumable
      const summary = JSON.parse(finished.stdout) as {
        outputs: { rows_rejected: number; rejected_file: string }[];
      };
      expect(summary.outputs[0]!.rows_rejected).toBe(BAD.size);
      const rejected = (await readFile(summary.outputs[0]!.rejected_file, 'utf8')).trim().split('\n');
      expect(
        rejected.map((l) => (JSON.parse(l) as { row: { id: number } }).row.id).sort((a, b) => a - b),
      ).toEqual([...BAD].sort((a, b) => a - b));

      strict = false;
      const last = await runFloe(args);
      expect(last.code, last.stderr).toBe(0);

      // Every row taken exactly once, under exactly one key.
      const keysOf = new Map<number, Set<string | undefined>>();
      for (const { row, key } of r.taken()) {
        const id = Number(row.id);
        if (!keysOf.has(id)) keysOf.set(id, new Set());
        keysOf.get(id)!.add(key);
      }
      const taken = r.taken().map((t) => Number(t.row.id));
      expect(
        taken.sort((a, b) => a - b),
        `kills: ${kills.join(', ')}`,
      ).toEqual(range(1, ROWS));
      expect([...keysOf.values()].every((keys) => keys.size === 1)).toBe(true);
      // The only repeats: batches re-sent with a key the API had taken — each kill between
      // "taken" and "marked" causes exactly one, and no kill causes more than one.
      const replays = r.requests.filter((q) => q.replay).length;
      const why = `kills: ${kills.join(', ')}`;
      expect(worstFired, why).toBeGreaterThan(0);
      expect(replays, why).toBeGreaterThanOrEqual(worstFired);
      expect(replays, why).toBeLessThanOrEqual(kills.length);
    },
    120_000,
  );
});

describe('floe push stopped by SIGTERM', () => {
  it('marks the push interrupted (exit 143); the same command finishes it, the unanswered batch under its key', { timeout: 60_000 }, async () => {
    const dir = await tempDir('floe-push-term-');
    const r = await receiver({ hangMs: 400 });
    const config = await warehouseAndConfig(dir, 60, { url: r.url, batch_size: 10 });
    const args = ['push', config, '--state-dir', join(dir, 'state'), '--json'];
    const child = startFloe(args);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Batch 3 is taken but answered late; SIGTERM arrives while floe waits for the answer.
    r.script.push({ pass: true }, { pass: true }, { hang: true });
    r.onTaken = (n) => {
      if (n === 3) child.kill('SIGTERM');
    };
    expect(await exited).toBe(143);
    r.onTaken = undefined;
    expect(r.taken().length).toBe(30);

    const again = await runFloe(args);
    expect(again.code, again.stderr).toBe(0);
    const summary = JSON.parse(again.stdout) as { outputs: { rows_sent: number; rows_skipped: number; resumed_push_id?: string }[] };
    expect(summary.outputs[0]).toMatchObject({ rows_skipped: 20, rows_sent: 40 });
    expect(summary.outputs[0]!.resumed_push_id).toBeDefined();
    expect(r.taken().map((t) => Number(t.row.id)).sort((a, b) => a - b)).toEqual(range(1, 60));
    expect(r.requests.filter((q) => q.replay).map((q) => q.rows[0]?.id)).toEqual([21]);
    const history = await runFloe(['push', config, '--state-dir', join(dir, 'state'), '--history', '--json']);
    expect((JSON.parse(history.stdout) as { status: string }[]).map((p) => p.status)).toEqual(['succeeded', 'interrupted']);
  });
});
