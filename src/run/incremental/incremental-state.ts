import type { IncrementalConfig } from '../../config/schema.js';
import { FloeError } from '../../util/errors.js';
import {
  cursorFromConfig,
  describeCursorMismatch,
  excerpt,
  formatCursor,
  maxCursor,
  parseCursorValue,
  type CursorKind,
  type CursorValue,
} from '../../util/cursor-value.js';

/**
 * An endpoint's incremental state, committed in the same transaction as the data it describes:
 * the largest cursor loaded so far, as text, with its kind.
 *
 * @example { "kind": "instant", "cursor": "2024-05-01T10:00:00.123Z" }
 * @example { "kind": "date", "cursor": "2024-05-01" }
 * @example { "kind": "number", "cursor": "1714557600" }
 *
 * `cursor` is always a string, so integers past 2^53 survive JSON; `kind` lets a changed
 * `initial_value` (say, from a date to a timestamp) be caught instead of misread.
 */
export interface IncrementalState {
  readonly kind: CursorKind;
  readonly cursor: string;
}

const KINDS: readonly string[] = ['instant', 'date', 'number'] satisfies readonly CursorKind[];

/** The state to commit for a cursor value. */
export function toIncrementalState(v: CursorValue): IncrementalState {
  return { kind: v.kind, cursor: formatCursor(v) };
}

/**
 * The state to commit after a run: the later of the previous state and the run's max kept cursor.
 * It never goes back, even when a lookback re-read only older records. Undefined when there is
 * nothing to record (no previous state and nothing kept): commit no state then.
 */
export function nextIncrementalState(
  previous: CursorValue | undefined,
  runMax: CursorValue | undefined,
): IncrementalState | undefined {
  const next = maxCursor(previous, runMax);
  return next === undefined ? undefined : toIncrementalState(next);
}

/** Where a stored state came from, for messages. */
export interface StateContext {
  readonly endpoint: string;
  /** The cursor kind the endpoint's `initial_value` sets now. */
  readonly kind: CursorKind;
}

/**
 * Validates a stored state (parsed JSON) and returns its cursor. Anything else — not an object,
 * an unknown kind, a kind the config no longer has, an unparsable cursor — is `STATE_INVALID`
 * with the commands that repair it.
 */
export function readIncrementalState(stored: unknown, ctx: StateContext): CursorValue {
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) {
    throw stateInvalid(
      ctx,
      `${excerpt(stored)} is not an object like {"kind":"instant","cursor":"2024-01-01T00:00:00Z"}`,
    );
  }
  const { kind, cursor } = stored as Record<string, unknown>;
  if (typeof kind !== 'string' || !KINDS.includes(kind)) {
    throw stateInvalid(ctx, `its kind ${excerpt(kind)} is not one of ${KINDS.join(', ')}`);
  }
  if (kind !== ctx.kind) {
    throw stateInvalid(
      ctx,
      `it holds a cursor of kind ${kind} (${excerpt(cursor)}) but initial_value now sets kind ${ctx.kind}; ` +
        'the config changed since the state was written',
    );
  }
  // A number is accepted for numeric cursors: people write state by hand after incidents.
  const value =
    typeof cursor === 'string' || (typeof cursor === 'number' && kind === 'number')
      ? parseCursorValue(cursor, ctx.kind)
      : undefined;
  if (value === undefined) {
    throw stateInvalid(
      ctx,
      cursor === undefined ? 'it has no "cursor"' : `its cursor ${describeCursorMismatch(cursor, ctx.kind)}`,
    );
  }
  return value;
}

function stateInvalid(ctx: StateContext, what: string): FloeError {
  return new FloeError(
    'STATE_INVALID',
    'terminal',
    `Endpoint "${ctx.endpoint}": the stored incremental state is invalid: ${what}. Repair it with ` +
      `\`floe state set <config> --endpoint ${ctx.endpoint} --value <cursor>\`, or start over from ` +
      `initial_value with \`floe state reset <config> --endpoint ${ctx.endpoint}\`.`,
    { details: { endpoint: ctx.endpoint, path: 'state' } },
  );
}

/**
 * The state `floe state set … --value v` writes: `v` parsed as the endpoint's cursor kind (a
 * number-like `v` for numeric cursors, a timestamp or date as `initial_value` is one).
 * A bad value is a `USAGE` error naming `field` (`--value`).
 */
export function stateFromUserValue(
  config: IncrementalConfig,
  endpoint: string,
  text: string,
  field = '--value',
): IncrementalState {
  const kind = cursorFromConfig(
    config.initial_value,
    `endpoints[${endpoint}].incremental.initial_value`,
  ).kind;
  const value = parseCursorValue(text.trim(), kind);
  if (value === undefined) {
    throw new FloeError(
      'USAGE',
      'config',
      `state set: ${field} ${describeCursorMismatch(text, kind)} (endpoint "${endpoint}")`,
      { details: { endpoint, path: field } },
    );
  }
  return toIncrementalState(value);
}
