import { FloeError } from '../../util/errors.js';

/**
 * dlt's `rest_api_source` config (the JSON that Popsink and others standardised on) → floe's
 * native model. Only the declarative subset floe supports is translated; anything else is a
 * config error naming the dlt path, never silently dropped.
 *
 * @example
 * { "client": { "base_url": "https://api.example.com/v1", "auth": { "type": "bearer", "token": "…" },
 *               "paginator": { "type": "json_link", "next_url_path": "paging.next" } },
 *   "resources": [ { "name": "customers", "endpoint": { "path": "customers", "data_selector": "data",
 *                    "incremental": { "cursor_path": "updated_at", "initial_value": "1970-01-01T00:00:00Z" } } } ] }
 */
type Json = Record<string, unknown>;

export function isDltConfig(raw: Json): boolean {
  return typeof raw.client === 'object' && raw.client !== null && Array.isArray(raw.resources);
}

export function translateDlt(raw: Json, name: string): Json {
  const known = new Set(['client', 'resources', 'resource_defaults', 'name', 'destination', 'stage', 'rate_limit', 'retry', 'timeout_seconds', '$schema']);
  for (const k of Object.keys(raw)) if (!known.has(k)) fail(k, `unknown key "${k}" in a dlt rest_api_source config`);
  const client = obj(raw.client, 'client');
  const defaults = raw.resource_defaults === undefined ? {} : obj(raw.resource_defaults, 'resource_defaults');
  const out: Json = {
    name: typeof raw.name === 'string' ? raw.name : name,
    base_url: client.base_url,
    ...(client.auth !== undefined ? { auth: auth(client.auth, 'client.auth') } : {}),
    ...(client.headers !== undefined ? { headers: client.headers } : {}),
    endpoints: (raw.resources as unknown[]).map((r, i) => resource(r, `resources[${i}]`, defaults, client.paginator)),
  };
  for (const k of ['destination', 'stage', 'rate_limit', 'retry', 'timeout_seconds'] as const) if (raw[k] !== undefined) out[k] = raw[k];
  return out;
}

function resource(r: unknown, path: string, defaults: Json, clientPaginator: unknown): Json {
  const res: Json = typeof r === 'string' ? { name: r, endpoint: r } : obj(r, path);
  const endpointDefaults = defaults.endpoint === undefined ? {} : obj(defaults.endpoint, 'resource_defaults.endpoint');
  const rawEndpoint = res.endpoint ?? res.name;
  const endpoint: Json = { ...endpointDefaults, ...(typeof rawEndpoint === 'string' ? { path: rawEndpoint } : obj(rawEndpoint, `${path}.endpoint`)) };
  const name = str(res.name, `${path}.name`);
  const out: Json = { name, path: str(endpoint.path, `${path}.endpoint.path`), table_name: res.table_name ?? name };
  if (endpoint.method !== undefined) out.method = typeof endpoint.method === 'string' ? endpoint.method.toUpperCase() : endpoint.method;
  if (endpoint.headers !== undefined) out.headers = endpoint.headers;
  if (endpoint.json !== undefined) out.body = endpoint.json;
  if (endpoint.data_selector !== undefined) out.records_path = jsonPath(str(endpoint.data_selector, `${path}.endpoint.data_selector`));
  const paginator = endpoint.paginator ?? clientPaginator;
  if (paginator !== undefined) {
    const p = pagination(paginator, endpoint.paginator !== undefined ? `${path}.endpoint.paginator` : 'client.paginator');
    if (p) out.pagination = p;
  }
  const params: Json = {};
  for (const [k, v] of Object.entries(endpoint.params === undefined ? {} : obj(endpoint.params, `${path}.endpoint.params`))) {
    if (v !== null && typeof v === 'object') {
      const t = (v as Json).type;
      if (t !== 'incremental') fail(`${path}.endpoint.params.${k}`, `param type "${String(t)}" is not supported (parent/child "resolve" params are not)`);
      out.incremental = incremental(v as Json, `${path}.endpoint.params.${k}`);
      params[k] = '{{ incremental.start_value }}';
    } else params[k] = v;
  }
  if (endpoint.incremental !== undefined) {
    const inc = obj(endpoint.incremental, `${path}.endpoint.incremental`);
    out.incremental = incremental(inc, `${path}.endpoint.incremental`);
    if (typeof inc.start_param === 'string') params[inc.start_param] = '{{ incremental.start_value }}';
    if (typeof inc.end_param === 'string') params[inc.end_param] = '{{ incremental.end_value }}';
  }
  if (Object.keys(params).length > 0) out.query_params = params;
  const disposition = res.write_disposition ?? defaults.write_disposition;
  if (disposition !== undefined) {
    out.write_disposition = typeof disposition === 'object' && disposition !== null ? (disposition as Json).disposition : disposition;
  }
  const key = res.primary_key ?? defaults.primary_key;
  if (key !== undefined) out.primary_key = Array.isArray(key) ? key : [key];
  return out;
}

