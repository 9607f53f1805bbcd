import { scheduleIssues, type ScheduleSpec } from '../../run/schedule/schedule.js';
import { decodeCursor, toPage } from '../../store/page-cursor.js';
import { newId } from '../../store/ids.js';
import { isUniqueViolation } from '../../store/job-repo.js';
import { enqueueRun } from '../../store/run-queue.js';
import { ApiError, notFound } from '../api-error.js';
import { prepareConfig } from '../connector-config.js';
import { presentConnector } from '../present.js';
import { defineRoute, type ServeContext } from '../route.js';
import { connectorCreate, connectorOut, connectorsQuery, connectorUpdate, idParams, pageOf } from '../schemas.js';

const TAG = 'connectors';

function checkSchedule(spec: ScheduleSpec | null | undefined): void {
  if (!spec) return;
  const issues = scheduleIssues(spec);
  if (issues.length) throw new ApiError('validation_error', 'Request validation failed.', issues.map((i) => ({ field: `schedule.${i.field}`, message: i.message })));
}

export async function getConnector(serve: ServeContext, tenant: string, id: string) {
  const c = await serve.store.connectors.get(tenant, id);
  if (!c) throw notFound('Connector', id);
  return c;
}

function duplicate(name: string): ApiError {
  return new ApiError('conflict', `A connector named '${name}' already exists in this tenant.`);
}

export const connectorRoutes = [
  defineRoute({
    method: 'POST',
    path: '/connectors',
    tag: TAG,
    summary: 'Create a connector (config in any dialect); with a schedule, its first run starts now.',
    body: connectorCreate,
    response: connectorOut,
    handler: async ({ body, auth, serve, requestId, log }) => {
      const { store, clock } = serve;
      checkSchedule(body.schedule);
      const id = newId('con');
      const p = prepareConfig({ config: body.config, name: body.name, connectorId: id, box: store.box, env: serve.env });
      const now = clock.now();
      const schedule = body.schedule ?? undefined;
      try {
        await store.db.transaction(async (tx) => {
          await store.connectors.insert(tx, { id, tenant: auth.tenant, name: p.name, dialect: p.dialect, config: p.sealed, ...(schedule ? { schedule } : {}) }, now);
          if (schedule) {
            await enqueueRun(tx, { tenant: auth.tenant, connectorId: id, trigger: 'schedule_first', endpoints: null, config: p.sealed, requestId, scheduledFor: now, nowMs: now });
          }
        });
      } catch (e) {
        if (isUniqueViolation(e)) throw duplicate(p.name);
        throw e;
      }
      log.info('connector created', { connector_id: id, name: p.name, dialect: p.dialect, schedule: schedule ? `${schedule.every} ${schedule.mode}` : undefined });
      if (schedule) await serve.wake();
      return presentConnector((await store.connectors.get(auth.tenant, id))!);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/connectors',
    tag: TAG,
    summary: 'List connectors, oldest first.',
    query: connectorsQuery,
    response: pageOf(connectorOut),
    handler: async ({ query, auth, serve }) => {
      const after = query.cursor ? decodeCursor(query.cursor) : undefined;
      const rows = await serve.store.connectors.page(auth.tenant, query.limit, after, query.name);
      return toPage(rows, query.limit, (r) => ({ at: r.created_at, id: r.id }), presentConnector);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/connectors/{id}',
    tag: TAG,
    summary: 'One connector (secrets masked).',
    params: idParams,
    response: connectorOut,
    handler: async ({ params, auth, serve }) => presentConnector(await getConnector(serve, auth.tenant, params.id)),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/connectors/{id}',
    tag: TAG,
    summary: "Change a connector's name, config or schedule (null removes it).",
    params: idParams,
    body: connectorUpdate,
    response: connectorOut,
    handler: async ({ params, body, auth, serve, log }) => {
      const { store, clock } = serve;
      const before = await getConnector(serve, auth.tenant, params.id);
      checkSchedule(body.schedule);
      const p = prepareConfig({
        config: body.config ?? before.config,
        name: body.name ?? (body.config === undefined ? before.name : undefined),
        connectorId: before.id,
        box: store.box,
        env: serve.env,
        previous: before.config,
      });
      const now = clock.now();
      try {
        await store.db.transaction(async (tx) => {
          await store.connectors.update(tx, before.id, { name: p.name, dialect: p.dialect, config: p.sealed }, now);
          if (body.schedule === null) await store.connectors.deleteSchedule(tx, before.id);
          else if (body.schedule) await store.connectors.putSchedule(tx, before.id, auth.tenant, body.schedule, Date.parse(before.created_at), now);
        });
      } catch (e) {
        if (isUniqueViolation(e)) throw duplicate(p.name);
        throw e;
      }
      log.info('connector updated', { connector_id: before.id });
      return presentConnector((await store.connectors.get(auth.tenant, before.id))!);
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/connectors/{id}',
    tag: TAG,
    summary: 'Delete a connector, its schedule and its run history (not the loaded tables).',
    params: idParams,
    handler: async ({ params, auth, serve, log }) => {
      const { store } = serve;
      const c = await getConnector(serve, auth.tenant, params.id);
      const active = (await store.runs.active(c.id)) ?? (await store.backfills.active(c.id));
      if (active) throw new ApiError('conflict', `Connector '${c.id}' has ${active.id} queued or running; cancel it first.`);
      await store.db.transaction((tx) => store.connectors.delete(tx, c.id));
      log.info('connector deleted', { connector_id: c.id });
      return undefined;
    },
  }),
];
