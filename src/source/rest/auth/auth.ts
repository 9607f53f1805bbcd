import type { AuthConfig } from '../../../config/schema.js';
import type { HttpRequest } from '../http.js';

/**
 * Applies credentials to a request. Implementations register every secret they hold (and every
 * token they obtain) with the Redactor, so no message or log line can show it.
 */
export interface Auth {
  readonly type: AuthConfig['type'];
  /** The request with credentials applied (may fetch a token first). */
  apply(req: HttpRequest, signal?: AbortSignal): Promise<HttpRequest>;
  /**
   * Called when the API answered 401 to `sent`. Returns true when fresh credentials may help, and
   * the request is then retried once (OAuth: the cached token is dropped first).
   */
  unauthorized?(sent: HttpRequest): boolean;
}
