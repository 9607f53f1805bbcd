import { STATUS_CODES } from 'node:http';
import { FloeError } from '../../util/errors.js';
import type { Redactor } from '../../util/redact.js';
import { bodyExcerpt } from './excerpt.js';
import { parseExactJson, type JsonNumberCounts } from './exact-json.js';
import type { HttpResponse } from './http.js';
import type { ResponsePolicy } from './response-policy.js';
import type { ResponseOrigin } from './selector.js';

/**
 * Parses a 2xx body as JSON. A 204 (or an empty body with status 204/205) is `null`, which the
 * selector reads as "no records". Anything else that is not JSON, e.g. an HTML error page a proxy
 * served with 200, fails with `RESPONSE_NOT_JSON` (terminal). Numbers a double cannot hold exactly
 * are kept exact (see exact-json.ts) and counted in `counts`.
 */
export function parseJsonBody(
  res: HttpResponse,
  origin: ResponseOrigin,
  redactor: Redactor,
  counts?: JsonNumberCounts,
): unknown {
  if ((res.status === 204 || res.status === 205) && res.body.trim() === '') return null;
  const contentType = res.headers['content-type'] ?? '(none)';
  let reason: string;
  if (/html/i.test(contentType) || /^\s*<(?:!doctype|html|head|body)\b/i.test(res.body)) {
    reason = 'it is HTML';
  } else {
    try {
      return parseExactJson(res.body, counts, res.raw);
    } catch (e) {
      reason = res.body.trim() === '' ? 'the body is empty' : `it does not parse (${(e as Error).message})`;
    }
  }
  return fail(
    new FloeError(
      'RESPONSE_NOT_JSON',
      'terminal',
      `Endpoint "${origin.endpoint}": the response from ${origin.url} (HTTP ${res.status}, content-type ${contentType}) ` +
        `is not JSON: ${reason}. Body: "${bodyExcerpt(res.body, redactor)}". ` +
        'A REST endpoint must answer with JSON; an HTML page usually means a wrong base_url/path, a proxy or a login page.',
      {
        details: {
          endpoint: origin.endpoint,
          url: origin.url,
          status: res.status,
          content_type: contentType,
          body_excerpt: bodyExcerpt(res.body, redactor),
        },
      },
    ),
  );
}

/**
 * The error for a status that is not retried (3xx, 4xx other than 429, 5xx other than 500/502/503/504): `HTTP_STATUS`, terminal,
 * with a hint on what to check.
 */
export function statusError(
  method: string,
  res: HttpResponse,
  origin: ResponseOrigin,
  redactor: Redactor,
): FloeError {
  const excerpt = bodyExcerpt(res.body, redactor);
  return new FloeError(
    'HTTP_STATUS',
    'terminal',
    `Endpoint "${origin.endpoint}": ${method} ${origin.url} returned HTTP ${res.status} ${STATUS_CODES[res.status] ?? ''}`.trimEnd() +
      ` (not retried). ${statusHint(res, redactor)} Body: "${excerpt}".`,
    { details: { endpoint: origin.endpoint, url: origin.url, status: res.status, body_excerpt: excerpt } },
  );
}

function statusHint(res: HttpResponse, redactor: Redactor): string {
  const s = res.status;
  if (s >= 300 && s < 400) {
    const location = res.headers['location'];
    return (
      `The API redirects${location ? ` to ${redactor.url(location)}` : ''}; floe does not follow redirects ` +
      '(so credentials never go to another host): set the endpoint path or base_url to the new location.'
    );
  }
  switch (s) {
    case 400:
      return 'The API rejected the request: check query_params, the pagination parameters and the body.';
    case 401:
      return 'The API rejected the credentials: check auth (the key, token or client secret and its environment variable).';
    case 403:
      return 'The credentials lack permission for this resource: check the key’s scopes or the account’s access.';
    case 404:
      return 'Nothing at this URL: check base_url and the endpoint path (base_url keeps its path; the path is appended).';
    default:
      if (s >= 500) return 'A server error; only 429, 500, 502, 503 and 504 are retried.';
      return 'Client errors (4xx) mean the request itself is wrong and are not retried.';
  }
}

function fail(e: FloeError): never {
  throw e;
}

/** A 2xx response a `response_actions` rule with `action: fail` matched (an error inside a 200). */
export function actionFailError(
  method: string,
  res: HttpResponse,
  origin: ResponseOrigin,
  policy: ResponsePolicy,
  redactor: Redactor,
): FloeError {
  const excerpt = bodyExcerpt(res.body, redactor);
  const rule = policy.match(res);
  return new FloeError(
    'HTTP_RESPONSE_ACTION',
    'terminal',
    `Endpoint "${origin.endpoint}": ${method} ${origin.url} returned HTTP ${res.status} with a body that ` +
      `${rule?.source ?? 'response_actions'} marks as a failure${rule?.content !== undefined ? ` (contains "${rule.content}")` : ''}. Body: "${excerpt}".`,
    { details: { endpoint: origin.endpoint, url: origin.url, status: res.status, body_excerpt: excerpt } },
  );
}
