import { endpointName, tableName, type LoadedConfig } from '../config/load-config.js';
import type { Column } from '../types.js';
import { systemClock, type Clock } from '../util/clock.js';
import { FloeError } from '../util/errors.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { defaultParts } from './default-parts.js';
import { normalizerSettings } from '../normalize/normalizer-settings.js';
import type { Parts } from './parts.js';
import { selectEndpoints } from './runner.js';
import { computeIncrementalRange } from './incremental/start-value.js';

export interface PreviewResult {
  readonly endpoint: string;
  readonly table: string;
  readonly url: string;
  readonly status: number;
  readonly records: number;
  readonly columns: readonly Column[];
  /** Up to `rows` flattened rows, as column name → value. */
  readonly sample: readonly Record<string, unknown>[];
  readonly hasNextPage: boolean;
  /**
   * What floe detected on this page, to pin in the config: the records path when the endpoint has
   * none, and the pagination for `type: auto`.
   */
  readonly detected?: { readonly records_path?: string; readonly pagination?: unknown };
  /** A warning about where the pagination would end (e.g. the response suggests more pages). */
  readonly warning?: string;
}

/**
 * Fetches only the first page of one endpoint and shows what floe would make of it: inferred
 * columns with types and a few flattened rows. Nothing is staged or loaded.
 */
export async function previewEndpoint(
  loaded: LoadedConfig,
  name: string | undefined,
  opts: { rows?: number; signal?: AbortSignal } = {},
  deps: { clock?: Clock; logger?: Logger; parts?: Parts } = {},
): Promise<PreviewResult> {
  const endpoints = loaded.config.endpoints;
  if (name === undefined && endpoints.length > 1) {
    throw new FloeError('USAGE', 'config', `preview: choose one with --endpoint; known: ${endpoints.map(endpointName).join(', ')}`);
  }
  const endpoint = name === undefined ? endpoints[0]! : selectEndpoints(loaded, [name])[0]!;
  const parts = deps.parts ?? defaultParts;
  const partDeps = { clock: deps.clock ?? systemClock, logger: deps.logger ?? silentLogger, redactor: loaded.redactor };
  const source = parts.createSource(loaded.config, partDeps);
  try {
    // An incremental endpoint previews the page its first run would fetch (from initial_value).
    const vars = endpoint.incremental
      ? computeIncrementalRange({ endpoint: endpointName(endpoint), config: endpoint.incremental, state: undefined }).vars
      : {};
    const pages = source.pages(endpoint, { vars, ...(opts.signal ? { signal: opts.signal } : {}) });
    const first = await pages.next();
    await pages.return(undefined);
    if (first.done) throw new FloeError('INTERNAL', 'internal', `endpoint ${endpointName(endpoint)} returned no page`);
    const page = first.value;
    const normalizer = parts.createNormalizer({
      endpoint: endpointName(endpoint),
      batchRows: Math.max(1, page.records.length),
      settings: normalizerSettings(loaded.config, endpoint),
      ...(endpoint.columns ? { columns: endpoint.columns } : {}),
      ...(endpoint.schema ? { schema: endpoint.schema } : {}),
    });
    const batches = normalizer.push(page.records);
    const last = normalizer.flush();
    if (last) batches.push(last);
    const sample: Record<string, unknown>[] = [];
    const limit = opts.rows ?? 5;
    for (const b of batches) {
      for (let r = 0; r < b.length && sample.length < limit; r++) {
        const row: Record<string, unknown> = {};
        b.columns.forEach((c, i) => (row[c.name] = b.values[i]?.[r] ?? null));
        sample.push(row);
      }
    }
    return {
      endpoint: endpointName(endpoint),
      table: tableName(endpoint),
      url: page.url,
      status: page.status,
      records: page.records.length,
      columns: normalizer.columns,
      sample,
      hasNextPage: page.next !== undefined,
      ...(page.detected !== undefined ? { detected: page.detected } : {}),
      ...(page.end?.warning !== undefined ? { warning: page.end.warning } : {}),
    };
  } finally {
    await source.close();
  }
}
