import { cursorFromConfig } from '../util/cursor-value.js';
import { parseLookback, subtract } from '../util/duration.js';
import { FloeError } from '../util/errors.js';
import { endpointName, tableName } from './load-config.js';
import { checkParentLinks } from './parent-links.js';
import type { EndpointConfig, FloeConfig } from './schema.js';

/**
 * Rules that cross fields, which the schema cannot say. Each failure is `CONFIG_INVALID` with the
 * field's path in `details.path` (the loader adds `file:line:col`), so `floe validate` catches
 * what would otherwise fail a run: unusable or duplicate tables, a merge without a key, column
 * renames that collide, duplicate declared columns, incremental values that do not parse.
 */
export function checkSemantics(config: FloeConfig): void {
  checkParentLinks(config.endpoints, config.endpoints.map(endpointName));
  const names = new Map<string, number>();
  const tables = new Map<string, number>();
  const rl = config.rate_limit;
  if (rl && rl.requests_per_second === undefined && rl.requests_per_minute === undefined && !rl.respect_retry_after) {
    fail('rate_limit', 'set requests_per_second and/or requests_per_minute');
  }
  config.endpoints.forEach((e, i) => {
    const at = `endpoints[${i}]`;
    const name = endpointName(e);
    const table = tableName(e);
    if (!/^[\w$-]+$/.test(table)) {
      fail(`${at}.table_name`, `"${table}" is not a usable table name; set table_name (letters, digits, _ or $)`);
    }
    const seen = names.get(name);
    if (seen !== undefined) fail(`${at}.name`, `duplicate endpoint name "${name}" (also endpoints[${seen}]); set name`);
    names.set(name, i);
    const seenTable = tables.get(table.toLowerCase());
    if (seenTable !== undefined) {
      fail(`${at}.table_name`, `table "${table}" is also loaded by endpoints[${seenTable}]; give each endpoint its own table`);
    }
    tables.set(table.toLowerCase(), i);
    const disposition = e.write_disposition ?? config.destination.write_disposition;
    if (disposition === 'merge' && !e.primary_key) {
      fail(`${at}.primary_key`, 'write_disposition merge needs primary_key (a list of column names)');
    }
    if (e.body !== undefined && e.method !== 'POST') fail(`${at}.body`, 'a request body is only sent with method: POST');
    if ((e.merge_strategy !== undefined || e.validity_columns !== undefined) && disposition !== 'merge') {
      fail(`${at}.merge_strategy`, 'merge_strategy and validity_columns go with write_disposition: merge');
    }
    if (e.body_format === 'form' && (e.body === null || typeof e.body !== 'object' || Array.isArray(e.body))) {
      fail(`${at}.body`, 'body_format: form needs body to be a mapping of fields');
    }
    checkColumns(e, at);
    checkIncremental(e, at);
  });
}

function checkColumns(e: EndpointConfig, at: string): void {
  const targets = new Map<string, string>();
  for (const [from, to] of Object.entries(e.columns?.rename ?? {})) {
    const other = targets.get(to.toLowerCase());
    if (other !== undefined) fail(`${at}.columns.rename.${from}`, `"${from}" and "${other}" are both renamed to "${to}"; a table cannot have two columns of one name`);
    targets.set(to.toLowerCase(), from);
  }
  const declared = new Map<string, number>();
  (e.schema ?? []).forEach((c, j) => {
    const before = declared.get(c.name.toLowerCase());
    if (before !== undefined) fail(`${at}.schema[${j}].name`, `column "${c.name}" is declared twice (also ${at}.schema[${before}])`);
    declared.set(c.name.toLowerCase(), j);
  });
}

/** The values a run would parse first: if they cannot be parsed, say so now, not mid-run. */
function checkIncremental(e: EndpointConfig, at: string): void {
  const inc = e.incremental;
  if (!inc) return;
  const start = cursorFromConfig(inc.initial_value, `${at}.incremental.initial_value`);
  if (inc.end_value !== undefined && inc.end_value !== null) cursorFromConfig(inc.end_value, `${at}.incremental.end_value`, start.kind);
  const lookback = parseLookback(inc.lookback, `${at}.incremental.lookback`);
  if (lookback) subtract(start, lookback, `${at}.incremental.lookback`);
}

function fail(path: string, message: string): never {
  throw new FloeError('CONFIG_INVALID', 'config', `${path}: ${message}`, { details: { path } });
}
