import { randomBytes } from 'node:crypto';

/** `con_4f1c9a2b7d3e8f60`: a prefix naming the kind, then 64 random bits in hex. */
export function newId(prefix: 'con' | 'tok' | 'bf' | 'wrk'): string {
  return `${prefix}_${randomBytes(8).toString('hex')}`;
}

/** The ISO text of a timestamptz column (PGlite and pg both return Date). */
export function iso(v: unknown): string {
  return v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString();
}

export function isoOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : iso(v);
}
