import { endpointName, type LoadedConfig } from '../../config/load-config.js';
import type { ColumnsConfig } from '../../config/schema.js';
import { defaultParts } from '../../run/default-parts.js';
import type { Parts } from '../../run/parts.js';
import { previewEndpoint } from '../../run/preview.js';
import { selectEndpoints } from '../../run/runner.js';
import type { Page } from '../../types.js';
import { isFloeError } from '../../util/errors.js';
import { ApiError } from '../api-error.js';
import { loadStoredConfig, prepareConfig } from '../connector-config.js';
import { defineRoute } from '../route.js';
import { idParams, previewOut, previewRequest } from '../schemas.js';
import { getConnector } from './connectors.js';

/** Parts whose source fetches the first page once and replays it: two previews, one request. */
function replayFirstPage(base: Parts): Parts {
  let first: Page | undefined;
  return {
    ...base,
    createSource: (config, deps) => {
      const source = base.createSource(config, deps);
      return {
        async *pages(endpoint, opts) {
          if (!first) {
            for await (const page of source.pages(endpoint, opts)) {
              first = page;
              break;
            }
          }
          if (first) yield first;
        },
        close: () => source.close(),
      };
    },
  };
}

function withColumns(loaded: LoadedConfig, name: string, columns: ColumnsConfig | undefined): LoadedConfig {
  const endpoints = loaded.config.endpoints.map((e) => {
    if (endpointName(e) !== name) return e;
    const rest = { ...e };
    delete rest.columns;
    return columns ? { ...rest, columns } : rest;
  });
  return { ...loaded, config: { ...loaded.config, endpoints } };
}

function withoutRename(columns: ColumnsConfig): ColumnsConfig {
  const rest = { ...columns };
  delete rest.rename;
  return rest;
}

/** Sample values as JSON: 64-bit integers beyond 2^53 as their exact decimal text. */
function jsonRows(rows: readonly Record<string, unknown>[]): unknown {
  return JSON.parse(JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
}

export const previewRoutes = [
  defineRoute({
    method: 'POST',
    path: '/connectors/{id}/preview',
    tag: 'connectors',
    summary: 'Test extraction: fetch the first page, show every inferred column and the columns/sample rows with a selection; `apply` saves the selection.',
    params: idParams,
    body: previewRequest,
    response: previewOut,
    status: 200,
    handler: async ({ params, body, auth, serve, log }) => {
      const { store } = serve;
      const c = await getConnector(serve, auth.tenant, params.id);
      let loaded = loadStoredConfig(c.config, c.id, store.box, serve.env);
      const all = loaded.config.endpoints;
      if (body.endpoint === undefined && all.length > 1) {
        throw new ApiError('validation_error', 'Request validation failed.', [{ field: 'endpoint', message: `choose one of: ${all.map(endpointName).join(', ')}` }]);
      }
      const endpoint = body.endpoint === undefined ? all[0]! : selectEndpoints(loaded, [body.endpoint])[0]!;
      const name = endpointName(endpoint);
      const index = all.indexOf(endpoint);
      let sealed = c.config;
      if (body.columns) {
        const tree = structuredClone(c.config) as { endpoints: Record<string, unknown>[] };
        tree.endpoints[index]!.columns = body.columns;
        const p = prepareConfig({ config: tree, name: c.name, connectorId: c.id, box: store.box, env: serve.env, previous: c.config });
        loaded = p.loaded;
        sealed = p.sealed;
      }
      const parts = replayFirstPage(defaultParts);
      const deps = { parts, logger: log, clock: serve.clock };
      try {
        const inferred = await previewEndpoint(withColumns(loaded, name, undefined), name, { rows: body.rows }, deps);
        const selected = await previewEndpoint(loaded, name, { rows: body.rows }, deps);
        const selection = loaded.config.endpoints.find((e) => endpointName(e) === name)?.columns;
        // Without rename every kept column keeps its flattened name: that run says exactly which
        // inferred columns the selection keeps, by floe's own include/exclude rules.
        const keptRun = selection?.rename ? await previewEndpoint(withColumns(loaded, name, withoutRename(selection)), name, { rows: 0 }, deps) : selected;
        const kept = selection ? new Set(keptRun.columns.map((x) => x.name)) : undefined;
        let applied = false;
        if (body.apply && body.columns) {
          await store.db.transaction((tx) => store.connectors.update(tx, c.id, { name: c.name, dialect: c.dialect, config: sealed }, serve.clock.now()));
          applied = true;
          log.info('column selection saved', { connector_id: c.id, endpoint: name });
        }
        return {
          endpoint: name,
          table: selected.table,
          url: selected.url,
          status: selected.status,
          records: selected.records,
          has_next_page: selected.hasNextPage,
          inferred_columns: inferred.columns.map((x) => ({
            name: x.name,
            type: x.type,
            selected_as: !kept || kept.has(x.name) ? (selection?.rename?.[x.name] ?? x.name) : null,
          })),
          inferred_sample: jsonRows(inferred.sample),
          columns: selected.columns,
          sample: jsonRows(selected.sample),
          applied,
        };
      } catch (e) {
        if (e instanceof ApiError) throw e;
        if (isFloeError(e) && e.kind !== 'internal' && e.code !== 'CONFIG_INVALID') {
          throw new ApiError('unprocessable_entity', `The test extraction failed: ${loaded.redactor.text(e.message)}`);
        }
        throw e;
      }
    },
  }),
];
