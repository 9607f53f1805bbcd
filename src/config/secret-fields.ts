import { z } from 'zod';
import { unwrapOnce } from './schema-walk.js';

/**
 * The one list of secret fields is the schema itself: a field wrapped in `secret()` holds a
 * credential. Its value is masked wherever floe prints or stores anything (logs, errors, run
 * history, `--json`), left out of the config hash (so a rotated key continues an interrupted
 * run), and marked `writeOnly` in the generated JSON Schema.
 */
export function secret<T extends z.ZodType>(schema: T, description: string): T {
  return schema.meta({ description, writeOnly: true });
}

/** Whether a schema node (or one it wraps) was declared with `secret()`. */
function isSecret(schema: z.ZodType): boolean {
  for (let s: z.ZodType | undefined = schema; s; s = unwrapOnce(s)) {
    if ((z.globalRegistry.get(s) as { writeOnly?: unknown } | undefined)?.writeOnly === true) return true;
  }
  return false;
}

/**
 * Every string value of `value` that sits in a secret field of `schema`, with its path, by
 * walking both together (objects, arrays, records, unions, wrappers).
 */
export function secretValues(schema: z.ZodType, value: unknown, path = ''): { path: string; value: string }[] {
  if (value === undefined || value === null) return [];
  if (isSecret(schema)) return typeof value === 'string' ? [{ path, value }] : [];
  const def = innerDef(schema);
  switch (def.type) {
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return [];
      return Object.entries(def.shape ?? {}).flatMap(([k, field]) =>
        secretValues(field, (value as Record<string, unknown>)[k], path ? `${path}.${k}` : k),
      );
    }
    case 'array':
      return Array.isArray(value) ? value.flatMap((v, i) => secretValues(def.element!, v, `${path}[${i}]`)) : [];
    case 'record':
      return value && typeof value === 'object'
        ? Object.entries(value).flatMap(([k, v]) => secretValues(def.valueType!, v, `${path}.${k}`))
        : [];
    case 'union':
      // The option the value is valid for (a discriminated union has exactly one).
      return (def.options ?? []).filter((o) => o.safeParse(value).success).flatMap((o) => secretValues(o, value, path));
    default:
      return [];
  }
}

/**
 * Every secret field `schema` declares, as path patterns: `auth.token`, `destination.password`,
 * `endpoints[].auth.token` (`[]` for any array index, `.*` for any record key). For code that must
 * find secrets in a tree that may not be valid yet (the server seals them before validation).
 */
export function secretFieldPaths(schema: z.ZodType, path = '', out = new Set<string>(), seen = new Set<z.ZodType>()): Set<string> {
  if (seen.has(schema)) return out; // recursive schemas
  seen.add(schema);
  if (isSecret(schema)) return out.add(path);
  const def = innerDef(schema);
  switch (def.type) {
    case 'object':
      for (const [k, field] of Object.entries(def.shape ?? {})) secretFieldPaths(field, path ? `${path}.${k}` : k, out, seen);
      break;
    case 'array':
      secretFieldPaths(def.element!, `${path}[]`, out, seen);
      break;
    case 'record':
      secretFieldPaths(def.valueType!, `${path}.*`, out, seen);
      break;
    case 'union':
      for (const o of def.options ?? []) secretFieldPaths(o, path, out, seen);
      break;
  }
  return out;
}

/** `endpoints[3].auth.token` → `endpoints[].auth.token`: a concrete path as `secretFieldPaths` spells it. */
export function pathPattern(path: string): string {
  return path.replace(/\[\d+\]/g, '[]');
}

/** The definition of `schema` under its wrappers (optional, default, pipe, …). */
interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
}
function innerDef(schema: z.ZodType): Def {
  let s: z.ZodType = schema;
  for (let next = unwrapOnce(s); next; next = unwrapOnce(s)) s = next;
  return s._zod.def;
}

