/**
 * Parses a `Retry-After` value: delay-seconds (`120`, fractions allowed) or an HTTP-date
 * (`Wed, 21 Oct 2026 07:28:00 GMT`), the latter measured against `now` (the injected clock).
 * Returns milliseconds to wait (0 for a date in the past), or `undefined` when the value is
 * missing or unparsable, so the caller falls back to its backoff.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(?:\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  // HTTP-dates always name a weekday or month; a bare number-like string is not a date.
  if (!/[a-z]/i.test(v)) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
