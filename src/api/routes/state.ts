import { join } from 'node:path';
import { endpointName } from '../../config/load-config.js';
import { createDestination } from '../../destination/create-destination.js';
import { stateFromUserValue } from '../../run/incremental/incremental-state.js';
import { selectEndpoints } from '../../run/runner.js';
import { StateStore } from '../../run/state-store.js';
import type { Destination } from '../../types.js';
import { ApiError } from '../api-error.js';
import { loadStoredConfig } from '../connector-config.js';
import { defineRoute, type RouteContext } from '../route.js';
import { idParams, stateEndpointParams, stateOut, stateSet } from '../schemas.js';
import { getConnector } from './connectors.js';

type Ctx = RouteContext<{ id: string }, unknown, unknown>;

/** The connector's state store (destination first, as `floe state` uses it); closes after `fn`. */
async function withState<T>(ctx: Ctx, write: boolean, fn: (s: StateStore, loaded: ReturnType<typeof loadStoredConfig>) => Promise<T>): Promise<T> {
  const { serve, auth, params } = ctx;
  const c = await getConnector(serve, auth.tenant, params.id);
  if (write) {
    const active = (await serve.store.runs.active(c.id)) ?? (await serve.store.backfills.active(c.id));
    if (active) throw new ApiError('conflict', `Connector '${c.id}' has ${active.id} ${active.status}; change its state when it ended.`);
  }
  const loaded = loadStoredConfig(c.config, c.id, serve.store.box, serve.env);
  let destination: Promise<Destination> | undefined;
  const open = (): Promise<Destination> =>
    (destination ??= createDestination(loaded.config.destination, { clock: serve.clock, logger: ctx.log, redactor: loaded.redactor }));
  const store = new StateStore(join(serve.store.dataDir, 'connectors', c.id), loaded.config.name, open);
  try {
    return await fn(store, loaded);
  } finally {
    const d = destination ? await destination.catch(() => undefined) : undefined;
    await d?.close();
  }
}

export const stateRoutes = [
  defineRoute({
    method: 'GET',
    path: '/connectors/{id}/state',
    tag: 'state',
    summary: 'The committed incremental state of each endpoint (read from the destination).',
    params: idParams,
    response: stateOut,
    handler: async (ctx) =>
      withState(ctx as Ctx, false, async (store, loaded) => ({
        data: await Promise.all(
          loaded.config.endpoints.map(async (e) => ({
            endpoint: endpointName(e),
            cursor_path: e.incremental?.cursor_path ?? null,
            state: (await store.readCommitted(endpointName(e))) ?? null,
          })),
        ),
      })),
  }),
  defineRoute({
    method: 'PUT',
    path: '/connectors/{id}/state/{endpoint}',
    tag: 'state',
    summary: "Set an incremental endpoint's cursor (the next run continues from it).",
    params: stateEndpointParams,
    body: stateSet,
    response: stateOut,
    handler: async (ctx) =>
      withState(ctx as unknown as Ctx, true, async (store, loaded) => {
        const e = selectEndpoints(loaded, [ctx.params.endpoint])[0]!;
        if (!e.incremental) throw new ApiError('unprocessable_entity', `Endpoint '${ctx.params.endpoint}' has no incremental config.`);
        const value = stateFromUserValue(e.incremental, ctx.params.endpoint, String(ctx.body.value));
        await store.write(ctx.params.endpoint, value);
        ctx.log.info('state set', { endpoint: ctx.params.endpoint });
        return { data: [{ endpoint: ctx.params.endpoint, cursor_path: e.incremental.cursor_path, state: value }] };
      }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/connectors/{id}/state/{endpoint}',
    tag: 'state',
    summary: "Reset an endpoint's state: the next run starts from initial_value.",
    params: stateEndpointParams,
    handler: async (ctx) =>
      withState(ctx as unknown as Ctx, true, async (store, loaded) => {
        selectEndpoints(loaded, [ctx.params.endpoint]);
        await store.write(ctx.params.endpoint, undefined);
        ctx.log.info('state reset', { endpoint: ctx.params.endpoint });
        return undefined;
      }),
  }),
];
