import { checkKeys, fail, int, jsonPath, obj, optBool, optInt, optStr, type Json } from './check.js';
import { DLT_PAGINATOR_KEYS } from './keys.js';

/**
 * A dlt `paginator` (a type name, or a mapping with `type`) → floe's `pagination`, with dlt's
 * defaults made explicit:
 * - `json_link` (and the deprecated `json_response`): next URL at `next_url_path` (default `next`);
 * - `header_link`: the `Link` header's `rel="next"`;
 * - `header_cursor`: cursor in the `cursor_key` header (default `next`) sent as `cursor_param` (`cursor`);
 * - `cursor`: `cursor_path` (default `cursors.next`) sent as `cursor_param` (`cursor`) or at
 *   `cursor_body_path`; `stop_after_empty_page` (default false), `has_more_path`;
 * - `offset`: `limit` (required), `offset` (0), `offset_param`/`limit_param` or the body paths,
 *   `total_path` (default `total`: total records; `null` for none), `maximum_offset`,
 *   `stop_after_empty_page` (default true), `has_more_path` — no short-page rule, as dlt;
 * - `page_number`: `base_page` (0), `page` (default base_page), `page_param` (`page`) or
 *   `page_body_path`, `total_path` (default `total`: total PAGES; `null` for none), `maximum_page`,
 *   `stop_after_empty_page` (default true), `has_more_path` — dlt sends no page size;
 * - `single_page`; `auto` (or none): detected on the first response.
 */
export function translatePaginator(p: unknown, path: string): Json {
  const x: Json = typeof p === 'string' ? { type: p } : obj(p, path);
  const type = x.type ?? 'auto';
  if (typeof type !== 'string' || DLT_PAGINATOR_KEYS[type] === undefined) {
    fail(`${path}.type`, `unknown paginator type ${JSON.stringify(type)}; dlt's are: ${Object.keys(DLT_PAGINATOR_KEYS).join(', ')}`);
  }
  checkKeys(x, path, DLT_PAGINATOR_KEYS[type], `a ${type} paginator`);
  const at = (k: string): string => `${path}.${k}`;
  const signals = (emptyDefault: boolean): Json => {
    const hasMore = optStr(x.has_more_path, at('has_more_path'));
    const empty = optBool(x.stop_after_empty_page, at('stop_after_empty_page')) ?? emptyDefault;
    return { ...(hasMore !== undefined ? { has_more_path: jsonPath(hasMore) } : {}), ...(empty ? { stop_after_empty_page: true } : {}) };
  };
  /** dlt's `total_path` defaults to `total`; an explicit null turns it off. */
  const total = (): string | undefined => (x.total_path === null ? undefined : jsonPath(optStr(x.total_path, at('total_path')) ?? 'total'));
  switch (type) {
    case 'auto':
      return { type: 'auto' };
    case 'single_page':
      return { type: 'single_page' };
    case 'json_link':
    case 'json_response':
      return { type: 'next_link', next_link_path: jsonPath(optStr(x.next_url_path, at('next_url_path')) ?? 'next') };
    case 'header_link': {
      const key = optStr(x.links_next_key, at('links_next_key')) ?? 'next';
      if (key !== 'next') fail(at('links_next_key'), `floe follows the Link header's rel="next" only (got "${key}")`);
      return { type: 'link_header' };
    }
    case 'header_cursor':
      return {
        type: 'header_cursor',
        cursor_header: optStr(x.cursor_key, at('cursor_key')) ?? 'next',
        cursor_param: optStr(x.cursor_param, at('cursor_param')) ?? 'cursor',
      };
    case 'cursor': {
      const bodyPath = optStr(x.cursor_body_path, at('cursor_body_path'));
      const param = optStr(x.cursor_param, at('cursor_param'));
      if (bodyPath !== undefined && param !== undefined) fail(path, "either 'cursor_param' or 'cursor_body_path' must be provided, not both");
      return {
        type: 'cursor',
        cursor_path: jsonPath(optStr(x.cursor_path, at('cursor_path')) ?? 'cursors.next'),
        ...(bodyPath !== undefined ? { cursor_body_path: bodyPath } : { cursor_param: param ?? 'cursor' }),
        ...signals(false),
      };
    }
    case 'offset': {
      if (x.limit === undefined) fail(at('limit'), 'required: the offset paginator needs limit (records per page)');
      const t = total();
      const maximum = optInt(x.maximum_offset, at('maximum_offset'));
      const s = signals(true);
      noStop(path, t, maximum, s, 'maximum_offset');
      return {
        type: 'offset',
        limit_value: int(x.limit, at('limit')),
        start_offset: optInt(x.offset, at('offset')) ?? 0,
        ...placed('offset', x, at),
        ...placed('limit', x, at),
        ...(t !== undefined ? { total_path: t } : {}),
        ...(maximum !== undefined ? { maximum_offset: maximum } : {}),
        ...s,
      };
    }
    case 'page_number': {
      const base = optInt(x.base_page, at('base_page')) ?? 0;
      const t = total();
      const maximum = optInt(x.maximum_page, at('maximum_page'));
      const s = signals(true);
      noStop(path, t, maximum, s, 'maximum_page');
      return {
        type: 'page_number',
        start_page: optInt(x.page, at('page')) ?? base,
        base_page: base,
        ...placed('page', x, at),
        ...(t !== undefined ? { total_pages_path: t } : {}),
        ...(maximum !== undefined ? { maximum_page: maximum } : {}),
        ...s,
      };
    }
    default:
      return fail(`${path}.type`, `unknown paginator type ${JSON.stringify(type)}`);
  }
}

/** `<name>_param` or `<name>_body_path` (not both), as dlt allows them. */
function placed(name: 'offset' | 'limit' | 'page', x: Json, at: (k: string) => string): Json {
  const param = optStr(x[`${name}_param`], at(`${name}_param`));
  const body = optStr(x[`${name}_body_path`], at(`${name}_body_path`));
  if (param !== undefined && body !== undefined) fail(at(`${name}_param`), `either '${name}_param' or '${name}_body_path' must be provided, not both`);
  if (body !== undefined) return { [`${name}_body_path`]: body };
  return param !== undefined ? { [`${name}_param`]: param } : {};
}

/** dlt requires one way to stop a range paginator. */
function noStop(path: string, total: string | undefined, maximum: number | undefined, s: Json, max: string): void {
  if (total === undefined && maximum === undefined && s.has_more_path === undefined && s.stop_after_empty_page !== true) {
    fail(path, `one of total_path, ${max}, has_more_path, or stop_after_empty_page must be provided`);
  }
}

