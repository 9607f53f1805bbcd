import { createHash, randomBytes } from 'node:crypto';
import { ApiError } from '../api-error.js';
import { defineRoute } from '../route.js';
import { idParams, pageOf, ticketOut, tokenCreate, tokenCreated, tokenOut } from '../schemas.js';

const TAG = 'tokens';

const present = (t: { id: string; name: string; read_only: boolean; created_at: string; revoked_at: string | null; last_used_at: string | null }) => ({
  id: t.id,
  name: t.name,
  read_only: t.read_only,
  created_at: t.created_at,
  revoked_at: t.revoked_at,
  last_used_at: t.last_used_at,
});

export const tokenRoutes = [
  defineRoute({
    method: 'POST',
    path: '/tokens',
    tag: TAG,
    summary: 'Create an API token for this tenant; the token is in this response only.',
    body: tokenCreate,
    response: tokenCreated,
    handler: async ({ body, auth, serve, log }) => {
      const { token, info } = await serve.store.tokens.create({ tenant: auth.tenant, name: body.name, readOnly: body.read_only });
      log.info('token created', { token_id: info.id, read_only: info.read_only });
      return { ...present(info), token };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/tokens',
    tag: TAG,
    summary: "This tenant's tokens (never the tokens themselves).",
    response: pageOf(tokenOut),
    handler: async ({ auth, serve }) => ({ data: (await serve.store.tokens.list(auth.tenant)).map(present), next_cursor: null, has_more: false }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/tokens/{id}',
    tag: TAG,
    summary: 'Revoke a token.',
    params: idParams,
    handler: async ({ params, auth, serve }) => {
      if (!(await serve.store.tokens.revoke(params.id, auth.tenant))) throw new ApiError('resource_not_found', `Token with ID '${params.id}' was not found (or is already revoked).`);
      return undefined;
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/ws-tickets',
    tag: 'events',
    summary: 'A short-lived, single-use ticket for the events WebSocket (browsers cannot send Authorization there).',
    write: false,
    response: ticketOut,
    handler: async ({ auth, serve }) => {
      const ticket = `wst_${randomBytes(24).toString('base64url')}`;
      const expires = serve.clock.now() + serve.ticketTtlMs;
      await serve.store.db.query(`INSERT INTO ws_tickets (ticket_hash, tenant, expires_at) VALUES ($1, $2, $3::timestamptz)`, [
        hashTicket(ticket),
        auth.tenant,
        new Date(expires).toISOString(),
      ]);
      await serve.store.db.query(`DELETE FROM ws_tickets WHERE expires_at < $1::timestamptz`, [new Date(serve.clock.now()).toISOString()]);
      return { ticket, expires_at: new Date(expires).toISOString() };
    },
  }),
];

export function hashTicket(ticket: string): string {
  return createHash('sha256').update(ticket).digest('hex');
}
