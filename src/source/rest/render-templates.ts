import { endpointName } from '../../config/load-config.js';
import type { EndpointConfig, FloeConfig } from '../../config/schema.js';
import { isRuntimeVariable, RUNTIME_VARIABLES, renderTemplate, type ParsedTemplateVar } from '../../config/template.js';
import { FloeError } from '../../util/errors.js';
import { encodePathSegment } from './url.js';

/**
 * Values of the runtime template variables for one extraction, keyed by name:
 * `{ 'incremental.start_value': '2024-01-01T00:00:00Z', 'incremental.end_value': '…', dt: '2024-01-01' }`.
 */
export type TemplateVars = Readonly<Record<string, string>>;

/** The connector and endpoint with every runtime template in their request fields rendered. */
export interface RenderedRequestConfig {
  readonly config: Pick<FloeConfig, 'base_url' | 'headers'>;
  readonly endpoint: EndpointConfig;
}

/** Matches a template without parsing it, to find the path's query string around templates. */
const TEMPLATE_SPAN = /\{\{[^}]*\}\}/g;
const LINE_BREAK = /[\r\n\0]/;

const HINTS: Readonly<Record<string, string>> = {
  'incremental.start_value': 'set incremental.initial_value',
  'incremental.end_value': 'set incremental.end_value',
  dt: 'bind it (a backfill window does)',
};

function hint(name: string): string {
  if (name.startsWith('parent.')) return 'it is only set in an endpoint with `parent` (each parent record sets it)';
  return HINTS[name] ?? 'pass it';
}

/**
 * Renders the `{{ … }}` left in the request fields after config load (`{{ env.X }}` is already
 * resolved then): the endpoint's `path`, `query_params` values, `headers` values and `body` (string
 * leaves, at any depth), and the connector's `headers` values. Called once per extraction; the
 * result is what every page's request is built from, so paginator parameters and next-page URLs
 * from the API are never rendered.
 *
 * A variable in `vars` is replaced by its value (even ""); otherwise its `| default('…')` is used;
 * with neither it is a `CONFIG_INVALID` error naming the field, e.g.
 * `endpoints[users].query_params.updated_since: {{ incremental.start_value }} has no value in this
 * run; set incremental.initial_value or add | default('…')`.
 *
 * Encoding: query values and headers are rendered raw (query values are percent-encoded later, with
 * the other query parameters; an empty value is still sent, as `name=`). In `path`, a value is
 * encoded as a path segment (`encodePathSegment`: `/` becomes `%2F`, `:` stays) before the path's
 * `?`, and as a query value after it. A header value containing a line break is an error. Body
 * values are strings in the JSON body.
 */
export function renderRequestConfig(
  config: Pick<FloeConfig, 'base_url' | 'headers'>,
  endpoint: EndpointConfig,
  vars: TemplateVars,
  typed: Readonly<Record<string, unknown>> = {},
): RenderedRequestConfig {
  const where = `endpoints[${endpointName(endpoint)}]`;
  const query = endpoint.query_params;
  const renderedQuery =
    query === undefined
      ? undefined
      : mapValues(query, (v, k) =>
          typeof v === 'string' ? render(v, `${where}.query_params.${k}`, vars) : v,
        );
  return {
    config: {
      base_url: config.base_url,
      ...optional('headers', renderHeaders(config.headers, 'headers', vars)),
    },
    endpoint: {
      ...endpoint,
      path: renderPath(endpoint.path, `${where}.path`, vars),
      ...optional('query_params', renderedQuery),
      ...optional('headers', renderHeaders(endpoint.headers, `${where}.headers`, vars)),
      ...optional('body', renderDeep(endpoint.body, `${where}.body`, vars, typed)),
    },
  };
}

function render(input: string, field: string, vars: TemplateVars, encode?: (v: string) => string): string {
  if (!input.includes('{{')) return input;
  return renderTemplate(input, field, (v) =>
    encode ? encode(valueOf(v, field, vars)) : valueOf(v, field, vars),
  );
}

function renderPath(path: string, field: string, vars: TemplateVars): string {
  if (!path.includes('{{')) return path;
  const q = path.replace(TEMPLATE_SPAN, (m) => '_'.repeat(m.length)).indexOf('?');
  if (q < 0) return render(path, field, vars, encodePathSegment);
  return (
    render(path.slice(0, q), field, vars, encodePathSegment) +
    render(path.slice(q), field, vars, encodeURIComponent)
  );
}

function renderHeaders(
  headers: Readonly<Record<string, string>> | undefined,
  where: string,
  vars: TemplateVars,
): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  return mapValues(headers, (v, k) => {
    const field = `${where}.${k}`;
    const out = render(v, field, vars);
    if (out !== v && LINE_BREAK.test(out)) {
      throw new FloeError(
        'CONFIG_INVALID',
        'config',
        `${field}: the rendered value contains a line break, which a header cannot carry; ` +
          'use the variable in a query parameter or the body instead.',
        { details: { path: field } },
      );
    }
    return out;
  });
}

/** A body string that is one template and nothing else, e.g. `"{{ parent.id }}"`. */
const LONE_TEMPLATE = /^\{\{\s*([A-Za-z_][\w.]*)\s*\}\}$/;

function renderDeep(value: unknown, field: string, vars: TemplateVars, typed: Readonly<Record<string, unknown>>): unknown {
  if (typeof value === 'string') {
    // A lone {{ parent.id }} keeps the parent value's JSON type (a number stays a number).
    const lone = LONE_TEMPLATE.exec(value)?.[1];
    if (lone !== undefined && Object.hasOwn(typed, lone)) return typed[lone];
    return render(value, field, vars);
  }
  if (Array.isArray(value)) return value.map((v, i) => renderDeep(v, `${field}[${i}]`, vars, typed));
  if (value !== null && typeof value === 'object') {
    return mapValues(value as Record<string, unknown>, (v, k) => renderDeep(v, `${field}.${k}`, vars, typed));
  }
  return value;
}

function valueOf(v: ParsedTemplateVar, field: string, vars: TemplateVars): string {
  if (Object.hasOwn(vars, v.name)) {
    const value = vars[v.name];
    if (value !== undefined) return value;
  }
  const known = isRuntimeVariable(v.name);
  if (known && v.fallback !== undefined) return v.fallback;
  const fallback = v.fallback === undefined ? '' : ` | default('${v.fallback}')`;
  if (!known) {
    throw new FloeError(
      'CONFIG_INVALID',
      'config',
      `${field}: unknown template variable {{ ${v.name}${fallback} }} in this run; ` +
        `known at run time: ${RUNTIME_VARIABLES.join(', ')} ({{ env.NAME }} is resolved when the config is loaded)`,
      { details: { path: field, variable: v.name } },
    );
  }
  throw new FloeError(
    'CONFIG_INVALID',
    'config',
    `${field}: {{ ${v.name} }} has no value in this run; ${hint(v.name)} or add | default('…')`,
    { details: { path: field, variable: v.name } },
  );
}

function mapValues<V, W>(obj: Readonly<Record<string, V>>, f: (v: V, k: string) => W): Record<string, W> {
  const out: Record<string, W> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = f(v, k);
  return out;
}

/** `{ [key]: value }` when defined, `{}` otherwise (exactOptionalPropertyTypes forbids `key: undefined`). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]: V });
}
