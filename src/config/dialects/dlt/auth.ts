import { checkKeys, fail, obj, optInt, optStr, str, type Json } from './check.js';
import { DLT_AUTH_KEYS } from './keys.js';

/**
 * A dlt `auth` → floe's. A mapping without `type` is bearer (dlt's shorthand `{ token: … }`);
 * `api_key` defaults to the `Authorization` header (`location: query`/`param` → a query
 * parameter; `cookie` is refused, as dlt itself cannot send it); `http_basic` → basic;
 * `oauth2_client_credentials` sends the client id and secret in the form body with
 * `access_token_request_data` (its `scope` → scopes, `audience` → audience, the rest as extra
 * fields).
 */
export function translateAuth(a: unknown, path: string): Json {
  if (typeof a === 'string') {
    fail(path, `auth "${a}" by type name only is resolved from dlt's secrets; write the auth mapping with its fields ({{ env.NAME }} for secrets)`);
  }
  const x = obj(a, path);
  const type = x.type ?? 'bearer';
  if (typeof type !== 'string' || DLT_AUTH_KEYS[type] === undefined) {
    fail(`${path}.type`, `unknown auth type ${JSON.stringify(type)}; dlt's are: ${Object.keys(DLT_AUTH_KEYS).join(', ')}`);
  }
  checkKeys(x, path, DLT_AUTH_KEYS[type], `${type} auth`);
  const at = (k: string): string => `${path}.${k}`;
  switch (type) {
    case 'bearer':
      return { type: 'bearer', token: str(x.token, at('token')) };
    case 'api_key': {
      const location = optStr(x.location, at('location')) ?? 'header';
      if (location === 'cookie') fail(at('location'), 'cookie API keys are not supported (dlt raises NotImplementedError too); use header or query');
      if (!['header', 'query', 'param'].includes(location)) fail(at('location'), `"${location}" is not one of header, query, param`);
      return {
        type: 'api_key',
        key_name: optStr(x.name, at('name')) ?? 'Authorization',
        key_value: str(x.api_key, at('api_key')),
        location: location === 'header' ? 'header' : 'query_parameter',
      };
    }
    case 'http_basic':
      return { type: 'basic', username: str(x.username, at('username')), password: typeof x.password === 'string' ? x.password : fail(at('password'), 'required (a string)') };
    case 'oauth2_client_credentials': {
      const data = x.access_token_request_data === undefined || x.access_token_request_data === null ? {} : obj(x.access_token_request_data, at('access_token_request_data'));
      const expiry = optInt(x.default_token_expiration, at('default_token_expiration'));
      if (expiry !== undefined && expiry !== 3600) {
        fail(at('default_token_expiration'), 'floe uses the token until expires_in (or a 401) says otherwise; only the default 3600 is accepted');
      }
      const { scope, audience, ...rest } = data;
      for (const [k, v] of Object.entries(rest)) {
        if (!['string', 'number', 'boolean'].includes(typeof v)) fail(`${at('access_token_request_data')}.${k}`, 'expected a string, number or boolean');
        if (['grant_type', 'client_id', 'client_secret'].includes(k)) fail(`${at('access_token_request_data')}.${k}`, `"${k}" is set by floe`);
      }
      return {
        type: 'oauth2_client_credentials',
        token_url: str(x.access_token_url, at('access_token_url')),
        client_id: str(x.client_id, at('client_id')),
        client_secret: str(x.client_secret, at('client_secret')),
        client_auth: 'body',
        ...(scope !== undefined ? { scopes: scope } : {}),
        ...(audience !== undefined ? { audience } : {}),
        ...(Object.keys(rest).length > 0 ? { token_request_data: rest } : {}),
      };
    }
    default:
      return fail(`${path}.type`, `unknown auth type ${JSON.stringify(type)}`);
  }
}
