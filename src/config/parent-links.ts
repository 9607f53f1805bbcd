import type { EndpointConfig } from './schema.js';
import { PARENT_PREFIX } from './template.js';
import { FloeError } from '../util/errors.js';

/**
 * Parent/child links between endpoints: an endpoint with `parent: { endpoint: issues }` runs once
 * per record of `issues`, after it, with `{{ parent.<field> }}` taken from that record. Checked
 * when the config loads; the runner runs each tree in order (see run/parent-child/).
 */

const PARENT_TEMPLATE = /\{\{\s*parent\.([A-Za-z_][\w.]*)\s*(?:\|[^}]*)?\}\}/g;

/** The fields of the parent record a child's requests use (`{{ parent.number }}` → `number`). */
export function parentFields(e: EndpointConfig): string[] {
  const found = new Set<string>();
  const scan = (v: unknown): void => {
    if (typeof v === 'string') for (const m of v.matchAll(PARENT_TEMPLATE)) found.add(m[1]!);
    else if (Array.isArray(v)) v.forEach(scan);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(scan);
  };
  scan([e.path, e.query_params, e.headers, e.body]);
  return [...found];
}

/**
 * Checks the parent links of a config (`names[i]` is endpoint i's name): the parent exists and is
 * another endpoint, no cycles, and `{{ parent.x }}` appears only in an endpoint with `parent`.
 * Throws CONFIG_INVALID naming the path.
 */
export function checkParentLinks(endpoints: readonly EndpointConfig[], names: readonly string[], where = ''): void {
  const fail = (path: string, message: string): never => {
    throw new FloeError('CONFIG_INVALID', 'config', `${where}${path}: ${message}`, { details: { path } });
  };
  endpoints.forEach((e, i) => {
    const p = e.parent?.endpoint;
    if (p === undefined) {
      const used = parentFields(e);
      if (used.length > 0) {
        fail(`endpoints[${i}]`, `{{ ${PARENT_PREFIX}${used[0]} }} is used but the endpoint has no parent; add parent: { endpoint: <name> }`);
      }
      return;
    }
    if (p === names[i]) fail(`endpoints[${i}].parent.endpoint`, 'an endpoint cannot be its own parent');
    if (!names.includes(p)) fail(`endpoints[${i}].parent.endpoint`, `no endpoint named "${p}"; known: ${names.join(', ')}`);
    const seen = new Set([names[i]]);
    for (let at: string | undefined = p; at !== undefined; at = endpoints[names.indexOf(at)]?.parent?.endpoint) {
      if (seen.has(at)) fail(`endpoints[${i}].parent.endpoint`, `parent links form a cycle through "${at}"`);
      seen.add(at);
    }
  });
}
