import { FloeError } from '../../util/errors.js';

/**
 * The `format: rest_api` inputs of a pipeline YAML (`CONFIG.inputs.<name>`) → floe's native
 * model: each input becomes an endpoint (its full `url` as the path), loaded into floe's own
 * `destination` (add one under `CONFIG`, default DuckDB). `MODEL`, `VERSION`, `transform` and
 * `outputs` are ignored here; `floe push` reads the `rest_api` outputs (`rest-api-outputs.ts`).
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

export function isRestApiYaml(raw: Json): boolean {
  const c = raw.CONFIG;
  return typeof c === 'object' && c !== null && typeof (c as Json).inputs === 'object';
}

export function translateRestApiYaml(raw: Json, name: string): Json {
  const config = raw.CONFIG as Json;
  const inputs = Object.entries(config.inputs as Json).filter(([, v]) => (v as Json | null)?.format === 'rest_api');
  if (inputs.length === 0) fail('CONFIG.inputs', 'no input has format: rest_api');
  const endpoints: Json[] = [];
  let shared: { auth?: unknown; rate?: Json; retry?: Json } | undefined;
  for (const [inputName, value] of inputs) {
    const path = `CONFIG.inputs.${inputName}`;
    const x = value as Json;
    const known = new Set(['format', 'url', 'method', 'headers', 'params', 'auth', 'pagination', 'response', 'rate_limit', 'schema']);
    for (const k of Object.keys(x)) if (!known.has(k)) fail(`${path}.${k}`, `unknown key "${k}"`);
    if (typeof x.url !== 'string') fail(`${path}.url`, 'required (a URL)');
    const { rate, retry } = rateLimit(x.rate_limit);
    const mine = {
      auth: x.auth === undefined ? undefined : auth(x.auth as Json, `${path}.auth`),
      ...(rate ? { rate } : {}),
      ...(retry ? { retry } : {}),
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
    // Seed: "Without root_key, the entire response body is treated as the record (or list of records)".
    endpoint.records_path = typeof response.root_key === 'string' ? `$.${response.root_key}` : '$';
    if (x.pagination !== undefined) Object.assign(endpoint, pagination(x.pagination as Json, `${path}.pagination`, params));
    if (Object.keys(params).length > 0) endpoint.query_params = params;
    if (x.schema !== undefined) endpoint.schema = x.schema;
    endpoints.push(endpoint);
  }
  return {
    name: typeof config.name === 'string' ? config.name : name,
    base_url: origin(String((inputs[0]![1] as Json).url), `CONFIG.inputs.${inputs[0]![0]}.url`),
    ...(shared?.auth !== undefined ? { auth: shared.auth } : {}),
    ...(shared?.rate ? { rate_limit: shared.rate } : {}),
    ...(shared?.retry ? { retry: shared.retry } : {}),
    endpoints,
    ...(config.destination !== undefined ? { destination: config.destination } : {}),
  };
}

/**
 * `scheme://host[:port]` of an input's URL, read as text: the URL may still hold `{{ env.X }}`
 * (a host or port from the environment), which is resolved after translation.
 */
