import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { Store } from '../store/store.js';
import type { TokenInfo } from '../store/token-repo.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';

/** What every handler can reach: the store, time, the server's environment and settings. */
export interface ServeContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Resolves `{{ env.X }}` in connector configs. */
  readonly env: Record<string, string | undefined>;
  /** Per-tenant API budget: requests per second, and the burst allowed above it. */
  readonly rateLimit: { readonly perSecond: number; readonly burst: number };
  /** Lifetime of a WebSocket ticket. */
  readonly ticketTtlMs: number;
  /** Wakes this replica's workers (and, through NOTIFY, the others'). */
  readonly wake: () => Promise<void>;
}

export interface RouteContext<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly auth: TokenInfo;
  readonly requestId: string;
  readonly log: Logger;
  readonly serve: ServeContext;
  readonly reply: FastifyReply;
}

type Out<T> = T extends z.ZodType ? z.output<T> : undefined;

/** One operation of the API: its schemas (validation + OpenAPI) and a thin handler. */
export interface RouteDef {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Under /api/v1, with `{name}` parameters as OpenAPI writes them. */
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  /** Needs a token that is not read-only. */
  readonly write: boolean;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  /** The success response; undefined for 204. */
  readonly response?: z.ZodType;
  readonly status: number;
  readonly handler: (ctx: RouteContext<never, never, never>) => Promise<unknown>;
}

export function defineRoute<P extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, B extends z.ZodType | undefined = undefined>(def: {
  method: RouteDef['method'];
  path: string;
  summary: string;
  tag: string;
  write?: boolean;
  params?: P;
  query?: Q;
  body?: B;
  response?: z.ZodType;
  status?: number;
  handler: (ctx: RouteContext<Out<P>, Out<Q>, Out<B>>) => Promise<unknown>;
}): RouteDef {
  const route = {
    ...def,
    write: def.write ?? def.method !== 'GET',
    status: def.status ?? (def.method === 'POST' ? 201 : def.method === 'DELETE' ? 204 : 200),
  };
  return route as unknown as RouteDef;
}
