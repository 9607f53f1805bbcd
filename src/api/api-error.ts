import { isFloeError, type FloeError } from '../util/errors.js';

/** The error codes of the management API, with their HTTP statuses (seed 002). */
export const API_ERRORS = {
  validation_error: 400,
  unauthorized: 401,
  forbidden: 403,
  resource_not_found: 404,
  conflict: 409,
  unprocessable_entity: 422,
  rate_limited: 429,
  internal_error: 500,
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;

export interface FieldIssue {
  readonly field: string;
  readonly message: string;
}

/**
 * An API failure; the server answers every one as exactly
 * `{ "error": { "code", "message", "details"? } }` with the code's status.
 */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: readonly FieldIssue[],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  get status(): number {
    return API_ERRORS[this.code];
  }

  toBody(): { error: { code: ApiErrorCode; message: string; details?: readonly FieldIssue[] } } {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

export const notFound = (kind: string, id: string): ApiError =>
  new ApiError('resource_not_found', `${kind} with ID '${id}' was not found.`);

/**
 * A config error from floe's own validation → `validation_error` whose fields are floe's config
 * paths under `prefix` (`config.endpoints[0].pagination.cursor_path`).
 */
export function configError(e: FloeError, prefix = 'config'): ApiError {
  const issues = e.details.issues as { path: string; message: string }[] | undefined;
  const field = (p: string): string => (p && p !== '(root)' ? `${prefix}.${p}` : prefix);
  const details: FieldIssue[] = issues?.length
    ? issues.map((i) => ({ field: field(i.path), message: i.message }))
    : [{ field: field(typeof e.details.path === 'string' ? e.details.path : ''), message: stripPath(e.message, e.details.path) }];
  return new ApiError('validation_error', 'Request validation failed.', details);
}

function stripPath(message: string, path: unknown): string {
  const first = message.split('\n')[0] ?? message;
  return typeof path === 'string' && first.startsWith(`${path}: `) ? first.slice(path.length + 2) : first;
}

/** Anything thrown by a handler, as the API error to send (internal details stay in the log). */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (isFloeError(e)) {
    if (e.code === 'CONFIG_INVALID' || e.code === 'CONFIG_ENV_MISSING') return configError(e);
    if (e.code === 'USAGE' && typeof e.details.path === 'string') {
      return new ApiError('validation_error', 'Request validation failed.', [{ field: e.details.path, message: e.message }]);
    }
    if (e.code === 'USAGE') return new ApiError('unprocessable_entity', e.message);
  }
  return new ApiError('internal_error', 'Something went wrong on our end; the request id identifies it in the server log.');
}
