import type { z } from 'zod';

/** The schema an optional/nullable/default/prefault/readonly/catch/pipe wrapper wraps, if any. */
export function unwrapOnce(schema: z.ZodType): z.ZodType | undefined {
  const def = schema._zod.def as { type: string; innerType?: z.ZodType; in?: z.ZodType };
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return def.innerType;
    case 'pipe':
      return def.in;
    default:
      return undefined;
  }
}

/**
 * The schema node that validates the value at `path` of `tree` (walking objects, arrays, records
 * and, for unions, the option whose discriminator or shape matches the value), unwrapped; or
 * undefined when the path leaves the schema.
 */
export function schemaAt(schema: z.ZodType, tree: unknown, path: readonly PropertyKey[]): z.ZodType | undefined {
  let s: z.ZodType | undefined = unwrap(schema);
  let value = tree;
  for (const key of path) {
    if (!s) return undefined;
    s = unwrap(pickOption(s, value));
    if (!s) return undefined;
    const def = s._zod.def as { type: string; shape?: Record<string, z.ZodType>; element?: z.ZodType; valueType?: z.ZodType };
    if (def.type === 'object') s = def.shape?.[String(key)];
    else if (def.type === 'array') s = def.element;
    else if (def.type === 'record') s = def.valueType;
    else return undefined;
    value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  }
  // A discriminated union resolves to the option the value selects; a plain union (`string | number`) stays whole.
  const discriminated = s !== undefined && (unwrap(s)?._zod.def as { discriminator?: string } | undefined)?.discriminator !== undefined;
  return s ? unwrap(discriminated ? pickOption(unwrap(s)!, value) : s) : undefined;
}

/** The keys an object schema knows. */
export function objectKeys(schema: z.ZodType | undefined): string[] {
  const def = schema?._zod.def as { type?: string; shape?: Record<string, unknown> } | undefined;
  return def?.type === 'object' ? Object.keys(def.shape ?? {}) : [];
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let s = schema;
  for (let next = s && unwrapOnce(s); next; next = unwrapOnce(s)) s = next;
  return s;
}

/** For a union, the option the value belongs to (by discriminator, else the first that has its keys). */
function pickOption(schema: z.ZodType, value: unknown): z.ZodType {
  const def = schema._zod.def as { type: string; options?: z.ZodType[]; discriminator?: string };
  if (def.type !== 'union' || !def.options) return schema;
  const obj = value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  if (def.discriminator && obj) {
    const match = def.options.find((o) => {
      const field = (unwrap(o)?._zod.def as { shape?: Record<string, z.ZodType> }).shape?.[def.discriminator!];
      return field !== undefined && field.safeParse(obj[def.discriminator!]).success;
    });
    if (match) return match;
  }
  return def.options.find((o) => o.safeParse(value).success) ?? def.options[0]!;
}
