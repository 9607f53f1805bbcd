import type { IncrementalConfig } from '../../config/schema.js';
import { FloeError } from '../../util/errors.js';
import {
  coerceCursor,
  cursorFromConfig,
  type CursorValue,
} from '../../util/cursor-value.js';
import { formatLike, instantStyle } from '../incremental/cursor-style.js';
import type { IncrementalRange } from '../incremental/start-value.js';
import type { BackfillWindow } from './windows.js';

/** What `windowRange` needs. */
export interface WindowRangeInput {
  readonly endpoint: string;
  /** The endpoint's `incremental`, when it has one. */
  readonly config: IncrementalConfig | undefined;
  readonly window: BackfillWindow;
}

/**
 * A backfill window as the range of one incremental run: `start`/`end` bound to the window, and
 * `{{ incremental.start_value }}`, `{{ incremental.end_value }}` and `{{ dt }}` bound for the
 * request templates.
 *
 * With an `incremental` config the window is converted to the endpoint's cursor kind (a date
 * window drives a timestamp cursor from UTC midnight) and written in the style of its
 * `initial_value` (fraction digits, offset form: see `formatLike`), so an API comparing strings
 * sees bounds it orders correctly; without one, values are formatted like
 * `--from`/`--to`. A window is exactly what the user asked for: no lookback, no clamping to
 * `initial_value`, and the endpoint's state is neither read nor advanced by it.
 */
export function windowRange({ endpoint, config, window }: WindowRangeInput): IncrementalRange {
  let start: CursorValue = window.start;
  let end: CursorValue = window.end;
  const style = config === undefined ? undefined : instantStyle(config.initial_value);
  if (config !== undefined) {
    const kind = cursorFromConfig(
      config.initial_value,
      `endpoints[${endpoint}].incremental.initial_value`,
    ).kind;
    const s = coerceCursor(start, kind);
    const e = coerceCursor(end, kind);
    if (s === undefined || e === undefined) {
      throw new FloeError(
        'USAGE',
        'config',
        `backfill: window ${window.id} cannot drive endpoint "${endpoint}", whose cursor is a ${kind} ` +
          `(initial_value ${String(config.initial_value)}); give --from/--to as ${kind === 'number' ? 'numbers' : `${kind}s`}` +
          (kind === 'date' ? ' and a whole-day --step' : ''),
        { details: { endpoint, path: '--from' } },
      );
    }
    start = s;
    end = e;
  }
  return {
    start,
    end,
    previous: undefined,
    vars: {
      'incremental.start_value': formatLike(start, style),
      'incremental.end_value': formatLike(end, style),
      ...(window.dt === undefined ? {} : { dt: window.dt }),
    },
    empty: false,
  };
}
