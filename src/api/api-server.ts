import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { formatPath } from '../config/format-issues.js';
import type { TokenInfo } from '../store/token-repo.js';
import type { Logger } from '../util/logger.js';
import { ApiError, toApiError, type FieldIssue } from './api-error.js';
import { openApiDocument } from './openapi.js';
import type { RouteDef, ServeContext } from './route.js';

declare module 'fastify' {
  interface FastifyRequest {
    floeLog: Logger;
    auth: TokenInfo | undefined;
    startedAt: number;
  }
  interface FastifyContextConfig {
    write?: boolean;
    /** The route authenticates on its own (the WebSocket takes tickets) or not at all. */
    ownAuth?: boolean;
  }
}

export interface ApiServerOptions {
  readonly https?: { readonly cert: string | Buffer; readonly key: string | Buffer };
}

/** A client's request id is echoed when it is a sane token; otherwise we make one. */
const CLIENT_REQUEST_ID = /^[\w.:@/-]{1,128}$/;

/**
 * The HTTP door of `floe serve`: fastify with floe's error format, request ids, bearer auth and
 * the per-tenant rate limit as hooks, then the route table. Handlers are thin: they validate, call
 * the store and `run/`, and shape the answer.
 */
export function buildApiServer(serve: ServeContext, routes: readonly RouteDef[], opts: ApiServerOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: 5 * 1024 * 1024,
    requestIdHeader: false,
    genReqId: (req) => {
      const sent = req.headers['x-request-id'];
      return typeof sent === 'string' && CLIENT_REQUEST_ID.test(sent) ? sent : `req_${randomBytes(10).toString('hex')}`;
    },
    ...(opts.https ? { https: { cert: opts.https.cert, key: opts.https.key } } : {}),
  }) as unknown as FastifyInstance;

  app.decorateRequest('floeLog', undefined as unknown as Logger);
  app.decorateRequest('auth', undefined);
  app.decorateRequest('startedAt', 0);

  app.addHook('onRequest', async (req, reply) => {
    req.startedAt = serve.clock.now();
    req.floeLog = serve.logger.child({ request_id: req.id });
    req.floeLog.info('request', { method: req.method, path: req.url.split('?')[0] });
    void reply.header('x-request-id', req.id);
    if (!req.url.startsWith('/api/v1/') || req.routeOptions.config.ownAuth) return;
    req.auth = await authenticate(serve, req);
    await rateLimit(serve, req.auth.tenant, req);
    if (req.routeOptions.config.write && req.auth.read_only) {
      throw new ApiError('forbidden', 'This token is read-only; this action needs a token created without --read-only.');
    }
  });

  app.addHook('onResponse', async (req, reply) => {
    req.floeLog.info('response', { status: reply.statusCode, ms: serve.clock.now() - req.startedAt });
  });

  app.setErrorHandler(async (err, req, reply) => {
    const e = fromFastify(err) ?? toApiError(err);
    if (e.code === 'internal_error') {
      const error = err instanceof Error ? err : new Error(String(err));
      req.floeLog.error('request failed', { error: error.message, stack: error.stack });
    } else {
      req.floeLog.info('request rejected', { code: e.code, error: e.message });
    }
    return reply.code(e.status).headers(e.headers).type('application/json').send(e.toBody());
  });

  app.setNotFoundHandler(async (req, reply) => {
    const e = new ApiError('resource_not_found', `No operation ${req.method} ${req.url.split('?')[0]}; see /api/v1/openapi.json.`);
    return reply.code(404).send(e.toBody());
  });

  app.get('/api/v1/openapi.json', { config: { ownAuth: true } }, () => Promise.resolve(openApiDocument(routes)));
  app.get('/api/v1/health', { config: { ownAuth: true } }, () => Promise.resolve({ status: 'ok' }));

  for (const r of routes) {
    app.route({
      method: r.method,
      url: `/api/v1${r.path.replace(/\{(\w+)\}/g, ':$1')}`,
      config: { write: r.write },
      handler: async (req, reply) => {
        const issues: FieldIssue[] = [];
        const params = parse(r.params, req.params, '', issues);
        const query = parse(r.query, req.query ?? {}, '', issues);
        if (r.body && (req.body === undefined || req.body === null)) issues.push({ field: '(body)', message: 'A JSON body is required (Content-Type: application/json).' });
        const body = r.body && req.body !== undefined && req.body !== null ? parse(r.body, req.body, '', issues) : undefined;
        if (issues.length > 0) throw new ApiError('validation_error', 'Request validation failed.', issues);
        const out = await r.handler({
          params: params as never,
          query: query as never,
          body: body as never,
          auth: req.auth!,
          requestId: req.id,
          log: req.floeLog,
          serve,
          reply,
        });
        if (reply.sent) return reply;
        if (out === undefined) return reply.code(r.status).send();
        return reply.code(r.status).send(out);
      },
    });
  }
  return app;
}

function parse(schema: z.ZodType | undefined, input: unknown, prefix: string, issues: FieldIssue[]): unknown {
  if (!schema) return undefined;
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  for (const i of r.error.issues) {
    const path = formatPath(i.path);
    issues.push({ field: prefix ? `${prefix}.${path}` : path, message: i.message });
  }
  return undefined;
}

async function authenticate(serve: ServeContext, req: FastifyRequest): Promise<TokenInfo> {
  const header = req.headers.authorization;
  const m = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!m) throw new ApiError('unauthorized', 'Missing bearer token: send Authorization: Bearer <token>.');
  const info = await serve.store.tokens.authenticate(m[1]!);
  if (!info) throw new ApiError('unauthorized', 'The token is invalid or revoked.');
  return info;
}

/** The tenant's shared budget (all replicas, all users of the tenant): 429 with Retry-After. */
async function rateLimit(serve: ServeContext, tenant: string, req: FastifyRequest): Promise<void> {
  const r = await serve.store.budgets.take(`api:${tenant}`, serve.rateLimit.perSecond, serve.rateLimit.burst, serve.clock.now());
  if (r.allowed) return;
  const seconds = Math.max(1, Math.ceil(r.retryAfterMs / 1000));
  req.floeLog.warn('rate limited', { tenant, retry_after_s: seconds });
  throw new ApiError('rate_limited', `Too many requests for this tenant; retry after ${seconds} s.`, undefined, { 'retry-after': String(seconds) });
}

/** fastify's own errors (bad JSON, wrong content type, body too large) in floe's format. */
function fromFastify(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  const e = err as { code?: unknown; statusCode?: unknown; message?: unknown };
  if (typeof e.code !== 'string' || !e.code.startsWith('FST_')) return undefined;
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 500) return undefined;
  const message =
    e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
      ? 'Content-Type must be application/json.'
      : e.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? 'The request body is too large (5 MB at most).'
        : e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
          ? 'The JSON body is empty.'
          : `The request body is not valid JSON: ${String(e.message)}`;
  return new ApiError('validation_error', message, [{ field: '(body)', message }]);
}
