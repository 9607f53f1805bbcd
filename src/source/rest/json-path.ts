import { JSONPath } from 'jsonpath-plus';

/** Evaluates a compiled JSONPath against a parsed JSON document; returns every match. */
export type JsonPathQuery = (json: unknown) => readonly unknown[];

/** A compiled JSONPath with what the selector needs to know about its shape. */
export interface CompiledJsonPath {
  readonly path: string;
  readonly query: JsonPathQuery;
  /** True when the path can match at most one value (no wildcard, filter, slice, union or `..`). */
  readonly definite: boolean;
  /** True when the path ends in `[*]` or `.*`: each match is one element of its parent. */
  readonly endsWithWildcard: boolean;
  /** The path without its trailing wildcard, when it has one. */
  readonly parent?: CompiledJsonPath;
}

// `$`, then `.name`, `['name']`, `["name"]` or `[0]` segments, then an optional `[*]` / `.*`.
const SEGMENT = /\.([A-Za-z_][A-Za-z0-9_]*)|\[(?:'([^'\\]*)'|"([^"\\]*)"|(\d+))\]/y;
const TRAILING_WILDCARD = /(?:\[\*\]|\.\*)$/;
const INDEFINITE = /\*|\.\.|\?\(|\[[^\]'"]*[:,][^\]]*\]/;

/**
 * Compiles a JSONPath. Simple paths (`$.data`, `$.a.b`, `$['x'][0]`, `$.items[*]`) are walked
 * directly; they run on every page, and the walk is far cheaper than jsonpath-plus's general
 * evaluator (see `test/source/rest/json-path.test.ts` for the measurement). Anything else goes to
 * jsonpath-plus, whose results the fast path matches exactly.
 */
export function compileJsonPath(path: string): CompiledJsonPath {
  const wildcard = TRAILING_WILDCARD.test(path);
  const parentPath = wildcard ? path.replace(TRAILING_WILDCARD, '') : undefined;
  const base = {
    path,
    definite: !INDEFINITE.test(path),
    endsWithWildcard: wildcard,
    ...(parentPath !== undefined && parentPath !== '' ? { parent: compileJsonPath(parentPath) } : {}),
  };
  const keys = simpleKeys(wildcard ? (parentPath ?? '') : path);
  if (keys === undefined) return { ...base, query: (json) => generalQuery(path, json) };
  return {
    ...base,
    query: (json) => {
      const found = walk(json, keys);
      if (found === NOT_FOUND) return [];
      if (!wildcard) return [found];
      if (Array.isArray(found)) return found as readonly unknown[];
      return found !== null && typeof found === 'object'
        ? Object.values(found as Record<string, unknown>)
        : [];
    },
  };
}

/** The keys of a simple path, or `undefined` when the path needs the general evaluator. */
export function simpleKeys(path: string): readonly string[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const keys: string[] = [];
  SEGMENT.lastIndex = 1;
  let at = 1;
  while (at < path.length) {
    SEGMENT.lastIndex = at;
    const m = SEGMENT.exec(path);
    if (!m) return undefined;
    keys.push(m[1] ?? m[2] ?? m[3] ?? m[4] ?? '');
    at = SEGMENT.lastIndex;
  }
  return keys;
}

const NOT_FOUND = Symbol('not found');

function walk(json: unknown, keys: readonly string[]): unknown {
  let cur: unknown = json;
  for (const key of keys) {
    // jsonpath-plus matches own properties of objects and arrays alike (so `length` too).
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return NOT_FOUND;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function generalQuery(path: string, json: unknown): readonly unknown[] {
  if (json === null || typeof json !== 'object') return [];
  return JSONPath<unknown[]>({ path, json, wrap: true });
}
