import type { RequestLimiter } from '../source/rest/request-limiter.js';
import type { Clock } from '../util/clock.js';
import { FloeError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import type { BudgetRepo } from './budget-repo.js';

/**
 * An API's request budget kept in the store (`rate_budgets`), shared by every process that
 * holds the same key: `floe serve`'s workers and replicas, and `floe run-slice` processes with
 * `rate_limit.shared` and `FLOE_DATABASE_URL`.
 *
 * Each request reserves the next free slot (`intervalMs` after the previous one, whoever took
 * it) and sleeps until it. A 429 with `Retry-After` seen by any holder is written as the key's
 * `blocked_until`: new slots start after it, and a holder that wakes up for a slot reserved
 * before the block reserves again instead of sending. Times come from the injected clock, so
 * the machines sharing a budget need clocks within a few tens of milliseconds (NTP).
 */
export class BudgetLimiter implements RequestLimiter {
  constructor(
    private readonly budgets: Pick<BudgetRepo, 'reserve' | 'block' | 'blockedUntil'>,
    readonly key: string,
    private readonly intervalMs: number,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async acquire(signal?: AbortSignal): Promise<number> {
    for (;;) {
      if (signal?.aborted) throw aborted(signal);
      const slot = await this.store(() => this.budgets.reserve(this.key, this.intervalMs, this.clock.now()));
      const wait = slot - this.clock.now();
      if (wait > 0) {
        try {
          await this.clock.sleep(wait, signal);
        } catch (e) {
          if (signal?.aborted) throw aborted(signal);
          throw e;
        }
      }
      const blocked = await this.store(() => this.budgets.blockedUntil(this.key));
      if (blocked === undefined || blocked <= this.clock.now()) return this.clock.now();
    }
  }

  async pause(untilMs: number): Promise<void> {
    try {
      await this.budgets.block(this.key, untilMs, this.clock.now());
      this.logger.warn('the API asked to wait (Retry-After); every worker sharing its budget pauses', {
        budget: this.key.replace(/#.*$/, '#…'),
        until: new Date(untilMs).toISOString(),
      });
    } catch (e) {
      // The request that was told still waits (the retry layer); only the others are not told.
      this.logger.warn('could not share a Retry-After pause through the store', { error: (e as Error).message });
    }
  }

  private async store<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw new FloeError(
        'RATE_BUDGET_UNAVAILABLE',
        'transient',
        `the shared request budget in the store (FLOE_DATABASE_URL) is unreachable: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }
}

function aborted(signal: AbortSignal): FloeError {
  const reason: unknown = signal.reason;
  return reason instanceof FloeError && reason.code === 'ABORTED' ? reason : new FloeError('ABORTED', 'terminal', 'aborted', { cause: reason });
}
