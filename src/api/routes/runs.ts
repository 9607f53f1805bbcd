import { selectEndpoints } from '../../run/runner.js';
import { decodeCursor, toPage } from '../../store/page-cursor.js';
import { enqueueRun } from '../../store/run-queue.js';
import { ApiError, notFound } from '../api-error.js';
import { loadStoredConfig } from '../connector-config.js';
import { presentRun } from '../present.js';
import { defineRoute } from '../route.js';
import { idParams, pageOf, runOut, runRequest, runsQuery } from '../schemas.js';
import { getConnector } from './connectors.js';

const TAG = 'runs';
const FINISHED = new Set(['succeeded', 'partially_failed', 'failed', 'cancelled', 'skipped']);

export const runRoutes = [
  defineRoute({
    method: 'POST',
    path: '/connectors/{id}/runs',
    tag: TAG,
    summary: 'Start a run of all endpoints, or of the named ones. 409 while another run of the connector is queued or running.',
    params: idParams,
    body: runRequest,
    response: runOut,
    status: 202,
    handler: async ({ params, body, auth, serve, requestId, log }) => {
      const c = await getConnector(serve, auth.tenant, params.id);
      if (body.endpoints) selectEndpoints(loadStoredConfig(c.config, c.id, serve.store.box, serve.env), body.endpoints);
      const now = serve.clock.now();
      const r = await enqueueRun(serve.store.db, {
        tenant: auth.tenant,
        connectorId: c.id,
        trigger: 'manual',
        endpoints: body.endpoints ?? null,
        config: c.config,
        requestId,
        nowMs: now,
      });
      if ('active' in r) throw new ApiError('conflict', `A run of connector '${c.id}' is already ${r.active.status}: ${r.active.id}.`);
      log.info('run queued', { connector_id: c.id, run_id: r.queued.id });
      await serve.wake();
      return presentRun(r.queued);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/runs',
    tag: TAG,
    summary: 'List runs, newest first, with filters.',
    query: runsQuery,
    response: pageOf(runOut),
    handler: async ({ query, auth, serve }) => {
      const after = query.cursor ? decodeCursor(query.cursor) : undefined;
      const { limit, ...rest } = query;
      const filters = { ...rest, cursor: undefined };
      const rows = await serve.store.runs.page(auth.tenant, limit, after, stripUndefined(filters));
      return toPage(rows, limit, (r) => ({ at: r.created_at, id: r.id }), (r) => presentRun(r, false));
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/runs/{id}',
    tag: TAG,
    summary: 'One run with per-endpoint details and errors.',
    params: idParams,
    response: runOut,
    handler: async ({ params, auth, serve }) => {
      const r = await serve.store.runs.get(auth.tenant, params.id);
      if (!r) throw notFound('Run', params.id);
      return presentRun(r);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/runs/{id}/cancel',
    tag: TAG,
    summary: 'Cancel a queued or running run; a running one stops at its next request and ends `cancelled`.',
    params: idParams,
    response: runOut,
    status: 202,
    handler: async ({ params, auth, serve, log }) => {
      const before = await serve.store.runs.get(auth.tenant, params.id);
      if (!before) throw notFound('Run', params.id);
      if (FINISHED.has(before.status)) throw new ApiError('conflict', `Run '${before.id}' already ended ${before.status}.`);
      const after = await serve.store.runs.requestCancel(auth.tenant, before.id, serve.clock.now());
      await serve.store.events.control({ type: 'cancel', table: 'runs', id: before.id });
      log.info('run cancel requested', { run_id: before.id });
      return presentRun(after!);
    },
  }),
];

export function stripUndefined<T extends Record<string, unknown>>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
