import type { EndpointConfig, FloeConfig } from '../../config/schema.js';
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
}

/**
 * Builds what every page of an endpoint shares. Headers, lowest precedence first: our defaults
 * (`Accept: application/json`, `Accept-Encoding: gzip, deflate, br`, `User-Agent: floe/<version>`, and `Content-Type: application/json`
 * for a POST with a body), the connector's `headers`, the endpoint's `headers`; auth is applied
 * later, last. Names compare case-insensitively. A POST sends the same JSON `body` on every page
 * (pagination goes in the query string); a POST without `body` sends none.
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
  const body =
    endpoint.method === 'POST' && endpoint.body !== undefined ? JSON.stringify(endpoint.body) : undefined;
  if (body !== undefined) headers['content-type'] = 'application/json';
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
    ...(body !== undefined ? { body } : {}),
  };
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
  return {
    method: template.method,
    url,
    headers: template.headers,
    ...(template.body !== undefined ? { body: template.body } : {}),
  };
}
