/**
 * `rate_limit.shared`: processes calling one API respect its limit together. With
 * FLOE_DATABASE_URL the budget is a row of the PostgreSQL store (two limiters on two connections
 * stand for two machines: their grants interleave one interval apart, and a 429's Retry-After
 * seen by one pauses the other); without it each process takes the limit divided by the plan's
 * parallelism. Injected clocks; the database is the real PostgreSQL server of the test setup.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openSharedLimit } from '../../../src/run/shared-rate-limit.js';
import { rateLimitIntervalMs } from '../../../src/source/rest/rate-limiter.js';
import { FakeClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/logger.js';
import { runFloe } from '../../support/floe-process.js';
import { reply, useMockApi } from '../../support/mock-api.js';
import { freshDatabase, storeKinds } from '../../support/stores.js';

vi.setConfig({ testTimeout: 60_000 });

const hasPostgres = storeKinds().some((k) => k.name === 'postgres');
const api = { base_url: 'http://127.0.0.1:9/v1', auth: { type: 'bearer' as const, token: 'tok-secret-1' } };
const rate = { requests_per_second: 10, respect_retry_after: true, shared: true };
const interval = rateLimitIntervalMs(rate); // 105 ms

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shared-limit-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('rate_limit.shared', () => {
  it('without it the source keeps its own limiter; without FLOE_DATABASE_URL each process takes 1/parallelism of the limit', async () => {
    const clock = new FakeClock();
    const own = await openSharedLimit({ ...api, rate_limit: { ...rate, shared: false } }, { env: {}, parallelism: 4, clock, logger: silentLogger });
    expect(own).toMatchObject({ mode: 'own', limiter: undefined });

    const divided = await openSharedLimit({ ...api, rate_limit: rate }, { env: {}, parallelism: 4, clock, logger: silentLogger });
    expect(divided.mode).toBe('divided');
    const grants: number[] = [];
    for (let i = 0; i < 4; i++) grants.push(await divided.limiter!.acquire());
    expect(grants.slice(1).map((g, i) => g - grants[i]!)).toEqual([4 * interval, 4 * interval, 4 * interval]);
    expect('pause' in divided.limiter!).toBe(false); // a 429 stays this process's business
    await divided.close();
  });

  it('an unreachable FLOE_DATABASE_URL is a retryable error (run-slice exits 75), naming the variable', async () => {
    const e = await openSharedLimit({ ...api, rate_limit: rate }, { env: { FLOE_DATABASE_URL: 'postgresql://floe@127.0.0.1:1/floe' }, parallelism: 2, clock: new FakeClock(), logger: silentLogger }).catch(
      (x: unknown) => x,
    );
    expect(e).toMatchObject({ code: 'RATE_BUDGET_UNAVAILABLE', kind: 'transient', message: expect.stringMatching(/FLOE_DATABASE_URL/) as unknown });
  });

  describe.runIf(hasPostgres)('in PostgreSQL (FLOE_DATABASE_URL)', () => {
    it('two processes share one budget: grants one interval apart across both, and one 429 pauses both', async () => {
      const url = await freshDatabase();
      const clock = new FakeClock();
      const opts = { env: { FLOE_DATABASE_URL: url }, parallelism: 2, clock, logger: silentLogger };
      const a = await openSharedLimit({ ...api, rate_limit: rate }, opts);
      const b = await openSharedLimit({ ...api, rate_limit: rate }, opts);
      try {
        expect([a.mode, b.mode]).toEqual(['store', 'store']);
        const grants: number[] = [];
        for (let i = 0; i < 3; i++) {
          grants.push(await a.limiter!.acquire());
          grants.push(await b.limiter!.acquire());
        }
        // One budget: each grant one interval after the previous one, whichever process took it.
        expect(grants.slice(1).map((g, i) => g - grants[i]!)).toEqual(Array(5).fill(interval));

        // Process a is told "Retry-After: 30": process b sends nothing before then.
        const until = clock.now() + 30_000;
        await a.limiter!.pause!(until);
        expect(await b.limiter!.acquire()).toBeGreaterThanOrEqual(until);
        // Another credential for the same API is another budget: not paused.
        const other = await openSharedLimit({ ...api, auth: { type: 'bearer', token: 'tok-secret-2' }, rate_limit: rate }, { ...opts, clock: new FakeClock() });
        expect(await other.limiter!.acquire()).toBe(Date.UTC(2026, 0, 1));
        await other.close();
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('floe run-slice keeps the budget in the database: a 429 with Retry-After is written for the others, the token is not', async () => {
      const url = await freshDatabase();
      const source = await useMockApi();
      source.get('/items', (_req, n) => (n === 0 ? reply.retryAfter(429, '1') : { json: [{ id: 1 }, { id: 2 }] }));
      const config = join(dir, 'c.json');
      await writeFile(
        config,
        JSON.stringify({
          name: 'shared',
          base_url: source.url,
          auth: { type: 'bearer', token: '{{ env.API_TOKEN }}' },
          rate_limit: rate,
          retry: { max_retries: 2, initial_delay_seconds: 0.01 },
          endpoints: [{ path: '/items' }],
          destination: { type: 'duckdb', path: join(dir, 'w.duckdb') },
        }),
      );
      const env = { API_TOKEN: 'tok-secret-1', FLOE_DATABASE_URL: url };
      const planned = await runFloe(['plan', config, '--json'], env);
      expect(planned.code, planned.stderr).toBe(0);
      await writeFile(join(dir, 'plan.json'), planned.stdout);
      const r = await runFloe(['run-slice', config, '--plan', join(dir, 'plan.json'), '--index', '0', '--run-key', 'r1', '--state-dir', join(dir, 's'), '--json'], env);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ status: 'succeeded', rows_loaded: 2 });
      expect(r.stderr).toMatch(/every worker sharing its budget pauses/);
      expect(source.requests).toHaveLength(2);

      const db = new pg.Client({ connectionString: url });
      await db.connect();
      try {
        const rows = (await db.query<{ key: string; blocked_until: Date | null }>('SELECT key, blocked_until FROM rate_budgets')).rows;
        expect(rows).toHaveLength(1);
        expect(rows[0]!.key).toMatch(new RegExp(`^rest:${source.url.replace(/[.]/g, '\\.')}#[0-9a-f]{16}$`));
        expect(rows[0]!.key).not.toContain('tok-secret-1');
        expect(rows[0]!.blocked_until).toBeInstanceOf(Date);
      } finally {
        await db.end();
      }
    });
  });
});
