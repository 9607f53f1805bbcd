import type { RateLimitConfig } from '../../config/schema.js';
import type { Clock } from '../../util/clock.js';
import type { HttpResponse, Middleware } from './http.js';
import { abortable } from './abortable.js';
import { abortedError } from './network-errors.js';
import type { RequestLimiter } from './request-limiter.js';

/**
 * Added to each window before dividing it among its requests. Sends are spaced on our clock, but a
 * limit is enforced at the server on arrival times, and a request sent a little late (event-loop
 * lag, a fresh connection) can arrive closer to its successor than it was sent; 50 ms absorbs that
 * jitter at a cost of 5 % at 1 s windows and 0.1 % at 60 s ones.
 */
export const RATE_LIMIT_SAFETY_MS = 50;

/**
 * The minimum gap between two requests that keeps both limits: `(1000 + safety) / rps` and
 * `(60000 + safety) / rpm`, whichever is longer (the more restrictive wins). 0 when unlimited.
 */
export function rateLimitIntervalMs(
  config: Pick<RateLimitConfig, 'requests_per_second' | 'requests_per_minute'> | undefined,
): number {
  if (config === undefined) return 0;
  const gaps = [0];
  if (config.requests_per_second !== undefined)
    gaps.push((1000 + RATE_LIMIT_SAFETY_MS) / config.requests_per_second);
  if (config.requests_per_minute !== undefined)
    gaps.push((60_000 + RATE_LIMIT_SAFETY_MS) / config.requests_per_minute);
  return Math.max(...gaps);
}

/**
 * Spaces requests evenly so that no 1-second window holds more than `requests_per_second` of them
 * and no 60-second window more than `requests_per_minute`: N+1 consecutive grants always span at
 * least the window plus a safety margin. Gaps are measured from the actual previous grant (not a
 * reserved slot), so a late wake-up never lets two requests bunch up. Waiters are served in
 * arrival order; one limiter is shared by every endpoint of a RestSource.
 */
export class RateLimiter implements RequestLimiter {
  private last: number | undefined;
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly intervalMs: number,
    private readonly clock: Clock,
  ) {}

  /**
   * Resolves, with the grant time, when the caller may send one request; rejects with `ABORTED`
   * when `signal` aborts.
   */
  async acquire(signal?: AbortSignal): Promise<number> {
    if (this.intervalMs <= 0) return this.clock.now();
    if (signal?.aborted) throw abortedError(signal.reason);
    const prev = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    try {
      await abortable(prev, signal);
      for (;;) {
        const wait = this.last === undefined ? 0 : this.last + this.intervalMs - this.clock.now();
        if (wait <= 0) break;
        // A timer can fire a hair early against Date.now(); loop until the gap really passed.
        await this.clock.sleep(Math.max(1, Math.ceil(wait)), signal);
      }
      const granted = this.clock.now();
      this.last = granted;
      release();
      return granted;
    } catch (e) {
      // Our successor must still wait for our predecessor, not for us.
      void prev.then(release);
      if (signal?.aborted) throw abortedError(signal.reason);
      throw e;
    }
  }
}

/**
 * Middleware that passes every request through the limiter right before it is sent. When the
 * limiter can pause (a shared budget) and `notBefore` reads an instant from a response (a 429's
 * `Retry-After`), every holder of the budget is paused until then, not only the request that was
 * told; the retry layer above still waits and retries that one.
 */
export function rateLimitMiddleware(
  limiter: RequestLimiter,
  notBefore?: (res: HttpResponse) => number | undefined,
): Middleware {
  return (next) => async (req, signal) => {
    await limiter.acquire(signal);
    const res = await next(req, signal);
    const until = limiter.pause && notBefore ? notBefore(res) : undefined;
    if (until !== undefined) await limiter.pause!(until);
    return res;
  };
}
