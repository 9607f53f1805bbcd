/**
 * What the client's rate-limit layer asks of a limiter: one grant before each request is put on
 * the wire, and word of an API's "not before" (a 429 or 503 with `Retry-After`).
 *
 * The source's own `RateLimiter` spaces the requests of one process. A limiter injected through
 * `RestSourceDeps.limiter` can keep the budget elsewhere — `floe serve`'s PostgreSQL store shares
 * it between every worker and replica (and `floe run-slice` processes with `rate_limit.shared`),
 * and its `pause` makes one worker's 429 pause all of them.
 */
export interface RequestLimiter {
  /** Resolves, with the grant time, when the caller may send one request; rejects with `ABORTED` when `signal` aborts. */
  acquire(signal?: AbortSignal): Promise<number>;
  /**
   * The API answered "not before `untilMs`" (epoch ms). A shared limiter grants no one anything
   * before then; a limiter without it leaves the wait to the retry layer of the request that was told.
   */
  pause?(untilMs: number): Promise<void>;
}
