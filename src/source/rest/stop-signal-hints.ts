/**
 * Finds stop signals a response offers (a has-more flag, a total, a page count, an `X-Total-Count`
 * header), to name the one that would fix a `PAGINATION_LOOP`, to warn when an endpoint ended
 * while the response said there is more, and for `pagination: auto`. Heuristic by design: it only
 * suggests; a config always pins what floe uses.
 */

/** One signal found in a response, as the config line that would use it. */
export interface SignalHint {
  readonly field: 'has_more_path' | 'total_path' | 'total_pages_path' | 'total_header';
  /** The config value: a JSONPath, or a header name. */
  readonly value: string;
  /** What the response holds there. */
  readonly seen: boolean | number;
}

const HAS_MORE = ['has_more', 'hasMore', 'has_next', 'hasNext', 'has_next_page', 'hasNextPage', 'more'];
const TOTAL = [
  'total',
  'total_count',
  'totalCount',
  'total_results',
  'totalResults',
  'total_items',
  'totalItems',
  'items',
  'count',
  'numFound',
];
const PAGES = [
  'total_pages',
  'totalPages',
  'pages',
  'page_count',
  'pageCount',
  'last_page',
  'lastPage',
  'num_pages',
];
const NESTS = ['meta', 'pagination', 'paging', 'page_info', 'pageInfo', '_meta', 'page'];
const HEADERS: Readonly<Record<string, string>> = {
  'x-total-count': 'X-Total-Count',
  'x-total': 'X-Total',
  'x-total-results': 'X-Total-Results',
};

/** Every signal the response offers, top level first, then under meta/pagination/paging/…. */
export function findSignalHints(body: unknown, headers: Readonly<Record<string, string>>): SignalHint[] {
  const out: SignalHint[] = [];
  const scan = (obj: Record<string, unknown>, prefix: string): void => {
    for (const k of HAS_MORE)
      if (typeof obj[k] === 'boolean')
        out.push({ field: 'has_more_path', value: path(prefix, k), seen: obj[k] });
    for (const k of TOTAL)
      if (isCount(obj[k])) out.push({ field: 'total_path', value: path(prefix, k), seen: obj[k] as number });
    for (const k of PAGES)
      if (isCount(obj[k]))
        out.push({ field: 'total_pages_path', value: path(prefix, k), seen: obj[k] as number });
  };
  if (isObject(body)) {
    scan(body, '$');
    for (const n of NESTS) {
      const inner = body[n];
      if (isObject(inner)) scan(inner, path('$', n));
    }
  }
  for (const [h, name] of Object.entries(HEADERS)) {
    const v = headers[h];
    if (v !== undefined && /^\d+$/.test(v.trim()))
      out.push({ field: 'total_header', value: name, seen: Number(v) });
  }
  return out;
}

/** `field: value` lines for a message, e.g. `has_more_path: $.has_more (now false)`. */
export function describeHints(hints: readonly SignalHint[]): string {
  return hints.map((h) => `${h.field}: ${h.value} (now ${String(h.seen)})`).join(', ');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isCount(v: unknown): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** `$.a.b`, with `['…']` for keys that are not identifiers. */
export function path(prefix: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)
    ? `${prefix}.${key}`
    : `${prefix}['${key.replace(/'/g, "\\'")}']`;
}
