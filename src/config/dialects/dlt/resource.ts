import { checkKeys, dottedField, fail, int, jsonPath, obj, optBool, str, type Json } from './check.js';
import { toText } from '../../../util/text.js';
import { translateAuth } from './auth.js';
import { incrementalParam, translateIncremental } from './incremental.js';
import { DLT_ENDPOINT_KEYS, DLT_RESOLVE_PARAM_KEYS, DLT_RESOURCE_KEYS, DLT_RESPONSE_ACTION_KEYS } from './keys.js';
import { columnMap } from './merge.js';
import { translatePaginator } from './paginator.js';
import { convertDeep, convertPlaceholders, type PlaceholderScope } from './placeholders.js';
import { dltTableName } from './table-name.js';
import { translateWriteDisposition } from './write-disposition.js';

const DATA_TYPES: Readonly<Record<string, string>> = {
  text: 'string',
  bigint: 'long',
  double: 'double',
  bool: 'boolean',
  timestamp: 'timestamp',
  date: 'date',
  binary: 'binary',
};

/** What the resource translation needs from outside it. */
export interface ResourceContext {
  readonly clientPaginator: unknown;
  /** Every resource name, for `{resources.<name>.…}`. */
  readonly names: readonly string[];
  /** floe's endpoint schema knows `normalize` (max_table_nesting). */
  readonly normalize: boolean;
}

/**
 * One expanded resource (see expandResource) → one floe endpoint. dlt's rules that apply here:
 * a path whose last segment is a placeholder is a single entity (`data_selector: $`, one page,
 * unless set); `{name}` in the path takes the static param `name` (not sent as a query parameter)
 * or a resolve param; one parent resource at most; no paginator → the client's → auto.
 */
