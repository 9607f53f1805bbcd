import type { Clock } from '../../util/clock.js';
import { isFloeError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import type { Redactor } from '../../util/redact.js';
import type { Middleware } from './http.js';

/**
 * Logs each request (after its retries) at debug level with its sanitized URL, status, size and
 * duration. URLs go through `redactor.url`, so keys in query strings never reach the log.
 */
export function loggingMiddleware(logger: Logger, redactor: Redactor, clock: Clock): Middleware {
  return (next) => async (req, signal) => {
    const started = clock.now();
    const url = redactor.url(req.url);
    try {
      const res = await next(req, signal);
      logger.debug('http', {
        method: req.method,
        url,
        status: res.status,
        bytes: res.bytes,
        ms: clock.now() - started,
      });
      return res;
    } catch (e) {
      logger.debug('http failed', {
        method: req.method,
        url,
        error: isFloeError(e) ? e.code : 'error',
        ms: clock.now() - started,
      });
      throw e;
    }
  };
}
