/**
 * How a key path becomes a column name: the naming convention, and the pieces of the collision
 * rule (documented in the README, "Column rules").
 *
 * - `source` (default, the seed's spelling): keys keep their spelling, nested keys join with `_`
 *   (`fields.statusCategory.key` → `fields_statusCategory_key`).
 * - `snake_case` (dlt's convention, for names identical to a dlt pipeline's): each key is
 *   lower-cased snake case with a reduced alphabet (`createdAt` → `created_at`, `+1` → `x1`,
 *   leading digit → `_`), nested keys join with `__` (`reactions.+1` → `reactions__x1`).
 * - Either way, an empty key is `_empty`, and a name starting with `_floe_` (floe's own columns
 *   and tables, any case) gets one more leading `_`.
 *
 * Names are compared folded (case-insensitively, as DuckDB and Snowflake compare them).
 */
import { createHash } from 'node:crypto';

/** The naming conventions a config can pick. */
export type Naming = 'source' | 'snake_case';

/** floe's own names start with this (any case): `_floe_loads`, `_FLOE_FILE`, … */
export const RESERVED_PREFIX = '_floe_';

const EMPTY = '_empty';

// dlt's snake_case: a few symbols get letters, other non-alphanumerics become `_`, camelCase
// breaks into words, a leading digit gets `_`, trailing `_` become `x`, runs of `_` collapse.
const REDUCE: Readonly<Record<string, string>> = {
  '+': 'x',
  '-': '_',
  '!': 'l',
  $: 's',
  '*': 'x',
  '@': 'a',
  '#': 'h',
  '=': '_',
  '|': 'l',
  ':': 'i',
};

/** One key in dlt's snake_case convention. */
export function snakeCase(key: string): string {
  let s = key.trim().replace(/[+\-!$*@#=|:]/g, (c) => REDUCE[c] ?? '_');
  s = s.replace(/[^a-zA-Z0-9_]+/g, '_');
  s = s.replace(/([^_])([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  if (/^\d/.test(s)) s = `_${s}`;
  const stripped = s.replace(/_+$/, '');
  s = stripped + 'x'.repeat(s.length - stripped.length);
  return s.replace(/_+/g, '_');
}

/** A key as one name segment under `naming`. */
export function segment(key: string, naming: Naming): string {
  if (naming === 'snake_case') {
    const s = snakeCase(key);
    return s === '' ? EMPTY : s;
  }
  return key === '' ? EMPTY : key;
}

/** The separator between the segments of a nested path. */
export function separator(naming: Naming): string {
  return naming === 'snake_case' ? '__' : '_';
}

/** A data name that would start with floe's reserved prefix gets one more `_`. */
export function unreserved(name: string): string {
  return name.toLowerCase().startsWith(RESERVED_PREFIX) ? `_${name}` : name;
}

/** The case-insensitive identity of a name, as both warehouses compare identifiers. */
export function fold(name: string): string {
  return name.toLowerCase().toUpperCase();
}

/**
 * The name a path takes when its plain name is held by a path that ranks before it: the plain
 * name, `__`, and a short hash of the path, so the name is the same in every run whatever order
 * the records and keys arrive in. `length` grows only if two such names collide.
 */
export function suffixed(plain: string, path: readonly string[], length = 6): string {
  const hash = createHash('sha256').update(JSON.stringify(path)).digest('hex').slice(0, length);
  return `${plain}__${hash}`;
}

/** A path for messages: keys joined with `.`. */
export function displayPath(path: readonly string[]): string {
  return path.join('.');
}
