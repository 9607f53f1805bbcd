import type { SqlClient } from './sql-client.js';

const MS = `* interval '1 millisecond'`;

/**
 * Request budgets in one row per key, shared by every replica and worker:
 * - `take`: the API's per-tenant limit, a GCRA (a token bucket in one timestamp): allowed or
 *   "retry after N ms", decided by one atomic statement;
 * - `reserve`: an outgoing API's budget: each caller gets the next free slot, `interval` apart,
 *   and never before `blocked_until`;
 * - `block`: a 429's Retry-After, which pauses every caller of the key until then.
 * Times come from the caller's (injected) clock, not the database's.
 */
export class BudgetRepo {
  constructor(private readonly db: SqlClient) {}

  /** `rate` requests per second with bursts up to `burst`: allowed, or how long to wait. */
  async take(key: string, rate: number, burst: number, nowMs: number): Promise<{ allowed: true } | { allowed: false; retryAfterMs: number }> {
    const t = 1000 / rate;
    const tolerance = (Math.max(1, burst) - 1) * t;
    const now = new Date(nowMs).toISOString();
    const rows = await this.db.query(
      `INSERT INTO rate_budgets AS b (key, next_at) VALUES ($1, $2::timestamptz + $3::float8 ${MS})
       ON CONFLICT (key) DO UPDATE SET next_at = GREATEST(b.next_at, $2::timestamptz) + $3::float8 ${MS}
         WHERE GREATEST(b.next_at, $2::timestamptz) - $2::timestamptz <= $4::float8 ${MS}
       RETURNING key`,
      [key, now, t, tolerance],
    );
    if (rows.length > 0) return { allowed: true };
    const [row] = await this.db.query<{ next_at: Date }>('SELECT next_at FROM rate_budgets WHERE key = $1', [key]);
    const tat = row ? row.next_at.getTime() : nowMs;
    return { allowed: false, retryAfterMs: Math.max(1, tat - nowMs - tolerance) };
  }

  /** The instant (ms) at which the caller may send; the slot after it is `intervalMs` later. */
  async reserve(key: string, intervalMs: number, nowMs: number): Promise<number> {
    const now = new Date(nowMs).toISOString();
    const [row] = await this.db.query<{ slot: Date }>(
      `INSERT INTO rate_budgets AS b (key, next_at) VALUES ($1, $2::timestamptz + $3::float8 ${MS})
       ON CONFLICT (key) DO UPDATE
         SET next_at = GREATEST(b.next_at, $2::timestamptz, COALESCE(b.blocked_until, $2::timestamptz)) + $3::float8 ${MS}
       RETURNING next_at - $3::float8 ${MS} AS slot`,
      [key, now, intervalMs],
    );
    return row!.slot.getTime();
  }

  /** Nobody holding `key` sends before `untilMs`. */
  async block(key: string, untilMs: number, nowMs: number): Promise<void> {
    await this.db.query(
      `INSERT INTO rate_budgets AS b (key, next_at, blocked_until) VALUES ($1, $2::timestamptz, $3::timestamptz)
       ON CONFLICT (key) DO UPDATE SET blocked_until = GREATEST(COALESCE(b.blocked_until, $3::timestamptz), $3::timestamptz)`,
      [key, new Date(nowMs).toISOString(), new Date(untilMs).toISOString()],
    );
  }

  async blockedUntil(key: string): Promise<number | undefined> {
    const [row] = await this.db.query<{ blocked_until: Date | null }>('SELECT blocked_until FROM rate_budgets WHERE key = $1', [key]);
    return row?.blocked_until?.getTime() ?? undefined;
  }
}
