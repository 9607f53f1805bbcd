import type { FloeConfig } from '../config/schema.js';
import { RateLimiter, rateLimitIntervalMs } from '../source/rest/rate-limiter.js';
import { rateBudgetKey } from '../source/rest/rate-budget-key.js';
import type { RequestLimiter } from '../source/rest/request-limiter.js';
import type { Clock } from '../util/clock.js';
import { FloeError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';

/** The request budget of a run whose API limit is shared with other processes. */
export interface SharedLimit {
  /** Undefined: the source keeps its own limiter (no `rate_limit.shared`). */
  readonly limiter: RequestLimiter | undefined;
  /** `own`, `store` (PostgreSQL) or `divided` (the limit split by the declared parallelism). */
  readonly mode: 'own' | 'store' | 'divided';
  close(): Promise<void>;
}

/**
 * `rate_limit.shared`: processes calling one API (the slices of a plan on several machines)
 * respect its limit together.
 *
 * - With `FLOE_DATABASE_URL` the budget lives in that PostgreSQL database (the store `floe serve`
 *   uses; its tables are created if missing): one row per API and credential, from which every
 *   request reserves the next slot, and a 429's `Retry-After` seen by any process pauses all.
 * - Without it, each process takes its share: the limit divided by `parallelism` (the plan's
 *   declared parallelism), and 429s are each process's own business.
 */
export async function openSharedLimit(
  config: Pick<FloeConfig, 'rate_limit' | 'base_url' | 'auth'>,
  opts: { env: Record<string, string | undefined>; parallelism: number; clock: Clock; logger: Logger },
): Promise<SharedLimit> {
  const none = (): Promise<void> => Promise.resolve();
  if (!config.rate_limit?.shared) return { limiter: undefined, mode: 'own', close: none };
  const interval = rateLimitIntervalMs(config.rate_limit);
  const url = opts.env.FLOE_DATABASE_URL;
  if (!url) {
    const parallelism = Math.max(1, opts.parallelism);
    opts.logger.info('rate_limit.shared without FLOE_DATABASE_URL: this process takes its share of the limit', { parallelism });
    return { limiter: new RateLimiter(interval * parallelism, opts.clock), mode: 'divided', close: none };
  }
  // Loaded on use: only processes with a shared budget pay for the PostgreSQL driver.
  const [{ PgClient }, { migrate }, { BudgetRepo }, { BudgetLimiter }] = await Promise.all([
    import('../store/pg-client.js'),
    import('../store/migrate.js'),
    import('../store/budget-repo.js'),
    import('../store/budget-limiter.js'),
  ]);
  let db: Awaited<ReturnType<typeof PgClient.open>> | undefined;
  try {
    db = await PgClient.open(url, 2);
    await migrate(db);
  } catch (e) {
    await db?.close().catch(() => undefined);
    throw new FloeError(
      'RATE_BUDGET_UNAVAILABLE',
      'transient',
      `rate_limit.shared: the request budget's database (FLOE_DATABASE_URL) is unreachable: ${(e as Error).message}`,
      { cause: e },
    );
  }
  const open = db;
  const limiter = new BudgetLimiter(new BudgetRepo(open), rateBudgetKey(config), interval, opts.clock, opts.logger);
  opts.logger.info('rate_limit.shared: the request budget is kept in FLOE_DATABASE_URL, shared with every process of this API and credential');
  return { limiter, mode: 'store', close: () => open.close() };
}
