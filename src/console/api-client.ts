import type { FieldIssue } from './api-types.js';

/** A failed API call in the API's own terms: status, code, message and field details. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

export interface ApiClient {
  get<T>(path: string): Promise<T>;
  send<T>(method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

/**
 * Calls `/api/v1` with the signed-in token. A 401 signs out (the token was revoked or is wrong);
 * every other failure is thrown as an {@link ApiFailure} for the page to show where it belongs.
 */
export function createApiClient(token: string, onUnauthorized: () => void): ApiClient {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`/api/v1${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch {
      throw new ApiFailure(0, 'network_error', 'The server did not answer; is floe serve running?');
    }
    const text = await res.text();
    const parsed: unknown = text ? safeJson(text) : undefined;
    if (res.ok) return parsed as T;
    const error = (
      parsed as { error?: { code?: string; message?: string; details?: FieldIssue[] } } | undefined
    )?.error;
    if (res.status === 401) onUnauthorized();
    throw new ApiFailure(
      res.status,
      error?.code ?? 'http_error',
      error?.message ?? `HTTP ${res.status}`,
      error?.details ?? [],
    );
  }
  return {
    get: (path) => call('GET', path),
    send: (method, path, body) => call(method, path, body),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Checks a token without keeping it: true when the API accepts it. */
export async function checkToken(token: string): Promise<boolean> {
  const res = await fetch('/api/v1/connectors?limit=1', { headers: { authorization: `Bearer ${token}` } });
  if (res.status === 401) return false;
  if (!res.ok) throw new ApiFailure(res.status, 'http_error', `The server answered HTTP ${res.status}.`);
  return true;
}
