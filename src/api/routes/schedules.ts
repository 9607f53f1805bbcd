import { scheduleIssues } from '../../run/schedule/schedule.js';
import { decodeCursor, toPage } from '../../store/page-cursor.js';
import { ApiError } from '../api-error.js';
import { presentConnector } from '../present.js';
import { defineRoute } from '../route.js';
import { connectorOut, idParams, pageOf, pageQuery, scheduleListItem, scheduleSpec } from '../schemas.js';
import { getConnector } from './connectors.js';

const TAG = 'schedules';

export const scheduleRoutes = [
  defineRoute({
    method: 'GET',
    path: '/schedules',
    tag: TAG,
    summary: 'Every schedule of this tenant with its next fire time.',
    query: pageQuery,
    response: pageOf(scheduleListItem),
    handler: async ({ query, auth, serve }) => {
      const after = query.cursor ? decodeCursor(query.cursor) : undefined;
      const rows = await serve.store.connectors.schedulePage(auth.tenant, query.limit, after);
      return toPage(rows, query.limit, (r) => ({ at: r.created_at, id: r.connector_id }), (r) => {
        const out: Partial<typeof r> = { ...r };
        delete out.created_at;
        return out;
      });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/connectors/{id}/schedule',
    tag: TAG,
    summary: "A connector's schedule.",
    params: idParams,
    response: scheduleListItem,
    handler: async ({ params, auth, serve }) => {
      const c = await getConnector(serve, auth.tenant, params.id);
      if (!c.schedule) throw new ApiError('resource_not_found', `Connector '${c.id}' has no schedule.`);
      return c.schedule;
    },
  }),
  defineRoute({
    method: 'PUT',
    path: '/connectors/{id}/schedule',
    tag: TAG,
    summary: "Set a connector's schedule; the next fire time is the first slot after now.",
    params: idParams,
    body: scheduleSpec,
    response: connectorOut,
    handler: async ({ params, body, auth, serve }) => {
      const c = await getConnector(serve, auth.tenant, params.id);
      const issues = scheduleIssues(body);
      if (issues.length) throw new ApiError('validation_error', 'Request validation failed.', issues);
      await serve.store.db.transaction((tx) => serve.store.connectors.putSchedule(tx, c.id, auth.tenant, body, Date.parse(c.created_at), serve.clock.now()));
      return presentConnector((await serve.store.connectors.get(auth.tenant, c.id))!);
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/connectors/{id}/schedule',
    tag: TAG,
    summary: 'Remove the schedule (runs only on request).',
    params: idParams,
    handler: async ({ params, auth, serve }) => {
      const c = await getConnector(serve, auth.tenant, params.id);
      if (!c.schedule) throw new ApiError('resource_not_found', `Connector '${c.id}' has no schedule.`);
      await serve.store.db.transaction((tx) => serve.store.connectors.deleteSchedule(tx, c.id));
      return undefined;
    },
  }),
];
