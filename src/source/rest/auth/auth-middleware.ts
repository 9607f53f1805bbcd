import type { Logger } from '../../../util/logger.js';
import type { Redactor } from '../../../util/redact.js';
import type { Middleware } from '../http.js';
import type { Auth } from './auth.js';

/**
 * Applies credentials to every attempt to a trusted origin (it sits inside the retry middleware, so a retry picks up a
 * refreshed token). On a 401 it asks the auth whether fresh credentials may help and, if so,
 * retries once; a second 401 goes back to the caller.
 */
export function authMiddleware(
  auth: Auth,
  logger: Logger,
  redactor: Redactor,
  trusts: (url: string) => boolean = () => true,
): Middleware {
  return (next) => async (req, signal) => {
    // Credentials only ever go to base_url's origin (see CredentialScope).
    if (req.anonymous === true || !trusts(req.url)) return next(req, signal);
    const sent = await auth.apply(req, signal);
    const res = await next(sent, signal);
    if (res.status !== 401 || auth.unauthorized?.(sent) !== true) return res;
    logger.info('401 from the API: retrying once with fresh credentials', {
      method: req.method,
      url: redactor.url(req.url),
      auth: auth.type,
    });
    return next(await auth.apply(req, signal), signal);
  };
}
