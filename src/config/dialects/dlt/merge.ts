import { fail, obj, type Json } from './check.js';

/**
 * A resource as dlt expands it before use (dlt's `_make_endpoint_resource` and
 * `_merge_resource_endpoints`): a string is `{ name: s, endpoint: { path: s } }`; an endpoint given
 * as a string is its path; a missing path is the resource name. `resource_defaults` merge under it
 * exactly as dlt merges them: resource keys shallowly (the resource wins), the endpoint's keys
 * shallowly too — except `params` and `json`, whose keys merge one level — and `columns` per
 * column (the resource's hints win).
 */
export function expandResource(r: unknown, path: string, defaults: Json): Json {
  let res: Json;
  if (typeof r === 'string') res = { name: r, endpoint: { path: r } };
  else {
    res = { ...obj(r, path) };
    if (typeof res.endpoint === 'string') res.endpoint = { path: res.endpoint };
    else if (res.endpoint === undefined || res.endpoint === null) res.endpoint = {};
    else res.endpoint = { ...obj(res.endpoint, `${path}.endpoint`) };
    const endpoint = res.endpoint as Json;
    if (endpoint.path === undefined) endpoint.path = res.name;
  }
  const base = defaults.endpoint === undefined || defaults.endpoint === null ? {} : obj(defaults.endpoint, 'resource_defaults.endpoint');
  const mine = res.endpoint as Json;
  const endpoint: Json = { ...base };
  for (const [k, v] of Object.entries(mine)) if (k !== 'json' && k !== 'params') endpoint[k] = v;
  for (const k of ['json', 'params'] as const) {
    if (mine[k] !== undefined) {
      const under = endpoint[k] === undefined || endpoint[k] === null ? {} : obj(endpoint[k], `resource_defaults.endpoint.${k}`);
      endpoint[k] = { ...under, ...obj(mine[k], `${path}.endpoint.${k}`) };
    }
  }
  const merged: Json = { ...defaults, ...res, endpoint };
  if (defaults.columns !== undefined && res.columns !== undefined) {
    const under = columnMap(defaults.columns, 'resource_defaults.columns');
    const over = columnMap(res.columns, `${path}.columns`);
    const out: Json = { ...under };
    for (const [name, hints] of Object.entries(over)) out[name] = { ...((under[name]) ?? {}), ...(hints as Json) };
    merged.columns = out;
  }
  return merged;
}

/** dlt's columns as `{ name: hints }` (it also takes a list of `{ name, … }`). */
export function columnMap(columns: unknown, path: string): Json {
  if (Array.isArray(columns)) {
    const out: Json = {};
    columns.forEach((c, i) => {
      const col = obj(c, `${path}[${i}]`);
      if (typeof col.name !== 'string') fail(`${path}[${i}].name`, 'required (a string)');
      out[col.name] = col;
    });
    return out;
  }
  return obj(columns, path);
}
