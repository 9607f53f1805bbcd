import type { AuthConfig } from '../../config/schema.js';
import { FloeError } from '../../util/errors.js';
import { MASK, type Redactor } from '../../util/redact.js';
import type { PageTarget, Paginator } from './paginators/paginator.js';
import { RESUME_SUPPORT } from './paginators/resume-support.js';
import type { RequestTemplate } from './request-builder.js';
import { withQuery } from './url.js';

/** What `resumeStart` needs to know about the extraction. */
export interface ResumeContext {
  readonly endpoint: string;
  readonly template: RequestTemplate;
  /** The query parameter the auth sets (api_key in the query), which auth re-applies to every request. */
  readonly authQueryParam: string | undefined;
  readonly redactor: Redactor;
}

/** The token and target of the first request of a resumed extraction. */
export interface ResumeStart<T> {
  readonly token: T;
  readonly target: PageTarget;
}

/** The query parameter an auth config puts in the URL, if any. */
export function authQueryParam(auth: AuthConfig | undefined): string | undefined {
  return auth?.type === 'api_key' && auth.location === 'query_parameter' ? auth.key_name : undefined;
}

/**
 * Turns a stored `Page.next` into the first request of a resumed extraction. The token must have
 * the paginator's shape (`STATE_INVALID` otherwise: the pagination config changed, or the state is
 * corrupt).
 *
 * Stored tokens have registered secrets masked as `***`. In a next-page URL, a masked value is
 * restored where floe knows it: the auth's query parameter is left for the auth middleware to
 * replace on every request, and a static `query_params` entry gets its configured value. Any other
 * masked value (in the path, in another query parameter, in a cursor) cannot be sent: that is a
 * `STATE_INVALID` error before any request, never a request carrying `***`.
 */
export function resumeStart<T>(paginator: Paginator<T>, stored: unknown, ctx: ResumeContext): ResumeStart<T> {
  const token = paginator.restore(stored);
  if (token === undefined) {
    throw stateInvalid(
      ctx,
      `the stored pagination token ${excerpt(stored, ctx.redactor)} is not a ${paginator.type} token ` +
        `(expected ${RESUME_SUPPORT[paginator.type].token}); the endpoint's pagination config changed since it ` +
        'was stored, or the state is damaged',
    );
  }
  const target = paginator.target(token);
  if (target.kind === 'query') {
    for (const [name, value] of Object.entries(target.query)) {
      if (value.includes(MASK)) {
        throw stateInvalid(
          ctx,
          `the stored ${paginator.describe(token)} has a masked secret (${MASK}) in "${name}"`,
        );
      }
    }
    return { token, target };
  }
  return { token, target: { kind: 'url', url: unmaskUrl(target.url, ctx) } };
}

function unmaskUrl(url: string, ctx: ResumeContext): string {
  if (!url.includes(MASK)) return url;
  const q = url.indexOf('?');
  if (q < 0 || url.slice(0, q).includes(MASK)) {
    throw stateInvalid(ctx, `the stored next-page URL has a masked secret (${MASK}) in its host or path`);
  }
  const restore: Record<string, string> = {};
  for (const pair of url.slice(q + 1).split('&')) {
    if (!pair.includes(MASK)) continue;
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    const name = decode(rawName);
    if (!rawName.includes(MASK)) {
      if (name === ctx.authQueryParam) continue;
      const configured = ctx.template.query[name];
      if (configured !== undefined) {
        restore[name] = configured;
        continue;
      }
    }
    throw stateInvalid(
      ctx,
      `the stored next-page URL has a masked secret (${MASK}) in query parameter "${ctx.redactor.text(name)}", ` +
        'which is neither the auth parameter nor one of the endpoint’s query_params, so floe cannot restore it',
    );
  }
  return withQuery(url, restore, 'replace');
}

function stateInvalid(ctx: ResumeContext, what: string): FloeError {
  return new FloeError(
    'STATE_INVALID',
    'terminal',
    `Endpoint "${ctx.endpoint}": cannot resume: ${what}. Nothing was requested; ` +
      'discard the checkpoint and extract the endpoint from its first page.',
    { details: { endpoint: ctx.endpoint, path: 'pagination' } },
  );
}

function excerpt(value: unknown, redactor: Redactor): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return redactor.text(text.length > 120 ? `${text.slice(0, 120)}…` : text);
}

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}
