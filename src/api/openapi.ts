import { z } from 'zod';
import { floeVersion } from '../util/project-files.js';
import { API_ERRORS } from './api-error.js';
import type { RouteDef } from './route.js';
import { errorOut } from './schemas.js';

type Json = Record<string, unknown>;

/**
 * The OpenAPI 3.1 document of `/api/v1`, built from the same route table and zod schemas the
 * server validates requests with.
 */
export function openApiDocument(routes: readonly RouteDef[]): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const r of routes) {
    const op: Json = {
      summary: r.summary,
      tags: [r.tag],
      operationId: operationId(r),
      parameters: [...parameters(r.params, 'path'), ...parameters(r.query, 'query')],
      responses: {
        [String(r.status)]: r.response
          ? { description: 'OK', content: { 'application/json': { schema: schema(r.response, 'output') } } }
          : { description: 'No content' },
        ...errorResponses(r),
      },
      ...(r.write ? { description: 'Needs a token that is not read-only.' } : {}),
    };
    if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: schema(r.body, 'input') } } };
    (paths[`/api/v1${r.path}`] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'floe management API',
      version: floeVersion(),
      description:
        'Connectors, runs, schedules, state and backfills of `floe serve`. Errors are `{ "error": { "code", "message", "details"? } }`; ' +
        'lists are cursor-paginated (`limit` ≤ 100, `cursor`); every response carries `X-Request-Id`. Live progress: WebSocket ' +
        '`GET /api/v1/events?ticket=…[&run_id=…|&backfill_id=…|&connector_id=…]` (run and backfill events) with a ticket from `POST /api/v1/ws-tickets` (or an Authorization header).',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token from `floe tokens create` or POST /api/v1/tokens.' } },
      schemas: { Error: schema(errorOut, 'output') },
    },
    paths,
  };
}

function operationId(r: RouteDef): string {
  return `${r.method.toLowerCase()}${r.path.replace(/\{(\w+)\}/g, 'By_$1').replace(/[^A-Za-z0-9]+(\w)/g, (_m, c: string) => c.toUpperCase())}`;
}

function schema(s: z.ZodType, io: 'input' | 'output'): Json {
  const out = z.toJSONSchema(s, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
  delete out.$schema;
  return out;
}

function parameters(s: z.ZodType | undefined, where: 'path' | 'query'): Json[] {
  if (!s) return [];
  const js = schema(s, 'input') as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, p]) => ({
    name,
    in: where,
    required: where === 'path' || (js.required ?? []).includes(name),
    ...(typeof p.description === 'string' ? { description: p.description } : {}),
    schema: p,
  }));
}

function errorResponses(r: RouteDef): Record<string, Json> {
  const codes = new Set<keyof typeof API_ERRORS>(['unauthorized', 'rate_limited', 'internal_error']);
  if (r.write) codes.add('forbidden');
  if (r.body || r.query) codes.add('validation_error');
  if (r.params) codes.add('resource_not_found');
  if (r.method !== 'GET') {
    codes.add('conflict');
    codes.add('unprocessable_entity');
  }
  const out: Record<string, Json> = {};
  for (const c of codes) out[String(API_ERRORS[c])] = { description: c, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  return out;
}
