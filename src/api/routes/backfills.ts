import { planWindows } from '../../run/backfill/windows.js';
import { selectEndpoints } from '../../run/runner.js';
import { newId } from '../../store/ids.js';
import { isUniqueViolation, toJobRow } from '../../store/job-repo.js';
import { decodeCursor, toPage } from '../../store/page-cursor.js';
import { isFloeError } from '../../util/errors.js';
import { ApiError, notFound } from '../api-error.js';
import { loadStoredConfig } from '../connector-config.js';
import { presentBackfill } from '../present.js';
import { defineRoute } from '../route.js';
import { backfillOut, backfillRequest, backfillsQuery, idParams, pageOf } from '../schemas.js';
import { getConnector } from './connectors.js';
import { stripUndefined } from './runs.js';

const TAG = 'backfills';

export const backfillRoutes = [
  defineRoute({
    method: 'POST',
    path: '/connectors/{id}/backfills',
    tag: TAG,
    summary: 'Load history in windows [from, to) of `step`, each window × endpoint its own unit; 409 while another backfill of the connector is active.',
    params: idParams,
    body: backfillRequest,
    response: backfillOut,
    status: 202,
    handler: async ({ params, body, auth, serve, requestId, log }) => {
      const c = await getConnector(serve, auth.tenant, params.id);
      const loaded = loadStoredConfig(c.config, c.id, serve.store.box, serve.env);
      if (body.endpoints) selectEndpoints(loaded, body.endpoints);
      try {
        planWindows({ from: body.from, to: body.to, step: body.step });
      } catch (e) {
        if (isFloeError(e) && typeof e.details.path === 'string') {
          throw new ApiError('validation_error', 'Request validation failed.', [{ field: e.details.path.replace(/^--/, ''), message: e.message }]);
        }
        throw e;
      }
      const id = newId('bf');
      try {
        const rows = await serve.store.db.query<Record<string, unknown>>(
          `INSERT INTO backfills (id, tenant, connector_id, status, params, config, request_id, created_at)
           VALUES ($1, $2, $3, 'queued', $4::jsonb, $5::jsonb, $6, $7::timestamptz) RETURNING *`,
          [id, auth.tenant, c.id, JSON.stringify({ ...body, endpoints: body.endpoints ?? null }), JSON.stringify(c.config), requestId, new Date(serve.clock.now()).toISOString()],
        );
        log.info('backfill queued', { connector_id: c.id, backfill_id: id });
        await serve.wake();
        return presentBackfill(toJobRow(rows[0]!));
      } catch (e) {
        if (isUniqueViolation(e)) throw new ApiError('conflict', `A backfill of connector '${c.id}' is already queued or running.`);
        throw e;
      }
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/backfills',
    tag: TAG,
    summary: 'List backfills, newest first.',
    query: backfillsQuery,
    response: pageOf(backfillOut),
    handler: async ({ query, auth, serve }) => {
      const { limit, cursor, ...filters } = query;
      const rows = await serve.store.backfills.page(auth.tenant, limit, cursor ? decodeCursor(cursor) : undefined, stripUndefined(filters));
      return toPage(rows, limit, (r) => ({ at: r.created_at, id: r.id }), presentBackfill);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/backfills/{id}',
    tag: TAG,
    summary: 'One backfill with every window × endpoint unit (done / failed / pending).',
    params: idParams,
    response: backfillOut,
    handler: async ({ params, auth, serve }) => {
      const b = await serve.store.backfills.get(auth.tenant, params.id);
      if (!b) throw notFound('Backfill', params.id);
      return presentBackfill(b);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/backfills/{id}/retry',
    tag: TAG,
    summary: 'Run the failed (and unfinished) windows again; succeeded windows are skipped.',
    params: idParams,
    response: backfillOut,
    status: 202,
    handler: async ({ params, auth, serve, log }) => {
      const b = await serve.store.backfills.get(auth.tenant, params.id);
      if (!b) throw notFound('Backfill', params.id);
      if (!['failed', 'partially_failed', 'cancelled'].includes(b.status)) throw new ApiError('conflict', `Backfill '${b.id}' is ${b.status}; only a failed or cancelled one is retried.`);
      try {
        await serve.store.db.query(
          `UPDATE backfills SET status = 'queued', finished_at = NULL, cancel_requested = false WHERE id = $1 AND status IN ('failed', 'partially_failed', 'cancelled')`,
          [b.id],
        );
      } catch (e) {
        if (isUniqueViolation(e)) throw new ApiError('conflict', `Another backfill of connector '${b.connector_id}' is active.`);
        throw e;
      }
      log.info('backfill retry queued', { backfill_id: b.id });
      await serve.wake();
      return presentBackfill((await serve.store.backfills.get(auth.tenant, b.id))!);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/backfills/{id}/cancel',
    tag: TAG,
    summary: 'Cancel a queued or running backfill (finished windows stay loaded; retry continues).',
    params: idParams,
    response: backfillOut,
    status: 202,
    handler: async ({ params, auth, serve }) => {
      const b = await serve.store.backfills.get(auth.tenant, params.id);
      if (!b) throw notFound('Backfill', params.id);
      if (b.status !== 'queued' && b.status !== 'running') throw new ApiError('conflict', `Backfill '${b.id}' already ended ${b.status}.`);
      const after = await serve.store.backfills.requestCancel(auth.tenant, b.id, serve.clock.now());
      await serve.store.events.control({ type: 'cancel', table: 'backfills', id: b.id });
      return presentBackfill(after!);
    },
  }),
];
