import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { FloeEvent } from '../store/event-bus.js';
import { ApiError } from './api-error.js';
import { presentRun } from './present.js';
import type { ServeContext } from './route.js';
import { hashTicket } from './routes/tokens.js';

interface Client {
  readonly socket: WebSocket;
  readonly tenant: string;
  readonly runId: string | undefined;
  readonly connectorId: string | undefined;
  readonly backfillId: string | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    wsTenant: string | undefined;
  }
}

/**
 * `GET /api/v1/events` (WebSocket): live run events as JSON messages, for all of the tenant's
 * runs or one run (`?run_id=`), backfill (`?backfill_id=`) or connector (`?connector_id=`). Authenticated by a short-lived
 * single-use ticket (`?ticket=` from `POST /api/v1/ws-tickets`), since browsers cannot set
 * Authorization on a WebSocket, or by the usual bearer header. Events come through the store's
 * NOTIFY channel, so runs executing on any replica reach clients connected to any other.
 */
export async function registerEventsSocket(app: FastifyInstance, serve: ServeContext): Promise<() => Promise<void>> {
  const clients = new Set<Client>();
  const unsubscribe = await serve.store.events.subscribe((e) => deliver(clients, e));
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  app.decorateRequest('wsTenant', undefined);

  app.get(
    '/api/v1/events',
    {
      websocket: true,
      config: { ownAuth: true },
      preValidation: async (req) => {
        req.wsTenant = await authenticate(serve, req);
      },
    },
    async (socket, req) => {
      const q = req.query as { run_id?: string; connector_id?: string; backfill_id?: string };
      const client: Client = { socket, tenant: req.wsTenant!, runId: q.run_id, connectorId: q.connector_id, backfillId: q.backfill_id };
      clients.add(client);
      socket.on('close', () => clients.delete(client));
      req.floeLog.info('events socket opened', { run_id: q.run_id, connector_id: q.connector_id, backfill_id: q.backfill_id });
      if (q.run_id) {
        const row = await serve.store.runs.get(client.tenant, q.run_id);
        send(socket, row ? { type: 'run.snapshot', run: presentRun(row) } : { type: 'error', error: { code: 'resource_not_found', message: `Run with ID '${q.run_id}' was not found.` } });
      } else {
        send(socket, { type: 'subscribed', connector_id: q.connector_id ?? null, backfill_id: q.backfill_id ?? null });
      }
    },
  );

  return async () => {
    await unsubscribe();
    for (const c of clients) c.socket.close(1001, 'server shutting down');
  };
}

async function authenticate(serve: ServeContext, req: FastifyRequest): Promise<string> {
  const ticket = (req.query as { ticket?: string }).ticket;
  if (ticket) {
    const rows = await serve.store.db.query<{ tenant: string }>(
      'DELETE FROM ws_tickets WHERE ticket_hash = $1 AND expires_at > $2::timestamptz RETURNING tenant',
      [hashTicket(ticket), new Date(serve.clock.now()).toISOString()],
    );
    if (!rows[0]) throw new ApiError('unauthorized', 'The ticket is invalid, used or expired; get a new one from POST /api/v1/ws-tickets.');
    return rows[0].tenant;
  }
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  const info = m ? await serve.store.tokens.authenticate(m[1]!) : undefined;
  if (!info) throw new ApiError('unauthorized', 'Send ?ticket= (from POST /api/v1/ws-tickets) or Authorization: Bearer <token>.');
  return info.tenant;
}

function deliver(clients: ReadonlySet<Client>, e: FloeEvent): void {
  for (const c of clients) {
    if (c.tenant !== e.tenant) continue;
    if (c.runId && c.runId !== e.run_id) continue;
    if (c.connectorId && c.connectorId !== e.connector_id) continue;
    if (c.backfillId && c.backfillId !== e.backfill_id) continue;
    send(c.socket, { ...e, tenant: undefined });
  }
}

function send(socket: WebSocket, message: unknown): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}
