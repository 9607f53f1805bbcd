import { checkKeys, fail, jsonPath, obj, optStr, str, type Json } from './check.js';
import { DLT_INCREMENTAL_KEYS } from './keys.js';

const ON_MISSING: Readonly<Record<string, string>> = { raise: 'fail', include: 'include', exclude: 'exclude' };

/**
 * dlt's `incremental` (or an incremental param, without `start_param`/`end_param`) → floe's:
 * `cursor_path`, `initial_value` (floe needs one), `end_value`, `lag` → `lookback` (seconds for a
 * date/time cursor, the number itself for a numeric one), `on_cursor_value_missing` (`raise` →
 * `on_missing: fail`). `last_value_func: max`, `row_order` (floe filters every page: the same rows,
 * possibly more requests), `range_start: closed` and `range_end: open` are dlt's defaults and
 * floe's semantics; the other values are refused.
 */
export function translateIncremental(x: Json, path: string): { incremental: Json; startParam?: string; endParam?: string } {
  checkKeys(x, path, DLT_INCREMENTAL_KEYS, 'incremental');
  const at = (k: string): string => `${path}.${k}`;
  if (x.initial_value === undefined || x.initial_value === null) {
    fail(at('initial_value'), 'required by floe: the first run starts from it (dlt would request without a start value)');
  }
  if (typeof x.initial_value !== 'string' && typeof x.initial_value !== 'number') fail(at('initial_value'), 'expected a string or a number');
  const fn = x.last_value_func;
  if (fn !== undefined && fn !== null && fn !== 'max') fail(at('last_value_func'), `only "max" is supported (the cursor moves forward); got ${JSON.stringify(fn)}`);
  if (x.row_order !== undefined && x.row_order !== null && x.row_order !== 'asc' && x.row_order !== 'desc') fail(at('row_order'), 'expected asc or desc');
  if (x.range_start !== undefined && x.range_start !== null && x.range_start !== 'closed') {
    fail(at('range_start'), 'only "closed" (the default: the start value is included, boundary rows deduplicated) is supported');
  }
  if (x.range_end !== undefined && x.range_end !== null && x.range_end !== 'open') {
    fail(at('range_end'), 'only "open" (the default: end_value excluded) is supported');
  }
  const missing = optStr(x.on_cursor_value_missing, at('on_cursor_value_missing'));
  if (missing !== undefined && ON_MISSING[missing] === undefined) fail(at('on_cursor_value_missing'), 'expected raise, include or exclude');
  let lookback: unknown;
  if (x.lag !== undefined && x.lag !== null) {
    if (typeof x.lag !== 'number' || x.lag < 0) fail(at('lag'), 'expected a number ≥ 0 (seconds for a date/time cursor)');
    lookback = typeof x.initial_value === 'number' ? x.lag : `${x.lag}s`;
  }
  const startParam = optStr(x.start_param, at('start_param'));
  const endParam = optStr(x.end_param, at('end_param'));
  return {
    incremental: {
      cursor_path: jsonPath(str(x.cursor_path, at('cursor_path'))),
      initial_value: x.initial_value,
      ...(x.end_value !== undefined && x.end_value !== null ? { end_value: x.end_value } : {}),
      ...(lookback !== undefined ? { lookback } : {}),
      ...(missing !== undefined ? { on_missing: ON_MISSING[missing] } : {}),
    },
    ...(startParam !== undefined ? { startParam } : {}),
    ...(endParam !== undefined ? { endParam } : {}),
  };
}

/** An incremental param (`params: { since: { type: incremental, … } }`): its own incremental. */
export function incrementalParam(v: unknown, path: string): Json {
  const rest = { ...obj(v, path) };
  delete rest.type;
  if (rest.end_value !== undefined || rest.end_param !== undefined) {
    fail(path, 'only start_param and initial_value are allowed in an incremental param; set end_value in endpoint.incremental');
  }
  return translateIncremental(rest, path).incremental;
}
