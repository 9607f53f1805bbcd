import { FloeError } from '../../util/errors.js';
import type { Redactor } from '../../util/redact.js';

// Codes (Node's and undici's) of failures where the same request may well succeed a moment later.
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);
const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

/** What failed, for messages: method and sanitized URL. */
export interface RequestLabel {
  readonly method: string;
  /** Sanitized. */
  readonly url: string;
}

/** The error for a request that exceeded `timeout_seconds` (transient: retried). */
export function timeoutError(label: RequestLabel, timeoutMs: number, cause?: unknown): FloeError {
  return new FloeError(
    'HTTP_TIMEOUT',
    'transient',
    `${label.method} ${label.url} timed out after ${timeoutMs / 1000} s (timeout_seconds); ` +
      'raise timeout_seconds if the API is slow.',
    { details: { url: label.url, timeout_ms: timeoutMs }, cause },
  );
}

/** The error for a request stopped by its AbortSignal. */
export function abortedError(reason?: unknown): FloeError {
  return new FloeError('ABORTED', 'terminal', 'aborted', { cause: reason });
}

/**
 * Turns whatever a transport threw into a FloeError: timeouts → `HTTP_TIMEOUT`, resets/refusals →
 * `HTTP_NETWORK` (both transient), anything else → `HTTP_NETWORK` terminal (e.g. an unknown host).
 * The original message is redacted, since a library's message may quote the URL.
 */
export function networkError(
  e: unknown,
  label: RequestLabel,
  redactor: Redactor,
  timeoutMs?: number,
): FloeError {
  if (e instanceof FloeError) return e;
  const code = errorCode(e);
  if (code !== undefined && TIMEOUT_CODES.has(code) && timeoutMs !== undefined) {
    return timeoutError(label, timeoutMs, e);
  }
  const raw = e instanceof Error ? e.message : String(e);
  // A library's message may quote the URL: mask secret-looking parameters as well as known secrets.
  const detail = redactor.text(
    (raw === '' && e instanceof AggregateError ? 'connection failed' : raw).replace(
      /https?:\/\/[^\s"'<>]+/g,
      (u) => redactor.url(u),
    ),
  );
  const transient = code !== undefined && TRANSIENT_CODES.has(code);
  return new FloeError(
    code !== undefined && TIMEOUT_CODES.has(code) ? 'HTTP_TIMEOUT' : 'HTTP_NETWORK',
    transient ? 'transient' : 'terminal',
    `${label.method} ${label.url} failed: ${code ?? 'network error'}: ${detail}` +
      (code === 'ENOTFOUND' ? ' (check the host in base_url)' : ''),
    { details: { url: label.url, ...(code !== undefined ? { error_code: code } : {}) }, cause: e },
  );
}

function errorCode(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur !== undefined && cur !== null && depth < 4; depth++) {
    const c = (cur as { code?: unknown }).code;
    if (typeof c === 'string' && c !== '') return c;
    const errors = (cur as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) {
      cur = errors[0];
      continue;
    }
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}
