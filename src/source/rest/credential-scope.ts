import type { FloeConfig } from '../../config/schema.js';
import { FloeError } from '../../util/errors.js';
import { isSecretParamName, type Redactor } from '../../util/redact.js';
import type { HttpRequest } from './http.js';
import { isAbsoluteHttpUrl, withoutQueryParam } from './url.js';

const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);

/**
 * Which origins may receive credentials: base_url's, and those of endpoint paths written as full
 * URLs in the config (the user's own choice, never the API's). A next-page link to any other
 * origin is followed WITHOUT credentials when its host is in `allowed_hosts`, and refused
 * otherwise (`HTTP_FOREIGN_HOST`), so a token never follows a link the API controls.
 *
 * Credentials are the auth (header, query parameter, OAuth token), headers named like one
 * (`Authorization`, `Cookie`, `X-Api-Key`, …) and headers whose value holds a registered secret
 * (a `{{ env.X }}` value).
 */
export class CredentialScope {
  private readonly trusted: ReadonlySet<string>;
  private readonly allowed: ReadonlySet<string>;

  constructor(config: Pick<FloeConfig, 'base_url' | 'endpoints' | 'allowed_hosts'>) {
    const origins = new Set<string>([origin(config.base_url) ?? '']);
    for (const e of config.endpoints) if (isAbsoluteHttpUrl(e.path)) origins.add(origin(e.path) ?? '');
    this.trusted = origins;
    this.allowed = new Set((config.allowed_hosts ?? []).map((h) => h.toLowerCase()));
  }

  /** True when `url` may carry credentials. */
  trusts(url: string): boolean {
    const o = origin(url);
    return o !== undefined && this.trusted.has(o);
  }

  /**
   * The request to send for a next-page URL: as is on a trusted origin; without credentials on an
   * allowed host; `HTTP_FOREIGN_HOST` otherwise.
   */
  scope(
    req: HttpRequest,
    ctx: { endpoint: string; authQueryParam: string | undefined; redactor: Redactor },
  ): HttpRequest {
    if (this.trusts(req.url)) return req;
    const u = new URL(req.url);
    const shown = ctx.redactor.url(req.url);
    if (!this.allowed.has(u.hostname.toLowerCase()) && !this.allowed.has(u.host.toLowerCase())) {
      throw new FloeError(
        'HTTP_FOREIGN_HOST',
        'terminal',
        `Endpoint "${ctx.endpoint}": the next page is on another host (${shown}) than base_url; floe does not send ` +
          `credentials there and does not follow it. If the API really pages through that host, add "${u.hostname}" to ` +
          'allowed_hosts: it is then followed without credentials.',
        { details: { endpoint: ctx.endpoint, url: shown, path: 'allowed_hosts' } },
      );
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (CREDENTIAL_HEADERS.has(k) || isSecretParamName(k) || ctx.redactor.text(v) !== v) continue;
      headers[k] = v;
    }
    const url = ctx.authQueryParam === undefined ? req.url : withoutQueryParam(req.url, ctx.authQueryParam);
    return { ...req, url, headers, anonymous: true };
  }
}

function origin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
