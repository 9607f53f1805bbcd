/**
 * RunLock: one run per connector and state dir, within one process (`floe serve` hosts many
 * runs), across processes, and across hosts sharing the state dir (a lease with a heartbeat).
 */
import { readFile, mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RunLock } from '../../src/run/run-lock.js';

// Real servers, processes and databases on a shared machine: generous timeouts.
vi.setConfig({ testTimeout: 30_000 });

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floe-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lockFile = (): string => join(dir, 'locks', 'c.lock');
const opts = (now: () => number, extra: object = {}): object => ({ now, heartbeat: false, ttlMs: 60_000, ...extra });

/** A lease written by a floe on another host, last renewed at `renewedAt`. */
async function otherHostLease(renewedAt: number): Promise<void> {
  await mkdir(join(dir, 'locks'), { recursive: true });
  await writeFile(
    lockFile(),
    JSON.stringify({ owner: 'elsewhere', host: `not-${hostname()}`, pid: 999_999_999, acquired_at: 'earlier', renewed_at: renewedAt, ttl_ms: 60_000 }),
  );
}

describe('RunLock', () => {
  it('a second acquire in the same process is refused, and succeeds once the first is released', async () => {
    const first = await RunLock.acquire(dir, 'c', opts(() => 0));
    const err = await rejection(RunLock.acquire(dir, 'c', opts(() => 0)));
    expect(err).toMatchObject({ code: 'RUN_LOCKED' });
    await first.release();
    const again = await RunLock.acquire(dir, 'c', opts(() => 0));
    await again.release();
  });

  it('of concurrent acquires in one process exactly one wins', async () => {
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => RunLock.acquire(dir, 'c', opts(() => 0))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'fulfilled') await r.value.release();
  });

  it("another host's live lease holds even though its pid means nothing here", async () => {
    await otherHostLease(1_000_000);
    const err = await rejection(RunLock.acquire(dir, 'c', opts(() => 1_000_000 + 59_000)));
    expect(err).toMatchObject({ code: 'RUN_LOCKED' });
    expect((err as Error).message).toContain(`host not-${hostname()}`);
  });

  it("another host's lease not renewed for its TTL is taken over; the old holder learns it lost the lock", async () => {
    let now = 1_000_000;
    let lost = 0;
    const stalled = await RunLock.acquire(dir, 'c', opts(() => now, { onLost: () => lost++ }));
    // Pretend the holder is on another host that stopped renewing (a stalled VM).
    const lease = JSON.parse(await readFile(lockFile(), 'utf8')) as Record<string, unknown>;
    await writeFile(lockFile(), JSON.stringify({ ...lease, host: `not-${hostname()}` }));
    now += 61_000;
    const taker = await RunLock.acquire(dir, 'c', opts(() => now));
    expect(await stalled.renew()).toBe(false);
    expect(lost).toBe(1);
    expect(stalled.lost).toBe(true);
    await stalled.release(); // must not remove the new holder's lease
    await expect(RunLock.acquire(dir, 'c', opts(() => now))).rejects.toMatchObject({ code: 'RUN_LOCKED' });
    await taker.release();
  });

  it('a renewed lease is not taken over, however old it is', async () => {
    let now = 1_000_000;
    const holder = await RunLock.acquire(dir, 'c', opts(() => now));
    const lease = JSON.parse(await readFile(lockFile(), 'utf8')) as Record<string, unknown>;
    await writeFile(lockFile(), JSON.stringify({ ...lease, host: `not-${hostname()}` }));
    for (let i = 0; i < 10; i++) {
      now += 30_000;
      const renewed = JSON.parse(await readFile(lockFile(), 'utf8')) as Record<string, unknown>;
      await writeFile(lockFile(), JSON.stringify({ ...renewed, host: `not-${hostname()}` })); // keep it "remote"
      expect(await holder.renew()).toBe(true);
      const again = JSON.parse(await readFile(lockFile(), 'utf8')) as Record<string, unknown>;
      await writeFile(lockFile(), JSON.stringify({ ...again, host: `not-${hostname()}` }));
      await expect(RunLock.acquire(dir, 'c', opts(() => now))).rejects.toMatchObject({ code: 'RUN_LOCKED' });
    }
    await holder.release();
  });

  it('a lease of this host whose process died is taken over at once', async () => {
    await mkdir(join(dir, 'locks'), { recursive: true });
    await writeFile(lockFile(), JSON.stringify({ owner: 'dead', host: hostname(), pid: 999_999_999, acquired_at: 'x', renewed_at: Date.now(), ttl_ms: 60_000 }));
    const lock = await RunLock.acquire(dir, 'c', opts(Date.now));
    await lock.release();
  });

  it('of concurrent takeovers of a dead lease exactly one wins', async () => {
    await otherHostLease(0);
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => RunLock.acquire(dir, 'c', opts(() => 1_000_000))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'fulfilled') await r.value.release();
  });
});