export function translateResource(res: Json, path: string, ctx: ResourceContext): Json {
  checkKeys(res, path, DLT_RESOURCE_KEYS, 'a resource');
  const name = str(res.name, `${path}.name`);
  const ep = obj(res.endpoint, `${path}.endpoint`);
  const at = (k: string): string => `${path}.endpoint.${k}`;
  checkKeys(ep, `${path}.endpoint`, DLT_ENDPOINT_KEYS, 'an endpoint');
  const rawPath = str(ep.path, at('path'));
  const params = ep.params === undefined || ep.params === null ? {} : obj(ep.params, at('params'));

  // Incremental: endpoint.incremental, or one param of type incremental.
  const inc = ep.incremental === undefined || ep.incremental === null ? undefined : translateIncremental(obj(ep.incremental, at('incremental')), at('incremental'));
  const incParams = Object.entries(params).filter(([, v]) => isTyped(v, 'incremental'));
  if (incParams.length > 1) fail(at('params'), `only one incremental param is allowed per endpoint; found ${incParams.map(([k]) => k).join(', ')}`);
  if (incParams.length === 1 && inc !== undefined) fail(at('params'), 'an incremental param and endpoint.incremental together: keep one');
  const incrementalOut = inc?.incremental ?? (incParams[0] ? incrementalParam(incParams[0][1], at(`params.${incParams[0][0]}`)) : undefined);
  const parents = new Set<string>();
  const scope = (p: string, names?: PlaceholderScope['names']): PlaceholderScope => ({
    path: p,
    incremental: incrementalOut !== undefined,
    ...(incrementalOut !== undefined ? { initialValue: incrementalOut.initial_value } : {}),
    ...(names !== undefined ? { names } : {}),
    parents,
  });

  // Path params: static params bound into the path, resolve params → the parent's field.
  const bound = new Map<string, { value: string } | { parentField: string }>();
  const unbound = new Set<string>();
  for (const [k, v] of Object.entries(params)) {
    if (isTyped(v, 'resolve')) {
      const r = obj(v, at(`params.${k}`));
      checkKeys(r, at(`params.${k}`), DLT_RESOLVE_PARAM_KEYS, 'a resolve param');
      parents.add(str(r.resource, at(`params.${k}.resource`)));
      bound.set(k, { parentField: dottedField(r.field, at(`params.${k}.field`)) });
      unbound.add(k);
    } else if (v !== null && typeof v === 'object' && !Array.isArray(v) && !isTyped(v, 'incremental')) {
      fail(at(`params.${k}`), `param type ${JSON.stringify((v as Json).type)} is not one of incremental, resolve`);
    }
  }
  const inPath = new Set([...rawPath.matchAll(/(?<!\{)\{([^{}.:!]+)\}(?!\})/g)].map((m) => m[1]!.trim()));
  for (const k of inPath) {
    const v = params[k];
    if (v !== undefined && (v === null || typeof v !== 'object')) bound.set(k, { value: toText(v) });
    unbound.delete(k);
  }
  if (unbound.size > 0) {
    fail(at('params'), `resolve params ${[...unbound].join(', ')} are not used in the path; to reference a parent in query params write {resources.<parent>.<field>}`);
  }
  const endpointPath = convertPlaceholders(rawPath, scope(at('path'), bound));

  const query: Json = {};
  for (const [k, v] of Object.entries(params)) {
    if (inPath.has(k) || isTyped(v, 'resolve')) continue;
    if (isTyped(v, 'incremental')) query[k] = '{{ incremental.start_value }}';
    else if (v === null) continue; // requests leaves None params out, as floe does
    else if (Array.isArray(v) || typeof v === 'object') fail(at(`params.${k}`), 'a list or mapping param is not supported; floe sends one value per query parameter');
    else query[k] = typeof v === 'string' ? convertPlaceholders(v, scope(at(`params.${k}`))) : v;
  }
  if (inc?.startParam !== undefined) query[inc.startParam] = '{{ incremental.start_value }}';
  if (inc?.endParam !== undefined) query[inc.endParam] = '{{ incremental.end_value }}';

  const method = typeof ep.method === 'string' ? ep.method.toUpperCase() : ep.method === undefined ? 'GET' : fail(at('method'), 'expected GET or POST');
  if (method !== 'GET' && method !== 'POST') fail(at('method'), `"${String(ep.method)}" is not one of GET, POST (dlt's rest_api methods)`);
  const out: Json = { name, path: endpointPath, table_name: dltTableName(typeof res.table_name === 'string' ? res.table_name : name) };
  if (method !== 'GET') out.method = method;
  if (Object.keys(query).length > 0) out.query_params = query;
  if (ep.json !== undefined && ep.json !== null) {
    if (ep.data !== undefined && ep.data !== null) fail(at('json'), "cannot use both 'json' and 'data'");
    if (method !== 'POST') fail(at('json'), 'a JSON body is sent with method: POST only in floe; set method: POST');
    out.body = convertDeep(ep.json, scope(at('json')));
  } else if (ep.data !== undefined && ep.data !== null) {
    if (typeof ep.data !== 'object' || Array.isArray(ep.data)) fail(at('data'), 'only a mapping (a form) is supported; a raw string body is not');
    if (method !== 'POST') fail(at('data'), 'a form body is sent with method: POST only in floe; set method: POST');
    out.body = convertDeep(ep.data, scope(at('data')));
    out.body_format = 'form';
  }
  if (ep.headers !== undefined && ep.headers !== null) {
    const h: Json = {};
    for (const [k, v] of Object.entries(obj(ep.headers, at('headers')))) {
      if (typeof v !== 'string' && typeof v !== 'number') fail(at(`headers.${k}`), 'expected a string');
      h[k] = convertPlaceholders(String(v), scope(at(`headers.${k}`)));
    }
    out.headers = h;
  }

  // dlt: a path ending in a placeholder is one entity: the whole body, one page.
  const single = /\{[^{}]+\}[^/]*$/.test(rawPath.split('?')[0]!.split('/').pop() ?? '');
  const selector = ep.data_selector ?? (single ? '$' : undefined);
  if (selector !== undefined && selector !== null) out.records_path = jsonPath(str(selector, at('data_selector')));
  const own = ep.paginator ?? (single ? 'single_page' : undefined);
  let pagination = own === undefined || own === null ? undefined : translatePaginator(own, at('paginator'));
  // An endpoint's "auto" falls back to the client's paginator, as in dlt.
  if ((pagination === undefined || pagination.type === 'auto') && ctx.clientPaginator !== undefined && ctx.clientPaginator !== null) {
    pagination = translatePaginator(ctx.clientPaginator, 'client.paginator');
  }
  out.pagination = pagination ?? { type: 'auto' };
  if (incrementalOut !== undefined) out.incremental = incrementalOut;
  if (ep.auth !== undefined && ep.auth !== null) out.auth = translateAuth(ep.auth, at('auth'));
  if (ep.response_actions !== undefined && ep.response_actions !== null) out.response_actions = responseActions(ep.response_actions, at('response_actions'));

  // Parent/child.
  if (parents.size > 1) fail(path, `multiple parent resources (${[...parents].join(', ')}); dlt and floe allow one`);
  const parent = [...parents][0];
  const include = res.include_from_parent;
  if (parent !== undefined) {
    if (!ctx.names.includes(parent)) fail(path, `refers to resource "${parent}", which is not defined; known: ${ctx.names.join(', ')}`);
    if (parent === name) fail(path, 'a resource cannot be its own parent');
    const fields = include === undefined || include === null ? [] : strList(include, `${path}.include_from_parent`);
    out.parent = {
      endpoint: parent,
      ...(fields.length > 0 ? { include: fields } : {}),
      ...(optBool(res.parallelized, `${path}.parallelized`) === true ? { concurrency: 5 } : {}),
    };
  } else if (include !== undefined && include !== null && (!Array.isArray(include) || include.length > 0)) {
    fail(`${path}.include_from_parent`, 'the resource has include_from_parent but is not dependent on another resource');
  }
  if (optBool(res.selected, `${path}.selected`) === false) out.load = false;
  if (res.write_disposition !== undefined && res.write_disposition !== null) {
    Object.assign(out, translateWriteDisposition(res.write_disposition, `${path}.write_disposition`));
  }
  if (res.primary_key !== undefined && res.primary_key !== null) {
    out.primary_key = typeof res.primary_key === 'string' ? [res.primary_key] : strList(res.primary_key, `${path}.primary_key`);
  }
  if (res.columns !== undefined && res.columns !== null) {
    const schema = declaredColumns(res.columns, `${path}.columns`);
    if (schema.length > 0) out.schema = schema;
  }
  if (res.max_table_nesting !== undefined && res.max_table_nesting !== null) {
    const depth = int(res.max_table_nesting, `${path}.max_table_nesting`);
    if (!ctx.normalize) fail(`${path}.max_table_nesting`, 'not supported by this floe version');
    out.normalize = { max_table_nesting: depth };
  }
  return out;
}

