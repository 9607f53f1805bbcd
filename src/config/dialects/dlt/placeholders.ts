import { dottedField, fail } from './check.js';
import { toText } from '../../../util/text.js';

/** What a resource's placeholders may refer to besides `resources.*` and `incremental.*`. */
export interface PlaceholderScope {
  /** dlt path of the string, for messages. */
  readonly path: string;
  /** The endpoint has an `incremental` (or an incremental param): `{incremental.*}` is allowed. */
  readonly incremental: boolean;
  /** `incremental.initial_value`, rendered as a constant. */
  readonly initialValue?: unknown;
  /** Path only: `{name}` bound to a static param (dlt's path param binding) or a resolve param. */
  readonly names?: ReadonlyMap<string, { readonly value: string } | { readonly parentField: string }>;
  /** Parent resources the string refers to (`{resources.issues.number}` adds `issues`). */
  readonly parents: Set<string>;
}

/**
 * dlt's single-brace `str.format` placeholders → floe templates:
 * `{resources.issues.number}` → `{{ parent.number }}`, `{incremental.start_value}` (and
 * `last_value`) → `{{ incremental.start_value }}`, `{incremental.end_value}` →
 * `{{ incremental.end_value }}`, `{incremental.initial_value}` → the initial value itself; in a
 * path, `{name}` takes a static param of that name (which is then not sent) or a resolve param.
 * `{{` and `}}` are dlt's escapes for literal braces. Anything else is an error naming the path.
 */
export function convertPlaceholders(text: string, scope: PlaceholderScope): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '{' && text[i + 1] === '{') {
      out += '{';
      i++;
    } else if (c === '}' && text[i + 1] === '}') {
      out += '}';
      i++;
    } else if (c === '{') {
      const close = text.indexOf('}', i);
      if (close < 0) fail(scope.path, `unclosed "{" in "${text}"; write {{ for a literal brace`);
      out += placeholder(text.slice(i + 1, close).trim(), scope);
      i = close;
    } else if (c === '}') {
      fail(scope.path, `single "}" in "${text}"; write }} for a literal brace`);
    } else out += c;
  }
  return out;
}

function placeholder(field: string, scope: PlaceholderScope): string {
  if (/[!:]/.test(field)) fail(scope.path, `placeholder {${field}} uses a format spec or conversion, which floe does not support`);
  if (field.startsWith('resources.')) {
    const parts = field.split('.');
    if (parts.length < 3) fail(scope.path, `{${field}} must be {resources.<resource>.<field>}`);
    scope.parents.add(parts[1]!);
    return `{{ parent.${dottedField(parts.slice(2).join('.'), scope.path)} }}`;
  }
  if (field.startsWith('incremental.')) {
    if (!scope.incremental) fail(scope.path, `{${field}} needs endpoint.incremental (or an incremental param)`);
    switch (field) {
      case 'incremental.start_value':
      case 'incremental.last_value':
        return '{{ incremental.start_value }}';
      case 'incremental.end_value':
        return '{{ incremental.end_value }}';
      case 'incremental.initial_value':
        return scope.initialValue === undefined ? fail(scope.path, '{incremental.initial_value} needs incremental.initial_value') : toText(scope.initialValue);
      default:
        return fail(scope.path, `unknown placeholder {${field}}; known: incremental.start_value, last_value, end_value, initial_value`);
    }
  }
  const bound = scope.names?.get(field);
  if (bound !== undefined) return 'value' in bound ? bound.value : `{{ parent.${bound.parentField} }}`;
  return fail(
    scope.path,
    scope.names !== undefined
      ? `the path needs a param named "${field}", but endpoint.params has none (or use {resources.<resource>.<field>})`
      : `placeholder {${field}} is not valid here; valid ones start with resources. or incremental. (write {{ and }} for literal braces)`,
  );
}

/** Converts every string (and mapping key) of a JSON value. */
export function convertDeep(value: unknown, scope: PlaceholderScope): unknown {
  if (typeof value === 'string') return convertPlaceholders(value, scope);
  if (Array.isArray(value)) return value.map((v, i) => convertDeep(v, { ...scope, path: `${scope.path}[${i}]` }));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[convertPlaceholders(k, { ...scope, path: `${scope.path}.${k}` })] = convertDeep(v, { ...scope, path: `${scope.path}.${k}` });
    }
    return out;
  }
  return value;
}
