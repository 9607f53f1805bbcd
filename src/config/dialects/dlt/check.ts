import { FloeError } from '../../../util/errors.js';

/** A JSON object of a dlt config. */
export type Json = Record<string, unknown>;

/** A config error at a dlt path, in dlt's words. */
export function fail(path: string, message: string): never {
  throw new FloeError('CONFIG_INVALID', 'config', `${path}: ${message} (dlt rest_api_source dialect)`, { details: { path } });
}

export function obj(v: unknown, path: string): Json {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(path, 'expected a mapping');
  return v as Json;
}

export function str(v: unknown, path: string): string {
  if (typeof v !== 'string' || v === '') fail(path, 'required (a string)');
  return v;
}

export function optStr(v: unknown, path: string): string | undefined {
  return v === undefined || v === null ? undefined : str(v, path);
}

export function int(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(path, 'expected an integer');
  return v;
}

export function optInt(v: unknown, path: string): number | undefined {
  return v === undefined || v === null ? undefined : int(v, path);
}

export function optBool(v: unknown, path: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') fail(path, 'expected true or false');
  return v;
}

/**
 * dlt's JSONPath (`data.items`, `$.data`, `cursors.next`) in floe's spelling (`$.data.items`).
 */
export function jsonPath(p: string): string {
  return p.startsWith('$') ? p : `$.${p}`;
}

/** A simple dotted field path (`number`, `user.id`, `$.user.id`), or a config error. */
export function dottedField(p: unknown, path: string): string {
  const s = str(p, path).replace(/^\$\./, '');
  if (!/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/.test(s)) fail(path, `"${s}" must be a plain field path such as number or user.id`);
  return s;
}

/** Only `{ key: handled }`: every other key is refused with its reason, or unknown. */
export function checkKeys(x: Json, path: string, table: Readonly<Record<string, true | string>>, what: string): void {
  for (const k of Object.keys(x)) {
    const rule = table[k];
    if (rule === undefined) {
      fail(`${path}.${k}`, `unknown key "${k}" in ${what}; dlt allows: ${Object.keys(table).join(', ')}`);
    }
    if (rule !== true) fail(`${path}.${k}`, rule);
  }
}