function incremental(inc: Json, path: string): Json {
  return {
    cursor_path: jsonPath(str(inc.cursor_path, `${path}.cursor_path`)),
    initial_value: inc.initial_value,
    ...(inc.end_value !== undefined ? { end_value: inc.end_value } : {}),
  };
}

function auth(a: unknown, path: string): Json {
  const x = obj(a, path);
  switch (x.type) {
    case 'bearer':
      return { type: 'bearer', token: x.token };
    case 'api_key': {
      if (x.location === 'cookie') fail(`${path}.location`, 'cookie API keys are not supported; use header or query');
      return { type: 'api_key', key_name: x.name ?? 'Authorization', key_value: x.api_key, location: x.location === 'query' ? 'query_parameter' : 'header' };
    }
    case 'http_basic':
      return { type: 'basic', username: x.username, password: x.password ?? '' };
    case 'oauth2_client_credentials': {
      const data = (x.access_token_request_data ?? {}) as Json;
      return {
        type: 'oauth2_client_credentials',
        token_url: x.access_token_url,
        client_id: x.client_id,
        client_secret: x.client_secret,
        ...(data.scope !== undefined ? { scopes: data.scope } : {}),
      };
    }
    default:
      return fail(`${path}.type`, `auth type ${JSON.stringify(x.type)} is not supported; known: bearer, api_key, http_basic, oauth2_client_credentials`);
  }
}

function pagination(p: unknown, path: string): Json | undefined {
  const x: Json = typeof p === 'string' ? { type: p } : obj(p, path);
  const cap = typeof x.maximum_page === 'number' ? { max_pages: x.maximum_page } : {};
  // dlt's stop signals; its page_number total_path counts pages, its offset total_path records.
  const signals = {
    ...(typeof x.has_more_path === 'string' ? { has_more_path: jsonPath(x.has_more_path) } : {}),
    ...(x.stop_after_empty_page === true ? { stop_after_empty_page: true } : {}),
  };
  const total = (key: string): Json => (typeof x.total_path === 'string' ? { [key]: jsonPath(x.total_path) } : {});
  switch (x.type) {
    case 'single_page':
      return undefined;
    case 'header_link':
      return { type: 'link_header', ...cap };
    case 'json_link':
      return { type: 'next_link', next_link_path: jsonPath(str(x.next_url_path, `${path}.next_url_path`)), ...cap };
    case 'cursor':
      return { type: 'cursor', cursor_param: x.cursor_param ?? 'cursor', cursor_path: jsonPath(str(x.cursor_path ?? 'cursors.next', `${path}.cursor_path`)), ...signals, ...cap };
    case 'offset':
      return {
        type: 'offset',
        limit_param: x.limit_param ?? 'limit',
        limit_value: x.limit,
        offset_param: x.offset_param ?? 'offset',
        ...(typeof x.offset === 'number' ? { start_offset: x.offset } : {}),
        ...signals,
        ...total('total_path'),
      };
    case 'page_number':
      if (typeof x.page_size !== 'number' && Object.keys(signals).length === 0 && x.total_path === undefined) {
        fail(`${path}.page_size`, 'floe stops page_number pagination at the first short page, so it needs page_size (and page_size_param if the API takes one)');
      }
      return {
        type: 'page_number',
        page_param: x.page_param ?? 'page',
        ...(typeof x.page_size === 'number' ? { page_size_value: x.page_size } : {}),
        ...(typeof x.page_size_param === 'string' ? { page_size_param: x.page_size_param } : {}),
        ...signals,
        ...total('total_pages_path'),
        start_page: typeof x.base_page === 'number' ? x.base_page : 0,
        ...cap,
      };
    default:
      return fail(`${path}.type`, `paginator type ${JSON.stringify(x.type)} is not supported; known: single_page, header_link, json_link, cursor, offset, page_number`);
  }
}

/** dlt accepts `data.items`; floe speaks JSONPath. */
function jsonPath(p: string): string {
  return p.startsWith('$') ? p : `$.${p}`;
}

function obj(v: unknown, path: string): Json {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(path, 'expected a mapping');
  return v as Json;
}

function str(v: unknown, path: string): string {
  if (typeof v !== 'string' || v === '') fail(path, 'required (a string)');
  return v;
}

function fail(path: string, message: string): never {
  throw new FloeError('CONFIG_INVALID', 'config', `${path}: ${message} (dlt rest_api_source dialect)`, { details: { path } });
}
