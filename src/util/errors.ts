/**
 * The one error type floe raises on purpose. Code branches on `code` and `kind`, never on the message.
 *
 * - `config`: the user's config or arguments are wrong; fix and re-run (exit 2 from the CLI).
 * - `transient`: worth retrying (network, 429, 5xx, a warehouse hiccup).
 * - `terminal`: retrying will not help (401, a records path that matches nothing, a COPY that rejects a file).
 * - `internal`: a bug in floe.
 */
export type ErrorKind = 'config' | 'transient' | 'terminal' | 'internal';

export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_NOT_FOUND'
  | 'CONFIG_ENV_MISSING'
  | 'USAGE'
  | 'HTTP_STATUS'
  | 'HTTP_RATE_LIMITED'
  | 'HTTP_TIMEOUT'
  | 'HTTP_NETWORK'
  | 'HTTP_RETRIES_EXHAUSTED'
  | 'HTTP_RESPONSE_ACTION'
  | 'PARENT_FAILED'
  | 'AUTH_FAILED'
  | 'RESPONSE_NOT_JSON'
  | 'RECORDS_PATH_NO_MATCH'
  | 'RECORDS_NOT_OBJECTS'
  | 'PAGINATION_LOOP'
  | 'PAGINATION_INVALID'
  | 'PAGINATION_SHORT'
  | 'RESPONSE_ERROR_PAGE'
  | 'RESPONSE_ENCODING'
  | 'HTTP_FOREIGN_HOST'
  | 'SCHEMA_MISMATCH'
  | 'TOO_MANY_COLUMNS'
  | 'STAGE_WRITE_FAILED'
  | 'LOAD_FAILED'
  | 'SNOWFLAKE_CONNECT_FAILED'
  | 'SNOWFLAKE_QUERY_FAILED'
  | 'SNOWFLAKE_PUT_FAILED'
  | 'SNOWFLAKE_COPY_FAILED'
  | 'STATE_INVALID'
  | 'RUN_LOCKED'
  | 'PUSH_SOURCE_FAILED'
  | 'DESTINATION_LOCKED'
  | 'RATE_BUDGET_UNAVAILABLE'
  | 'ABORTED'
  | 'INTERNAL';

export interface FloeErrorDetails {
  /** Config path such as `endpoints[2].pagination.cursor_path`. */
  readonly path?: string;
  readonly endpoint?: string;
  /** Always sanitized (see `redactUrl`). */
  readonly url?: string;
  readonly status?: number;
  /** A short, redacted excerpt of the response body. */
  readonly body_excerpt?: string;
  readonly [key: string]: unknown;
}

export class FloeError extends Error {
  override readonly name = 'FloeError';
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly details: FloeErrorDetails;

  constructor(
    code: ErrorCode,
    kind: ErrorKind,
    message: string,
    options: { details?: FloeErrorDetails; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.kind = kind;
    this.details = options.details ?? {};
  }

  /** A plain object for run history and `--json` output. */
  toJSON(): { code: ErrorCode; kind: ErrorKind; message: string } & FloeErrorDetails {
    return { code: this.code, kind: this.kind, message: this.message, ...this.details };
  }
}

export function isFloeError(e: unknown): e is FloeError {
  return e instanceof FloeError;
}

/** Wraps anything thrown into a FloeError, keeping FloeErrors as they are. */
export function toFloeError(e: unknown, fallback: ErrorCode = 'INTERNAL'): FloeError {
  if (e instanceof FloeError) return e;
  if (e instanceof Error && e.name === 'AbortError') {
    return new FloeError('ABORTED', 'terminal', 'aborted', { cause: e });
  }
  const message = e instanceof Error ? e.message : String(e);
  return new FloeError(fallback, fallback === 'INTERNAL' ? 'internal' : 'terminal', message, {
    cause: e,
  });
}