function isTyped(v: unknown, type: string): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && (v as Json).type === type;
}

function strList(v: unknown, path: string): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) fail(path, 'expected a list of field names');
  return v as string[];
}

function responseActions(v: unknown, path: string): Json[] {
  if (!Array.isArray(v)) fail(path, 'expected a list');
  return v.map((a, i) => {
    const x = obj(a, `${path}[${i}]`);
    checkKeys(x, `${path}[${i}]`, DLT_RESPONSE_ACTION_KEYS, 'a response action');
    if (x.action !== 'ignore') {
      fail(`${path}[${i}].action`, `${JSON.stringify(x.action)}: dlt's one built-in action is "ignore" (others are Python callables, which a config cannot carry)`);
    }
    if (x.status_code === undefined && x.content === undefined) fail(`${path}[${i}]`, 'set status_code, content, or both');
    const status = x.status_code === undefined || x.status_code === null ? undefined : typeof x.status_code === 'number' ? x.status_code : Number(str(x.status_code, `${path}[${i}].status_code`));
    if (status !== undefined && !Number.isInteger(status)) fail(`${path}[${i}].status_code`, 'expected an HTTP status such as 404');
    return { ...(status !== undefined ? { status_code: status } : {}), ...(typeof x.content === 'string' ? { content: x.content } : {}), action: 'ignore' };
  });
}

/** dlt column hints → floe declared types; only `name` and `data_type` are translatable. */
function declaredColumns(columns: unknown, path: string): Json[] {
  const out: Json[] = [];
  for (const [name, hints] of Object.entries(columnMap(columns, path))) {
    const h = obj(hints, `${path}.${name}`);
    for (const k of Object.keys(h)) {
      if (k !== 'name' && k !== 'data_type') fail(`${path}.${name}.${k}`, `column hint "${k}" is not supported; floe takes data_type only`);
    }
    if (h.data_type === undefined) continue;
    const type = DATA_TYPES[toText(h.data_type)];
    if (type === undefined) fail(`${path}.${name}.data_type`, `"${toText(h.data_type)}" is not supported; floe takes ${Object.keys(DATA_TYPES).join(', ')}`);
    out.push({ name, type });
  }
  return out;
}
