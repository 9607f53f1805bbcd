import { FloeError } from '../../util/errors.js';
import { compileJsonPath } from './json-path.js';

/** Where a response came from, for error messages. */
export interface ResponseOrigin {
  readonly endpoint: string;
  /** Sanitized request URL. */
  readonly url: string;
  readonly status: number;
}

/** Picks the records out of one parsed response body. */
export type RecordSelector = (body: unknown, origin: ResponseOrigin) => readonly unknown[];

/**
 * Compiles an endpoint's `records_path` into a selector.
 *
 * - a `null` body (204 No Content) → no records;
 * - no path: the body must be a top-level array;
 * - a path matching an array → its elements; `null` → no records; an object → one record;
 * - a path ending in `[*]` → each match is a record (an empty parent → no records);
 * - several matches (wildcards, filters, `..`) → arrays among them are concatenated;
 * - a definite path (no wildcard/filter) that matches nothing → `RECORDS_PATH_NO_MATCH`, listing
 *   the response's top-level keys, because a typo must not silently load zero rows.
 */
export function compileSelector(recordsPath: string | undefined): RecordSelector {
  if (recordsPath === undefined) return topLevelArray;
  const compiled = compileJsonPath(recordsPath);
  return (body, origin) => {
    // No content (204) is no records, whatever the path.
    if (body === null) return [];
    const matches = compiled.query(body);
    if (compiled.endsWithWildcard) {
      if (matches.length > 0) return matches;
      const parent = compiled.parent?.query(body) ?? [body];
      if (parent.length > 0) return [];
      throw noMatch(recordsPath, body, origin);
    }
    if (matches.length === 1) return contribution(matches[0]);
    if (matches.length === 0) {
      if (compiled.definite) throw noMatch(recordsPath, body, origin);
      return [];
    }
    return matches.flatMap(contribution);
  };
}

function contribution(match: unknown): readonly unknown[] {
  if (Array.isArray(match)) return match;
  return match === null || match === undefined ? [] : [match];
}

const topLevelArray: RecordSelector = (body, origin) => {
  if (Array.isArray(body)) return body;
  if (body === null) return [];
  const arrays = arrayKeys(body);
  const hint =
    arrays.length > 0
      ? `set records_path to the array of records, e.g. ${arrays.map((k) => `$.${k}`).join(' or ')}`
      : 'set records_path to the JSONPath of the array of records, e.g. $.data';
  throw new FloeError(
    'RECORDS_PATH_NO_MATCH',
    'terminal',
    `Endpoint "${origin.endpoint}": the response from ${origin.url} (HTTP ${origin.status}) is ${describe(body)}, ` +
      `not an array of records, and no records_path is set; ${hint}. Top-level keys: ${keyList(body)}.`,
    { details: { endpoint: origin.endpoint, url: origin.url, status: origin.status } },
  );
};

function noMatch(path: string, body: unknown, origin: ResponseOrigin): FloeError {
  const arrays = arrayKeys(body);
  const hint = arrays.length > 0 ? ` Keys holding arrays: ${arrays.map((k) => `$.${k}`).join(', ')}.` : '';
  return new FloeError(
    'RECORDS_PATH_NO_MATCH',
    'terminal',
    `Endpoint "${origin.endpoint}": records_path ${path} matched nothing in the response from ${origin.url} ` +
      `(HTTP ${origin.status}). The response is ${describe(body)}; top-level keys: ${keyList(body)}.${hint}`,
    { details: { endpoint: origin.endpoint, url: origin.url, status: origin.status, path: 'records_path' } },
  );
}

function describe(body: unknown): string {
  if (Array.isArray(body)) return `an array of ${body.length}`;
  if (body === null) return 'null';
  return typeof body === 'object' ? 'a JSON object' : `a JSON ${typeof body}`;
}

function keyList(body: unknown): string {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return '(none)';
  const keys = Object.keys(body);
  if (keys.length === 0) return '(none: empty object)';
  const shown = keys.slice(0, 20).join(', ');
  return keys.length > 20 ? `${shown}, … (${keys.length} keys)` : shown;
}

function arrayKeys(body: unknown): string[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return [];
  return Object.entries(body)
    .filter(([, v]) => Array.isArray(v))
    .map(([k]) => k)
    .filter((k) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
    .slice(0, 5);
}
