import { AUTH_TYPES, type AuthConfig } from '../../../config/schema.js';
import { FloeError } from '../../../util/errors.js';
import { ApiKeyAuth } from './api-key-auth.js';
import type { Auth } from './auth.js';
import { BasicAuth } from './basic-auth.js';
import { BearerAuth } from './bearer-auth.js';
import { OAuth2ClientCredentialsAuth, type OAuth2Deps } from './oauth2-client-credentials-auth.js';

/** What auth factories may use: the clock, logger, redactor and the bare transport. */
export type AuthDeps = OAuth2Deps;

type AuthType = AuthConfig['type'];
type Factory<K extends AuthType> = (config: Extract<AuthConfig, { type: K }>, deps: AuthDeps) => Auth;

/**
 * One factory per `auth.type`. The mapped type makes a schema type without a factory a compile
 * error; the exhaustiveness test also walks `AUTH_TYPES`.
 */
export const AUTH_FACTORIES: { readonly [K in AuthType]: Factory<K> } = {
  api_key: (c, d) => new ApiKeyAuth(c, d.redactor),
  bearer: (c, d) => new BearerAuth(c, d.redactor),
  basic: (c, d) => new BasicAuth(c, d.redactor),
  oauth2_client_credentials: (c, d) => new OAuth2ClientCredentialsAuth(c, d),
};

/** Turns the connector's `auth` config into an Auth; none → `undefined` (no credentials). */
export function createAuth(config: AuthConfig | undefined, deps: AuthDeps): Auth | undefined {
  if (config === undefined) return undefined;
  const factory = AUTH_FACTORIES[config.type] as Factory<AuthType> | undefined;
  if (factory === undefined) {
    throw new FloeError(
      'CONFIG_INVALID',
      'config',
      `Unknown auth.type "${String((config as { type: unknown }).type)}"; known types: ${AUTH_TYPES.join(', ')}.`,
      { details: { path: 'auth.type' } },
    );
  }
  return factory(config, deps);
}
