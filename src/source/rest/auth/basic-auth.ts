import type { AuthConfig } from '../../../config/schema.js';
import type { Redactor } from '../../../util/redact.js';
import { withHeaders, type HttpRequest } from '../http.js';
import type { Auth } from './auth.js';

/** The `auth` block that selects this auth. */
export type BasicAuthConfig = Extract<AuthConfig, { type: 'basic' }>;

/**
 * HTTP Basic: `Authorization: Basic base64(username:password)`. An empty password is allowed
 * (Stripe-style: the key is the username, encoded as `key:`).
 *
 * Selected by `auth: { type: basic, username: me, password: "{{ env.PASSWORD }}" }`.
 */
export class BasicAuth implements Auth {
  readonly type = 'basic';
  private readonly header: string;

  constructor(config: BasicAuthConfig, redactor: Redactor) {
    const pair = `${config.username}:${config.password}`;
    redactor.add(config.password);
    // The pair and its base64 are what travel; with an empty password the username is the secret.
    redactor.addComposite(pair);
    if (config.password === '') redactor.add(config.username);
    this.header = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
  }

  apply(req: HttpRequest): Promise<HttpRequest> {
    return Promise.resolve(withHeaders(req, { authorization: this.header }));
  }
}
