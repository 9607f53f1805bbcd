import type { AuthConfig } from '../../../config/schema.js';
import type { Redactor } from '../../../util/redact.js';
import { withHeaders, type HttpRequest } from '../http.js';
import { withQuery } from '../url.js';
import type { Auth } from './auth.js';

/** The `auth` block that selects this auth. */
export type ApiKeyAuthConfig = Extract<AuthConfig, { type: 'api_key' }>;

/**
 * An API key as a header (`X-API-Key: <key>`) or a query parameter (`?api_key=<key>`). As a query
 * parameter it replaces any value the URL already has, so a next-page URL from the API carries
 * exactly one key.
 *
 * Selected by `auth: { type: api_key, key_name: X-API-Key, key_value: "{{ env.KEY }}", location: header }`.
 */
export class ApiKeyAuth implements Auth {
  readonly type = 'api_key';

  constructor(
    private readonly config: ApiKeyAuthConfig,
    redactor: Redactor,
  ) {
    redactor.add(config.key_value);
  }

  apply(req: HttpRequest): Promise<HttpRequest> {
    const { key_name, key_value, location } = this.config;
    return Promise.resolve(
      location === 'header'
        ? withHeaders(req, { [key_name]: key_value })
        : { ...req, url: withQuery(req.url, { [key_name]: key_value }, 'replace') },
    );
  }
}
