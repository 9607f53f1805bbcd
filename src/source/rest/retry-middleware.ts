import { STATUS_CODES } from 'node:http';
import type { RateLimitConfig, RetryConfig } from '../../config/schema.js';
import type { Clock } from '../../util/clock.js';
import { FloeError, isFloeError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import type { Redactor } from '../../util/redact.js';
import { backoffDelay } from './backoff.js';
import { bodyExcerpt } from './excerpt.js';
import type { HttpResponse, Middleware } from './http.js';
import { abortedError } from './network-errors.js';
import { parseRetryAfter } from './retry-after.js';
import { DEFAULT_RETRY_STATUSES, ResponsePolicy } from './response-policy.js';

/** Statuses retried by default: rate limited, and server errors that are usually momentary. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set(DEFAULT_RETRY_STATUSES);
/** Statuses whose `Retry-After` is honoured. */
export const RETRY_AFTER_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/** What the retry middleware needs: the retry config, Retry-After policy, clock and logging. */
export interface RetryOptions {
  readonly retry: RetryConfig;
  readonly respectRetryAfter: RateLimitConfig['respect_retry_after'];
  readonly clock: Clock;
  readonly logger: Logger;
  readonly redactor: Redactor;
  /** ± fraction of each backoff wait (0 = the exact 1, 2, 4 … schedule). */
  readonly jitter?: number;
  readonly random?: () => number;
}

/**
 * Retries what the request's response policy says to retry (by default 429/500/502/503/504, or
 * `retry.retry_on`; see ResponsePolicy) and transient errors (timeouts, resets) up to
 * `max_retries` times, waiting `backoffDelay` (1, 2, 4, 8, 16, 32 s by default) or, on 429/503
 * with `respect_retry_after`, the server's `Retry-After` (seconds or HTTP-date, against the
 * injected clock). Other statuses are returned to the caller untouched. When retries run out it
 * throws `HTTP_RETRIES_EXHAUSTED` (for a status) or the last error's own code, kind `terminal`.
 * A `Retry-After` longer than `max_delay_seconds` fails at once with `HTTP_RATE_LIMITED` rather
 * than sleeping for an hour or retrying too early.
 */
export function retryMiddleware(opts: RetryOptions): Middleware {
  const { retry, clock, logger, redactor } = opts;
  // Requests without an endpoint's policy (token requests, tests) retry the configured statuses.
  const fallback = new ResponsePolicy(retry.retry_on ?? [...RETRYABLE_STATUSES]);
  return (next) => async (req, signal) => {
    for (let attempt = 1; ; attempt++) {
      let res: HttpResponse | undefined;
      let error: FloeError | undefined;
      try {
        res = await next(req, signal);
        if ((req.policy ?? fallback).decide(res) !== 'retry') return res;
      } catch (e) {
        if (signal?.aborted) throw abortedError(signal.reason);
        if (!isFloeError(e) || e.kind !== 'transient') throw e;
        error = e;
      }
      const url = redactor.url(req.url);
      const retryAfter =
        res !== undefined && opts.respectRetryAfter && RETRY_AFTER_STATUSES.has(res.status)
          ? parseRetryAfter(res.headers['retry-after'], clock.now())
          : undefined;
      if (
        res !== undefined &&
        retryAfter !== undefined &&
        retryAfter > retry.max_delay_seconds * 1000 &&
        attempt <= retry.max_retries
      ) {
        throw new FloeError(
          'HTTP_RATE_LIMITED',
          'terminal',
          `${req.method} ${url} returned HTTP ${res.status} with Retry-After ${retryAfter / 1000} s, longer than ` +
            `retry.max_delay_seconds (${retry.max_delay_seconds}); raise max_delay_seconds to wait that long, or lower the rate limit.`,
          { details: { url, status: res.status, retry_after_ms: retryAfter, attempts: attempt } },
        );
      }
      if (attempt > retry.max_retries) throw exhausted(req.method, url, attempt, res, error, redactor);
      const delay = retryAfter ?? backoffDelay(attempt - 1, retry, opts.jitter, opts.random);
      logger.warn('retrying request', {
        method: req.method,
        url,
        attempt,
        ...(res ? { status: res.status } : { error: error?.code }),
        delay_ms: delay,
        ...(retryAfter !== undefined ? { retry_after: true } : {}),
      });
      try {
        await clock.sleep(delay, signal);
      } catch (e) {
        if (signal?.aborted) throw abortedError(signal.reason);
        throw e;
      }
    }
  };
}

function exhausted(
  method: string,
  url: string,
  attempts: number,
  res: HttpResponse | undefined,
  error: FloeError | undefined,
  redactor: Redactor,
): FloeError {
  const tries = `${attempts} attempt${attempts === 1 ? '' : 's'}`;
  if (res !== undefined) {
    const excerpt = bodyExcerpt(res.body, redactor);
    return new FloeError(
      'HTTP_RETRIES_EXHAUSTED',
      'terminal',
      `${method} ${url} still returned HTTP ${res.status} ${STATUS_CODES[res.status] ?? ''} after ${tries}; ` +
        `giving up (retry.max_retries). Body: "${excerpt}".`,
      { details: { url, status: res.status, attempts, body_excerpt: excerpt } },
    );
  }
  const last = error ?? new FloeError('HTTP_NETWORK', 'terminal', `${method} ${url} failed`);
  return new FloeError(last.code, 'terminal', `${last.message} (gave up after ${tries}; retry.max_retries)`, {
    details: { ...last.details, attempts },
    cause: last.cause ?? last,
  });
}
