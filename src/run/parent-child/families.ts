import { endpointName } from '../../config/load-config.js';
import { parentFields } from '../../config/parent-links.js';
import type { EndpointConfig } from '../../config/schema.js';

/** Every parent field the children of `parent` need: their templates and their `include` lists. */
export function neededFields(parent: string, endpoints: readonly EndpointConfig[]): string[] {
  const out = new Set<string>();
  for (const e of endpoints) {
    if (e.parent?.endpoint !== parent) continue;
    for (const f of parentFields(e)) out.add(f);
    for (const f of e.parent.include ?? []) out.add(f);
  }
  return [...out];
}

/** The endpoints whose parent is `name`, in config order. */
export function childrenOf(name: string, endpoints: readonly EndpointConfig[]): EndpointConfig[] {
  return endpoints.filter((e) => e.parent?.endpoint === name);
}

/** `selected` with every ancestor of a selected child added, in config order. */
export function withAncestors(selected: readonly EndpointConfig[], all: readonly EndpointConfig[]): EndpointConfig[] {
  const keep = new Set(selected.map(endpointName));
  let grew = true;
  while (grew) {
    grew = false;
    for (const e of all) {
      const p = e.parent?.endpoint;
      if (p !== undefined && keep.has(endpointName(e)) && !keep.has(p)) {
        keep.add(p);
        grew = true;
      }
    }
  }
  return all.filter((e) => keep.has(endpointName(e)));
}
