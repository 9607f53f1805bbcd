import { STATUS_CODES } from 'node:http';
import type { AuthConfig } from '../../../config/schema.js';
import type { Clock } from '../../../util/clock.js';
import { FloeError, isFloeError } from '../../../util/errors.js';
import type { Logger } from '../../../util/logger.js';
import type { Redactor } from '../../../util/redact.js';
import { abortable } from '../abortable.js';
import { bodyExcerpt } from '../excerpt.js';
import { isSuccess, withHeaders, type HttpRequest, type Transport } from '../http.js';
import { USER_AGENT } from '../user-agent.js';
import type { Auth } from './auth.js';

/** The `auth` block that selects this auth. */
export type OAuth2ClientCredentialsAuthConfig = Extract<AuthConfig, { type: 'oauth2_client_credentials' }>;

/** What the OAuth2 auth needs besides its config. */
export interface OAuth2Deps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly redactor: Redactor;
  /** Sends the token request (the source's bare transport: no rate limit, no retry). */
  readonly transport: Transport;
}

interface CachedToken {
  readonly header: string;
  /** Clock time after which the token is refreshed before use. */
  readonly refreshAt: number;
}

/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4). POSTs `grant_type=client_credentials` (and `scope`,
 * space-separated) form-encoded to `token_url`, with the client id/secret in the body or as HTTP
 * Basic (`client_auth`), then sends `Authorization: Bearer <access_token>`.
 *
 * The token is cached and refreshed `refresh_skew_seconds` before `expires_in` runs out (by the
 * injected clock; at most half the lifetime early, so a short-lived token is not refetched on every
 * request). Concurrent requests share one refresh. A 401 from the API drops the token and the
 * request is retried once with a fresh one. Token endpoint failures are `AUTH_FAILED`: transient
 * for 429/5xx/network (so the retry middleware retries), terminal otherwise.
 *
 * Selected by:
 * ```yaml
 * auth: { type: oauth2_client_credentials, token_url: https://auth.x/oauth/token,
 *         client_id: abc, client_secret: "{{ env.SECRET }}", scopes: "read:users read:orders" }
 * ```
 */
export class OAuth2ClientCredentialsAuth implements Auth {
  readonly type = 'oauth2_client_credentials';
  private token: CachedToken | undefined;
  private inflight: Promise<CachedToken> | undefined;

  constructor(
    private readonly config: OAuth2ClientCredentialsAuthConfig,
    private readonly deps: OAuth2Deps,
  ) {
    deps.redactor.add(config.client_secret);
    deps.redactor.addComposite(`${formEncode(config.client_id)}:${formEncode(config.client_secret)}`);
  }

  async apply(req: HttpRequest, signal?: AbortSignal): Promise<HttpRequest> {
    const token = await this.current(signal);
    return withHeaders(req, { authorization: token.header });
  }

  unauthorized(sent: HttpRequest): boolean {
    // Only drop the token this request used; another request may already have refreshed it.
    if (this.token !== undefined && sent.headers['authorization'] === this.token.header)
      this.token = undefined;
    return true;
  }

  private current(signal: AbortSignal | undefined): Promise<CachedToken> {
    const t = this.token;
    if (t !== undefined && this.deps.clock.now() < t.refreshAt) return Promise.resolve(t);
    // Single flight: one token request however many callers; a caller's abort does not cancel it.
    this.inflight ??= this.fetchToken().finally(() => {
      this.inflight = undefined;
    });
    return abortable(this.inflight, signal);
  }

  private async fetchToken(): Promise<CachedToken> {
    const { config, deps } = this;
    const url = deps.redactor.url(config.token_url);
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    const scope = Array.isArray(config.scopes) ? config.scopes.join(' ') : config.scopes;
    if (scope !== undefined && scope !== '') form.set('scope', scope);
    if (config.audience !== undefined) form.set('audience', config.audience);
    for (const [k, v] of Object.entries(config.token_request_data ?? {})) form.set(k, String(v));
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      'user-agent': USER_AGENT,
    };
    if (config.client_auth === 'basic') {
      const pair = `${formEncode(config.client_id)}:${formEncode(config.client_secret)}`;
      headers['authorization'] = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
    } else {
      form.set('client_id', config.client_id);
      form.set('client_secret', config.client_secret);
    }
    const started = deps.clock.now();
    let res;
    try {
      res = await deps.transport({ method: 'POST', url: config.token_url, headers, body: form.toString() });
    } catch (e) {
      const cause = isFloeError(e) ? e : undefined;
      throw new FloeError(
        'AUTH_FAILED',
        cause?.kind === 'transient' ? 'transient' : 'terminal',
        `OAuth token request to ${url} failed: ${cause?.message ?? deps.redactor.text(String(e))}`,
        { details: { url }, cause: e },
      );
    }
    if (!isSuccess(res.status)) {
      const excerpt = bodyExcerpt(res.body, deps.redactor);
      throw new FloeError(
        'AUTH_FAILED',
        res.status === 429 || res.status >= 500 ? 'transient' : 'terminal',
        `OAuth token request to ${url} returned HTTP ${res.status} ${STATUS_CODES[res.status] ?? ''}`.trimEnd() +
          `. Body: "${excerpt}". Check auth.client_id, auth.client_secret, auth.scopes and auth.client_auth ` +
          `(now "${config.client_auth}"; some servers want "basic", others "body").`,
        { details: { url, status: res.status, body_excerpt: excerpt } },
      );
    }
    const parsed = parseTokenResponse(res.body);
    if (parsed === undefined) {
      throw new FloeError(
        'AUTH_FAILED',
        'terminal',
        `OAuth token response from ${url} (HTTP ${res.status}) has no access_token string; ` +
          `expected JSON like {"access_token": "…", "expires_in": 3600}. Body: "${bodyExcerpt(res.body, deps.redactor)}".`,
        { details: { url, status: res.status } },
      );
    }
    deps.redactor.add(parsed.accessToken);
    const { expiresIn } = parsed;
    const skew = expiresIn === undefined ? 0 : Math.min(config.refresh_skew_seconds, expiresIn / 2);
    const refreshAt =
      expiresIn === undefined ? Number.POSITIVE_INFINITY : started + (expiresIn - skew) * 1000;
    deps.logger.debug('fetched OAuth token', { token_url: url, expires_in: expiresIn });
    this.token = { header: `Bearer ${parsed.accessToken}`, refreshAt };
    return this.token;
  }
}

function parseTokenResponse(body: string): { accessToken: string; expiresIn?: number } | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (json === null || typeof json !== 'object') return undefined;
  const { access_token, expires_in } = json as { access_token?: unknown; expires_in?: unknown };
  if (typeof access_token !== 'string' || access_token === '') return undefined;
  const seconds = typeof expires_in === 'string' ? Number(expires_in) : expires_in;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0
    ? { accessToken: access_token, expiresIn: seconds }
    : { accessToken: access_token };
}

/** RFC 6749 §2.3.1: client id and secret are form-encoded before Basic's base64. */
function formEncode(s: string): string {
  return new URLSearchParams([['', s]]).toString().slice(1);
}
