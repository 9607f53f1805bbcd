import type { EndpointConfig, FloeConfig } from '../../config/schema.js';
import { toText } from '../../util/text.js';
import type { HttpRequest } from './http.js';
import type { PageTarget } from './paginators/paginator.js';
import { joinUrl, withQuery } from './url.js';
import { USER_AGENT } from './user-agent.js';
import { ACCEPT_ENCODING } from './decode-body.js';

/** The parts of an endpoint's requests that are the same on every page. */
export interface RequestTemplate {
  readonly method: 'GET' | 'POST';
  /** `base_url` + path, with the path's own query string if any. */
  readonly url: string;
  /** Static `query_params`, stringified. */
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** The body before serialization, for pagination values placed in it (`*_body_path`). */
  readonly bodyValue?: unknown;
  /** How the body is serialized: JSON (default) or `application/x-www-form-urlencoded`. */
  readonly bodyFormat: 'json' | 'form';
}

/**
 * Builds what every page of an endpoint shares. Headers, lowest precedence first: our defaults
 * (`Accept: application/json`, `Accept-Encoding: gzip, deflate, br`, `User-Agent: floe/<version>`, and `Content-Type: application/json`
 * for a POST with a body), the connector's `headers`, the endpoint's `headers`; auth is applied
 * later, last. Names compare case-insensitively. A POST sends the same `body` on every page (JSON,
 * or a form with `body_format: form`), except for pagination values a `*_body_path` setting puts
 * in it; a POST without `body` sends none.
 */
export function requestTemplate(
  config: Pick<FloeConfig, 'base_url' | 'headers'>,
  endpoint: EndpointConfig,
): RequestTemplate {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'accept-encoding': ACCEPT_ENCODING,
    'user-agent': USER_AGENT,
  };
  const bodyFormat = endpoint.body_format ?? 'json';
  const body =
    endpoint.method === 'POST' && endpoint.body !== undefined ? serializeBody(endpoint.body, bodyFormat) : undefined;
  if (body !== undefined) headers['content-type'] = CONTENT_TYPES[bodyFormat];
  for (const source of [config.headers, endpoint.headers]) {
    for (const [k, v] of Object.entries(source ?? {})) headers[k.toLowerCase()] = v;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(endpoint.query_params ?? {})) query[k] = String(v);
  return {
    method: endpoint.method,
    url: joinUrl(config.base_url, endpoint.path),
    query,
    headers,
    bodyFormat,
    ...(body !== undefined ? { body, bodyValue: endpoint.body } : {}),
  };
}

const CONTENT_TYPES = { json: 'application/json', form: 'application/x-www-form-urlencoded' } as const;

/** The body as sent: JSON text, or `a=1&b=x` for a form (a mapping of scalars). */
function serializeBody(value: unknown, format: 'json' | 'form'): string {
  if (format === 'json') return JSON.stringify(value);
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries((value ?? {}) as Record<string, unknown>)) {
    if (v === null || v === undefined) continue;
    form.append(k, toText(v));
  }
  return form.toString();
}

/** `body` with `values` set at their dotted paths (objects created on the way). */
function placeInBody(body: unknown, values: Readonly<Record<string, unknown>>): unknown {
  const root: Record<string, unknown> =
    body !== null && typeof body === 'object' && !Array.isArray(body) ? structuredClone(body as Record<string, unknown>) : {};
  for (const [path, value] of Object.entries(values)) {
    const keys = path.split('.');
    let at = root;
    for (const k of keys.slice(0, -1)) {
      const next = at[k];
      if (next === null || typeof next !== 'object' || Array.isArray(next)) at[k] = {};
      at = at[k] as Record<string, unknown>;
    }
    at[keys[keys.length - 1]!] = value;
  }
  return root;
}

/**
 * The request for one page. A query target adds the static `query_params` and then the
 * pagination parameters (which win a name clash). A URL target (a next link from the API) is used
 * as given: static `query_params` are added only where the URL lacks them, never duplicated.
 */
export function pageRequest(template: RequestTemplate, target: PageTarget): HttpRequest {
  const url =
    target.kind === 'url'
      ? withQuery(target.url, template.query, 'if_absent')
      : withQuery(withQuery(template.url, template.query, 'replace'), target.query, 'replace');
  if (target.kind === 'query' && target.body !== undefined) {
    const headers = { ...template.headers };
    headers['content-type'] ??= CONTENT_TYPES[template.bodyFormat];
    const body = serializeBody(placeInBody(template.bodyValue, target.body), template.bodyFormat);
    return { method: template.method, url, headers, body };
  }
  return {
    method: template.method,
    url,
    headers: template.headers,
    ...(template.body !== undefined ? { body: template.body } : {}),
  };
}
