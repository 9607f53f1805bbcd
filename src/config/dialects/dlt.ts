import { endpointConfig } from '../schema.js';
import { checkKeys, fail, obj, str, type Json } from './dlt/check.js';
import { translateAuth } from './dlt/auth.js';
import { DLT_CLIENT_KEYS, DLT_TOP_KEYS, FLOE_TOP_KEYS } from './dlt/keys.js';
import { expandResource } from './dlt/merge.js';
import { translateResource } from './dlt/resource.js';

/**
 * dlt's `rest_api_source` config (the JSON that Popsink and others standardised on) → floe's
 * native model. Every key dlt's schema allows is translated or refused with its dlt path and the
 * reason (see `dlt/keys.ts`); nothing is dropped. dlt's defaults and shorthands apply: a resource
 * given as a string, `resource_defaults` merged as dlt merges them, no paginator → auto, a
 * paginator as a type name with dlt's default fields, auth without `type` → bearer, single-brace
 * placeholders (`{incremental.start_value}`, `{resources.issues.number}`), resolve params. Tables
 * are named as dlt names them: snake_case names, nested columns joined with `__`; arrays stay
 * JSON text (floe's one deliberate difference).
 *
 * @example
 * { "client": { "base_url": "https://api.github.com/repos/dlt-hub/dlt/" },
 *   "resource_defaults": { "primary_key": "id", "write_disposition": "merge", "endpoint": { "params": { "per_page": 100 } } },
 *   "resources": [ { "name": "issues", "endpoint": { "path": "issues" } },
 *                  { "name": "issue_comments", "endpoint": "issues/{resources.issues.number}/comments", "include_from_parent": ["id"] } ] }
 */
export function isDltConfig(raw: Json): boolean {
  return typeof raw.client === 'object' && raw.client !== null && Array.isArray(raw.resources);
}

export function translateDlt(raw: Json, name: string): Json {
  checkKeys(raw, '(top level)', { ...DLT_TOP_KEYS, ...FLOE_TOP_KEYS }, 'a dlt rest_api_source config');
  const client = obj(raw.client, 'client');
  checkKeys(client, 'client', DLT_CLIENT_KEYS, 'client');
  const defaults = raw.resource_defaults === undefined || raw.resource_defaults === null ? {} : obj(raw.resource_defaults, 'resource_defaults');
  const resources = (raw.resources as unknown[]).map((r, i) => expandResource(r, `resources[${i}]`, defaults));
  const names = resources.map((r, i) => str(r.name, `resources[${i}].name`));
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i) fail(`resources[${i}].name`, `resource "${n}" is already defined`);
  });
  const normalize = 'normalize' in endpointConfig.shape;
  const endpoints = resources.map((r, i) => translateResource(r, `resources[${i}]`, { clientPaginator: client.paginator, names, normalize }));
  const out: Json = {
    name: typeof raw.name === 'string' ? raw.name : name,
    base_url: str(client.base_url, 'client.base_url'),
    ...(client.auth !== undefined && client.auth !== null ? { auth: translateAuth(client.auth, 'client.auth') } : {}),
    ...(client.headers !== undefined && client.headers !== null ? { headers: stringHeaders(client.headers) } : {}),
    endpoints,
  };
  for (const k of Object.keys(FLOE_TOP_KEYS)) if (raw[k] !== undefined && k !== 'name') out[k] = raw[k];
  // dlt's naming: snake_case columns, nested keys joined with __ (unless the config says otherwise).
  if (normalize) out.normalize = { naming: 'snake_case', ...((raw.normalize) ?? {}) };
  return out;
}

function stringHeaders(h: unknown): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(obj(h, 'client.headers'))) {
    if (typeof v !== 'string' && typeof v !== 'number') fail(`client.headers.${k}`, 'expected a string');
    out[k] = String(v);
  }
  return out;
}
