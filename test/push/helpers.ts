/** Shared setup for push tests: a DuckDB warehouse with a table, and configs pointing at a receiver. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { openDuckdb } from '../../src/destination/duckdb/duckdb-driver.js';
import { systemClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { parsePushConfig, type LoadedPushConfig } from '../../src/config/load-push-config.js';
import { runPush, type PushDeps, type PushOptions } from '../../src/push/push-runner.js';
import type { PushRecord, OutputPushRecord } from '../../src/push/push-record.js';
import { FakeClock } from '../../src/util/clock.js';
import { startReceiver, type Receiver, type ReceiverOptions } from './receiver.js';

/** A temp dir removed after the test. */
export async function tempDir(prefix = 'floe-push-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A receiver closed after the test. */
export async function receiver(opts: ReceiverOptions = {}): Promise<Receiver> {
  const r = await startReceiver(opts);
  onTestFinished(() => r.close());
  return r;
}

/** Runs SQL statements on a DuckDB file (created if missing), then closes it. */
export async function duck(path: string, ...statements: string[]): Promise<Record<string, unknown>[]> {
  const db = await openDuckdb(path, {}, { clock: systemClock, logger: silentLogger });
  try {
    let last: Record<string, unknown>[] = [];
    for (const s of statements) last = await db.query(s);
    return last;
  } finally {
    await db.close();
  }
}

/** `n` contacts with ids from 1, emails, a score and an updated_at one minute apart. */
export function contactsSql(n: number, from = 1): string {
  return (
    `SELECT (${from} + i)::BIGINT AS id, 'user' || (${from} + i) || '@example.com' AS email, ((${from} + i) * 1.5)::DOUBLE AS score, ` +
    `TIMESTAMPTZ '2025-01-01 00:00:00+00' + INTERVAL (${from} + i) MINUTE AS updated_at FROM range(${n}) t(i)`
  );
}

export function pushConfig(dir: string, output: Record<string, unknown>, extra: Record<string, unknown> = {}): LoadedPushConfig {
  return parsePushConfig(
    {
      name: 'sync',
      destination: { type: 'duckdb', path: join(dir, 'w.duckdb') },
      outputs: [{ name: 'contacts', table: 'contacts', key: ['id'], batch_size: 10, retry: { max_retries: 3, initial_delay_seconds: 0.01 }, ...output }],
      ...extra,
    },
    {},
  );
}

/** One push in-process with a fake clock (retry and rate-limit waits are instant). */
export async function push(loaded: LoadedPushConfig, dir: string, opts: PushOptions = {}, deps: PushDeps = {}): Promise<PushRecord> {
  return runPush(loaded, { stateDir: join(dir, 'state'), ...opts }, { clock: new FakeClock(), ...deps });
}

export function only(r: PushRecord): OutputPushRecord {
  const o = r.outputs[0];
  if (!o) throw new Error('no output');
  return o;
}

/** Ids of the rows taken, sorted, and the ids taken more than once. */
export function takenIds(r: Receiver): { ids: number[]; dupes: number[] } {
  const seen = new Map<number, number>();
  for (const { row } of r.taken()) seen.set(Number(row.id), (seen.get(Number(row.id)) ?? 0) + 1);
  return {
    ids: [...seen.keys()].sort((a, b) => a - b),
    dupes: [...seen.entries()].filter(([, n]) => n > 1).map(([id]) => id),
  };
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
