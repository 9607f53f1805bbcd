import { FloeError } from '../util/errors.js';

/**
 * `{{ env.NAME }}` is resolved when the config is loaded. Other variables (`{{ incremental.start_value }}`,
 * `{{ dt }}`) are resolved per request at run time; they are checked here so a typo fails at load.
 * A `| default('…')` filter is allowed; nothing else is (no code in configs).
 */
const TEMPLATE = /\{\{\s*([^}]*?)\s*\}\}/g;
const EXPRESSION = /^([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)\s*(?:\|\s*default\(\s*(?:'([^']*)'|"([^"]*)")\s*\))?$/;

export const RUNTIME_VARIABLES = ['incremental.start_value', 'incremental.end_value', 'dt'] as const;

/** `{{ parent.<field> }}`: a field of the parent record, in a child endpoint (see `parent`). */
export const PARENT_PREFIX = 'parent.';

/** True for a variable rendered per extraction: the runtime variables and `parent.<field>`. */
export function isRuntimeVariable(name: string): boolean {
  return (RUNTIME_VARIABLES as readonly string[]).includes(name) || (name.startsWith(PARENT_PREFIX) && name.length > PARENT_PREFIX.length);
}

export interface ParsedTemplateVar {
  readonly name: string;
  readonly fallback: string | undefined;
}

export function parseExpression(expr: string, path: string): ParsedTemplateVar {
  const m = EXPRESSION.exec(expr.trim());
  if (!m) {
    throw new FloeError(
      'CONFIG_INVALID',
      'config',
      `${path}: unsupported template "{{ ${expr} }}"; use {{ env.NAME }}, {{ incremental.start_value }}, ` +
        `{{ incremental.end_value }}, {{ dt }} or {{ parent.<field> }}, optionally with | default('value')`,
      { details: { path } },
    );
  }
  return { name: m[1] ?? '', fallback: m[2] ?? m[3] };
}

export function hasTemplate(s: string): boolean {
  TEMPLATE.lastIndex = 0;
  return TEMPLATE.test(s);
}

/** A `{{` that no `}}` closes is a typo, not text to send: `{{ env.TOKEN` would go out as is. */
function checkClosed(s: string, path: string): void {
  const open = s.replace(TEMPLATE, '').indexOf('{{');
  if (open >= 0) {
    throw new FloeError('CONFIG_INVALID', 'config', `${path}: unclosed template "${s.slice(s.indexOf('{{', open), s.indexOf('{{', open) + 24)}…": close it with }}`, {
      details: { path },
    });
  }
}

/** Replaces every template in `input` with what `resolve` returns for it. */
export function renderTemplate(
  input: string,
  path: string,
  resolve: (v: ParsedTemplateVar, original: string) => string,
): string {
  return input.replace(TEMPLATE, (whole: string, expr: string) => resolve(parseExpression(expr, path), whole));
}

/**
 * Resolves `{{ env.X }}` in every string of a parsed config tree. Runtime variables stay as they
 * are; unknown variables and unset env variables are config errors naming the field, unless
 * `missing` gives a stand-in for that field (`floe plan` without the secrets).
 * `onResolved` sees each env value (or stand-in) with its path, so secrets can be registered for
 * redaction.
 */
export function resolveEnv(
  tree: unknown,
  env: Record<string, string | undefined>,
  onResolved: (path: string, value: string) => void = () => undefined,
  missing?: (path: string) => string | undefined,
  path = '',
): unknown {
  if (typeof tree === 'string') {
    checkClosed(tree, path || '(root)');
    if (!hasTemplate(tree)) return tree;
    return renderTemplate(tree, path || '(root)', (v, original) => {
      if (v.name.startsWith('env.')) {
        // Own variables only: `{{ env.__proto__ }}` or `{{ env.constructor }}` are not set, not Object internals.
        const name = v.name.slice(4);
        const value = Object.hasOwn(env, name) ? env[name] : undefined;
        if (typeof value === 'string') {
          onResolved(path, value);
          return value;
        }
        if (v.fallback !== undefined) return v.fallback;
        const standIn = missing?.(path);
        if (standIn !== undefined) {
          onResolved(path, standIn);
          return standIn;
        }
        throw new FloeError(
          'CONFIG_ENV_MISSING',
          'config',
          `${path}: environment variable ${v.name.slice(4)} is not set (referenced as {{ ${v.name} }})`,
          { details: { path, variable: v.name.slice(4) } },
        );
      }
      // Runtime variables are rendered per request; keep them (and their default) for then.
      if (isRuntimeVariable(v.name)) return original;
      throw new FloeError(
        'CONFIG_INVALID',
        'config',
        `${path}: unknown template variable "${v.name}"; known: env.NAME, ${RUNTIME_VARIABLES.join(', ')}, parent.<field> (in a child endpoint)`,
        { details: { path } },
      );
    });
  }
  if (Array.isArray(tree)) return tree.map((v, i) => resolveEnv(v, env, onResolved, missing, `${path}[${i}]`));
  if (tree && typeof tree === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(tree)) {
      out[k] = resolveEnv(v, env, onResolved, missing, path ? `${path}.${k}` : k);
    }
    return out;
  }
  return tree;
}
