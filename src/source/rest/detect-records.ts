import { path } from './stop-signal-hints.js';

/** Keys that usually hold the records, in priority order (dlt's list). */
const USUAL = [
  'data',
  'items',
  'results',
  'records',
  'entries',
  'rows',
  'entities',
  'payload',
  'content',
  'objects',
  'values',
];
/** Keys that never hold the records, even when they hold arrays of objects. */
const NEVER = new Set([
  'meta',
  'metadata',
  'pagination',
  'paging',
  'links',
  '_links',
  'extras',
  'headers',
  'errors',
  'error',
]);

/** The records path floe chose for a response, and why, for preview and logs. */
export interface DetectedRecords {
  readonly path: string;
  readonly why: string;
}

/**
 * The records of a response when the endpoint has no `records_path` (decided on the first page,
 * then used for every page):
 * - a top-level array is the records (`$`);
 * - an object with an array of objects (or an empty array) under a usual key — `data`, `items`,
 *   `results`, `records`, `entries`, `rows`, `entities`, `payload`, `content`, `objects`,
 *   `values` — at the top level, or one level down (`$.data.items`, `$.response.results`), uses the
 *   first in that order;
 * - otherwise the whole body is one record (`$`), as the seed's `rest_api` format says.
 */
export function detectRecords(body: unknown): DetectedRecords {
  if (Array.isArray(body)) return { path: '$', why: 'the response is a top-level array' };
  if (!isObject(body)) return { path: '$', why: 'the response is not an object' };
  const top = usualArray(body, '$');
  if (top !== undefined) return { path: top, why: `the array of objects under ${top}` };
  for (const [k, v] of Object.entries(body)) {
    if (NEVER.has(k) || !isObject(v)) continue;
    const nested = usualArray(v, path('$', k));
    if (nested !== undefined) return { path: nested, why: `the array of objects under ${nested}` };
  }
  return { path: '$', why: 'no array of objects under a usual key: the whole object is one record' };
}

function usualArray(obj: Record<string, unknown>, prefix: string): string | undefined {
  for (const k of USUAL) {
    const v = obj[k];
    if (Array.isArray(v) && (v.length === 0 || isObject(v.find((x) => x !== null)))) return path(prefix, k);
  }
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
