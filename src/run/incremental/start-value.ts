import type { IncrementalConfig } from '../../config/schema.js';
import { FloeError } from '../../util/errors.js';
import {
  compareCursors,
  cursorFromConfig,
  formatCursor,
  maxCursor,
  type CursorValue,
} from '../../util/cursor-value.js';
import { formatLike, instantStyle } from './cursor-style.js';
import { parseLookback, subtract } from '../../util/duration.js';
import { readIncrementalState } from './incremental-state.js';

/**
 * The runtime template variables an incremental run binds. `incremental.end_value` is present
 * only when the run has an end; `dt` only in backfill windows.
 */
export interface IncrementalTemplateVars {
  readonly 'incremental.start_value': string;
  readonly 'incremental.end_value'?: string;
  readonly dt?: string;
}

/** One run's cursor range `[start, end)` and what the request templates render it to. */
export interface IncrementalRange {
  /** Inclusive. */
  readonly start: CursorValue;
  /** Exclusive; undefined means no upper bound. */
  readonly end: CursorValue | undefined;
  /** The committed cursor the run continues from (before lookback), for `nextIncrementalState`. */
  readonly previous: CursorValue | undefined;
  readonly vars: IncrementalTemplateVars;
  /** `start >= end`: nothing can be in range, so the run need not request anything. */
  readonly empty: boolean;
}

/** What `computeIncrementalRange` needs. */
export interface RangeInput {
  readonly endpoint: string;
  readonly config: IncrementalConfig;
  /** The committed state as stored (parsed JSON), or undefined before the first commit. */
  readonly state: unknown;
}

/**
 * Where an incremental run starts and ends.
 *
 * - First run (no state): `start = initial_value`.
 * - Later runs: `start = state.cursor − lookback`, but **never earlier than `initial_value`**: the
 *   initial value is the user's lower bound on history, and a lookback must not reach past it
 *   (raising `initial_value` later also moves the start up, without a state reset).
 * - `end = end_value` when set (exclusive).
 *
 * The config is validated here, on every run including the first, so a bad `lookback` fails
 * before any request: `CONFIG_INVALID` naming `endpoints[e].incremental.<field>`. A bad stored
 * state is `STATE_INVALID` with the repair commands.
 */
export function computeIncrementalRange({ endpoint, config, state }: RangeInput): IncrementalRange {
  const where = `endpoints[${endpoint}].incremental`;
  const initial = cursorFromConfig(config.initial_value, `${where}.initial_value`);
  const end =
    config.end_value === undefined || config.end_value === null
      ? undefined
      : cursorFromConfig(config.end_value, `${where}.end_value`, initial.kind);
  if (end !== undefined && compareCursors(end, initial) <= 0) {
    throw new FloeError(
      'CONFIG_INVALID',
      'config',
      `${where}.end_value: ${formatCursor(end)} must be later than initial_value ${formatCursor(initial)} (end is exclusive)`,
      { details: { path: `${where}.end_value`, endpoint } },
    );
  }
  const lookbackField = `${where}.lookback`;
  const lookback = parseLookback(config.lookback, lookbackField);
  // Applying the lookback once to the initial value checks it fits the cursor kind on the first run.
  if (lookback !== undefined) subtract(initial, lookback, lookbackField);

  const previous =
    state === undefined ? undefined : readIncrementalState(state, { endpoint, kind: initial.kind });
  const back =
    previous === undefined || lookback === undefined ? previous : subtract(previous, lookback, lookbackField);
  const start = back === undefined ? initial : (maxCursor(initial, back) ?? initial);
  // Bounds are written like initial_value: an API comparing strings must order them right.
  const style = instantStyle(config.initial_value);
  return {
    start,
    end,
    previous,
    vars: {
      'incremental.start_value': formatLike(start, style),
      ...(end === undefined ? {} : { 'incremental.end_value': formatLike(end, style) }),
    },
    empty: end !== undefined && compareCursors(start, end) >= 0,
  };
}