function origin(url: string, path: string): string {
  const m = /^(https?:\/\/[^/?#]+)/i.exec(url);
  return m?.[1] ?? fail(path, `"${url.split('?')[0] ?? ''}" is not an http(s) URL`);
}

/** The format's `rate_limit` (`requests_per_second`, `retry_on`, `max_retries`) → floe's `rate_limit` and `retry`. */
export function rateLimit(value: unknown): { rate?: Json; retry?: Json } {
  const r = (value ?? {}) as Json;
  const retry: Json = {
    ...(r.max_retries !== undefined ? { max_retries: r.max_retries } : {}),
    ...(r.retry_on !== undefined ? { retry_on: r.retry_on } : {}),
  };
  return {
    ...(r.requests_per_second !== undefined ? { rate: { requests_per_second: r.requests_per_second } } : {}),
    ...(Object.keys(retry).length > 0 ? { retry } : {}),
  };
}

/** The format's `auth` (bearer, api_key by header or param, basic) → floe's. */
export function auth(a: Json, path: string): Json {
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

export function fail(path: string, message: string): never {
  throw new FloeError('CONFIG_INVALID', 'config', `${path}: ${message} (rest_api pipeline YAML dialect)`, { details: { path } });
}

/** True when the file has `CONFIG.outputs` (for `floe push`). */
export function hasRestApiOutputs(raw: Json): boolean {
  const c = raw.CONFIG;
  return typeof c === 'object' && c !== null && typeof (c as Json).outputs === 'object' && (c as Json).outputs !== null;
}

/** Keys of a `rest_api` output: the format's own, then floe's additions (which rows, key, cursor, payload). */
const OUTPUT_KEYS = new Set([
  'format', 'url', 'method', 'headers', 'auth', 'batch_size', 'rate_limit',
  'table', 'query', 'file', 'input', 'key', 'cursor', 'wrap_key', 'idempotency_header', 'reject_statuses', 'timeout_seconds',
]);

/**
 * The `format: rest_api` outputs (`CONFIG.outputs.<name>`) → `floe push`'s native outputs. An
 * output is fed by the pipeline's input: with one `rest_api` input, its table (floe run loads
 * input `x` into table `x`); with several, name one with `input: <name>`, or give `table`,
 * `query` or `file` directly. Outputs of other formats (delta, parquet…) are not floe's; skipped.
 *
 * @example
 * CONFIG:
 *   inputs:  { crm_customers: { format: rest_api, url: "https://crm.example.com/api/v2/customers" } }
 *   outputs:
 *     predictions_api:
 *       format: rest_api
 *       url: "https://api.example.com/v1/predictions"
 *       auth: { type: bearer, token: "{{ env.API_TOKEN }}" }
 *       batch_size: 100
 *       rate_limit: { requests_per_second: 5, retry_on: [429, 503], max_retries: 3 }
 */
export function translateRestApiYamlOutputs(raw: Json, name: string): Json {
  const config = raw.CONFIG as Json;
  const outputs = Object.entries(config.outputs as Json).filter(([, v]) => (v as Json | null)?.format === 'rest_api');
  if (outputs.length === 0) fail('CONFIG.outputs', 'no output has format: rest_api');
  const inputs = Object.entries((config.inputs ?? {}) as Json)
    .filter(([, v]) => (v as Json | null)?.format === 'rest_api')
    .map(([k]) => k);
  const transform = (config.transform ?? {}) as Json;
  const translated = outputs.map(([outputName, value]) => {
    const path = `CONFIG.outputs.${outputName}`;
    const x = value as Json;
    for (const k of Object.keys(x)) if (!OUTPUT_KEYS.has(k)) fail(`${path}.${k}`, `unknown key "${k}"`);
    const out: Json = { name: outputName, url: x.url };
    if (x.table !== undefined || x.query !== undefined || x.file !== undefined) {
      for (const k of ['table', 'query', 'file']) if (x[k] !== undefined) out[k] = x[k];
      if (x.input !== undefined) fail(`${path}.input`, 'give input or table/query/file, not both');
    } else {
      if (transform.type !== undefined && transform.type !== 'noop') {
        fail('CONFIG.transform', `floe pushes tables as loaded; write transform ${JSON.stringify(transform.type)} as ${path}.query`);
      }
      const input = x.input ?? (inputs.length === 1 ? inputs[0] : undefined);
      if (input === undefined) {
        fail(path, inputs.length === 0
          ? 'no rest_api input feeds this output; set table, query or file'
          : `several inputs feed the outputs (${inputs.join(', ')}); set input: <one of them>, or table/query`);
      }
      if (typeof input !== 'string' || !inputs.includes(input)) {
        fail(`${path}.input`, `no rest_api input ${JSON.stringify(input)}; known: ${inputs.join(', ') || 'none'}`);
      }
      out.table = input;
    }
    if (x.method !== undefined) out.method = typeof x.method === 'string' ? x.method.toUpperCase() : x.method;
    if (x.auth !== undefined) out.auth = auth(x.auth as Json, `${path}.auth`);
    const { rate, retry } = rateLimit(x.rate_limit);
    if (rate) out.rate_limit = rate;
    if (retry) out.retry = retry;
    for (const k of ['headers', 'batch_size', 'key', 'cursor', 'wrap_key', 'idempotency_header', 'reject_statuses', 'timeout_seconds']) {
      if (x[k] !== undefined) out[k] = x[k];
    }
    return out;
  });
  return {
    name: typeof config.name === 'string' ? config.name : name,
    ...(config.destination !== undefined ? { destination: config.destination } : {}),
    outputs: translated,
  };
}
