import type { FloeConfig } from '../../config/schema.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { Redactor } from '../../util/redact.js';
import type { Auth } from './auth/auth.js';
import { authMiddleware } from './auth/auth-middleware.js';
import { compose, type Transport } from './http.js';
import { loggingMiddleware } from './logging-middleware.js';
import { rateLimitMiddleware } from './rate-limiter.js';
import type { RequestLimiter } from './request-limiter.js';
import { parseRetryAfter } from './retry-after.js';
import { RETRY_AFTER_STATUSES, retryMiddleware } from './retry-middleware.js';

/** What the client's middleware needs; one set per RestSource. */
export interface HttpClientDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly redactor: Redactor;
  /** The bare transport that puts requests on the wire. */
  readonly transport: Transport;
  /** The source's own `RateLimiter`, or a shared budget (see `RequestLimiter`). */
  readonly limiter: RequestLimiter;
  readonly auth?: Auth | undefined;
  /** True for URLs that may carry credentials (base_url's origin); default: all. */
  readonly trusts?: ((url: string) => boolean) | undefined;
  /** ± fraction of each backoff wait; 0 (the default) keeps the exact 1, 2, 4 … s schedule. */
  readonly retryJitter?: number | undefined;
  readonly random?: (() => number) | undefined;
}

/**
 * The source's HTTP client, outermost first: logging → retry → auth → rate limit → transport.
 *
 * Retry is outside auth, so a retry is sent with a refreshed token. The rate limiter is the
 * innermost layer, right before the wire: every request actually sent — first attempts, retries and
 * the one re-send after a 401 — takes a slot, and the slot is taken at the moment the request
 * leaves, which is what the API measures. (OAuth token requests go to the token URL by the bare
 * transport and do not count against the API's limit.)
 */
export function createHttpClient(
  config: Pick<FloeConfig, 'retry' | 'rate_limit'>,
  deps: HttpClientDeps,
): Transport {
  const { clock, logger, redactor, auth } = deps;
  const respect = config.rate_limit?.respect_retry_after ?? true;
  // A Retry-After the retry layer would wait out pauses every holder of a shared budget; a longer
  // one fails the request (HTTP_RATE_LIMITED) and must not hang the others for an hour.
  const notBefore = (res: { status: number; headers: Readonly<Record<string, string>> }): number | undefined => {
    if (!respect || !RETRY_AFTER_STATUSES.has(res.status)) return undefined;
    const ms = parseRetryAfter(res.headers['retry-after'], clock.now());
    return ms !== undefined && ms > 0 && ms <= config.retry.max_delay_seconds * 1000 ? clock.now() + ms : undefined;
  };
  return compose(
    [
      loggingMiddleware(logger, redactor, clock),
      retryMiddleware({
        retry: config.retry,
        respectRetryAfter: config.rate_limit?.respect_retry_after ?? true,
        clock,
        logger,
        redactor,
        ...(deps.retryJitter !== undefined ? { jitter: deps.retryJitter } : {}),
        ...(deps.random !== undefined ? { random: deps.random } : {}),
      }),
      ...(auth !== undefined ? [authMiddleware(auth, logger, redactor, deps.trusts)] : []),
      rateLimitMiddleware(deps.limiter, notBefore),
    ],
    deps.transport,
  );
}
