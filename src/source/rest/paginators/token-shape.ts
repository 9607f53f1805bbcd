import { isAbsoluteHttpUrl } from '../url.js';

/**
 * The stored token as a record when it is a plain object with exactly `keys`, else `undefined`.
 * Exact keys, so a token stored under another pagination config is rejected, not misread.
 */
export function tokenRecord(value: unknown, keys: readonly string[]): Record<string, unknown> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const own = Object.keys(record);
  return own.length === keys.length && keys.every((k) => Object.hasOwn(record, k)) ? record : undefined;
}

/** True for an integer ≥ 0 (offsets, page numbers). */
export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** True for `null` (the first page) or an absolute http(s) URL. */
export function isUrlOrNull(value: unknown): value is string | null {
  return value === null || (typeof value === 'string' && isAbsoluteHttpUrl(value));
}
