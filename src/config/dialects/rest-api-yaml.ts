import { FloeError } from '../../util/errors.js';

/**
 * The `format: rest_api` inputs of a pipeline YAML (`CONFIG.inputs.<name>`) → floe's native
 * model: each input becomes an endpoint (its full `url` as the path), loaded into floe's own
 * `destination` (add one under `CONFIG`, default DuckDB). `MODEL`, `VERSION`, `transform` and
 * `outputs` belong to that pipeline format and are not floe's business; they are ignored.
 *
 * @example
 * CONFIG:
 *   inputs:
 *     customers:
 *       format: rest_api
 *       url: "https://api.example.com/v1/customers"
 *       params: { since: "{{ dt | default('2025-01-01') }}" }
 *       auth: { type: bearer, token: "{{ env.API_TOKEN }}" }
 *       pagination: { type: offset, page_size: 100, max_pages: 50 }
 *       response: { root_key: data }
 */
type Json = Record<string, unknown>;

const RETRYABLE = [429, 500, 502, 503, 504];

export function isRestApiYaml(raw: Json): boolean {
  const c = raw.CONFIG;
  return typeof c === 'object' && c !== null && typeof (c as Json).inputs === 'object';
}

export function translateRestApiYaml(raw: Json, name: string): Json {
  const config = raw.CONFIG as Json;
  const inputs = Object.entries(config.inputs as Json).filter(([, v]) => (v as Json | null)?.format === 'rest_api');
  if (inputs.length === 0) fail('CONFIG.inputs', 'no input has format: rest_api');
  const endpoints: Json[] = [];
  let shared: { auth?: unknown; rate?: Json; retries?: number } | undefined;
  for (const [inputName, value] of inputs) {
    const path = `CONFIG.inputs.${inputName}`;
    const x = value as Json;
    const known = new Set(['format', 'url', 'method', 'headers', 'params', 'auth', 'pagination', 'response', 'rate_limit', 'schema']);
    for (const k of Object.keys(x)) if (!known.has(k)) fail(`${path}.${k}`, `unknown key "${k}"`);
    if (typeof x.url !== 'string') fail(`${path}.url`, 'required (a URL)');
    const rate = (x.rate_limit ?? {}) as Json;
    const retryOn = rate.retry_on;
    if (Array.isArray(retryOn) && retryOn.some((c) => !RETRYABLE.includes(Number(c)))) {
      fail(`${path}.rate_limit.retry_on`, `floe retries exactly ${RETRYABLE.join(', ')} and network timeouts`);
    }
    const mine = {
      auth: x.auth === undefined ? undefined : auth(x.auth as Json, `${path}.auth`),
      ...(rate.requests_per_second !== undefined ? { rate: { requests_per_second: rate.requests_per_second } } : {}),
      ...(typeof rate.max_retries === 'number' ? { retries: rate.max_retries } : {}),
    };
    if (shared && JSON.stringify(shared) !== JSON.stringify(mine)) {
      fail(`${path}`, 'every rest_api input of one floe connector must share auth and rate_limit; split them into separate configs');
    }
    shared = mine;
    const endpoint: Json = { name: inputName, path: x.url, table_name: inputName };
    if (x.method !== undefined) endpoint.method = typeof x.method === 'string' ? x.method.toUpperCase() : x.method;
    if (x.headers !== undefined) endpoint.headers = x.headers;
    const params: Json = { ...((x.params ?? {}) as Json) };
    const response = (x.response ?? {}) as Json;
    if (typeof response.root_key === 'string') endpoint.records_path = `$.${response.root_key}`;
    if (x.pagination !== undefined) Object.assign(endpoint, pagination(x.pagination as Json, `${path}.pagination`, params));
    if (Object.keys(params).length > 0) endpoint.query_params = params;
    if (x.schema !== undefined) endpoint.schema = x.schema;
    endpoints.push(endpoint);
  }
  const first = new URL(String((inputs[0]![1] as Json).url));
  return {
    name: typeof config.name === 'string' ? config.name : name,
    base_url: first.origin,
    ...(shared?.auth !== undefined ? { auth: shared.auth } : {}),
    ...(shared?.rate ? { rate_limit: shared.rate } : {}),
    ...(shared?.retries !== undefined ? { retry: { max_retries: shared.retries } } : {}),
    endpoints,
    ...(config.destination !== undefined ? { destination: config.destination } : {}),
  };
}

function auth(a: Json, path: string): Json {
  switch (a.type) {
    case 'bearer':
      return { type: 'bearer', token: a.token };
    case 'api_key':
      return typeof a.param === 'string'
        ? { type: 'api_key', key_name: a.param, key_value: a.key, location: 'query_parameter' }
        : { type: 'api_key', key_name: a.header ?? 'X-Api-Key', key_value: a.key, location: 'header' };
    case 'basic':
      return { type: 'basic', username: a.username, password: a.password };
    default:
      return fail(`${path}.type`, `auth type ${JSON.stringify(a.type)} is not supported; known: bearer, api_key, basic`);
  }
}

/** `page_size` and the offset parameters use the common names `limit`/`offset`. */
function pagination(p: Json, path: string, params: Json): Json {
  const cap = typeof p.max_pages === 'number' ? { max_pages: p.max_pages } : {};
  switch (p.type) {
    case 'offset':
      return { pagination: { type: 'offset', limit_param: 'limit', limit_value: p.page_size ?? 100, offset_param: 'offset', ...cap } };
    case 'cursor':
      if (typeof p.page_size === 'number') params.limit = p.page_size;
      return { pagination: { type: 'cursor', cursor_param: 'cursor', cursor_path: `$.${typeof p.cursor_field === 'string' ? p.cursor_field : 'next_cursor'}`, ...cap } };
    case 'next_link':
      return { pagination: { type: 'next_link', next_link_path: `$.${typeof p.link_field === 'string' ? p.link_field : 'next'}`, ...cap } };
    default:
      return fail(`${path}.type`, `pagination type ${JSON.stringify(p.type)} is not supported; known: offset, cursor, next_link`);
  }
}

function fail(path: string, message: string): never {
  throw new FloeError('CONFIG_INVALID', 'config', `${path}: ${message} (rest_api pipeline YAML dialect)`, { details: { path } });
}
