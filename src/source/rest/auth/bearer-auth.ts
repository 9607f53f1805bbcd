import type { AuthConfig } from '../../../config/schema.js';
import type { Redactor } from '../../../util/redact.js';
import { withHeaders, type HttpRequest } from '../http.js';
import type { Auth } from './auth.js';

/** The `auth` block that selects this auth. */
export type BearerAuthConfig = Extract<AuthConfig, { type: 'bearer' }>;

/**
 * A static bearer token: `Authorization: Bearer <token>` on every request.
 *
 * Selected by `auth: { type: bearer, token: "{{ env.TOKEN }}" }`.
 */
export class BearerAuth implements Auth {
  readonly type = 'bearer';
  private readonly header: string;

  constructor(config: BearerAuthConfig, redactor: Redactor) {
    redactor.add(config.token);
    this.header = `Bearer ${config.token}`;
  }

  apply(req: HttpRequest): Promise<HttpRequest> {
    return Promise.resolve(withHeaders(req, { authorization: this.header }));
  }
}
