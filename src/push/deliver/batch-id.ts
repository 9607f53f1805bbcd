import { createHash } from 'node:crypto';

/**
 * A batch's stable id, sent as its idempotency key: a name-based UUID (RFC 9562 version 8 over
 * SHA-256) of the output's target (name, method, URL), a salt, and the exact JSON text of the
 * batch's rows. The same rows to the same target always get the same id — a re-sent batch carries
 * the key the API saw first — and any other batch gets another.
 *
 * The salt is empty for rows read from the source and `retry:<push number>` for rows rejected
 * earlier and sent again, so an API that remembers the answer to a key (many cache 4xx answers
 * too) hears the retry as a new request.
 */
export function batchId(target: string, salt: string, rows: readonly string[]): string {
  const h = createHash('sha256').update(target).update('\n').update(salt).update('\n');
  for (const r of rows) h.update(r).update('\n');
  const b = h.digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x80; // version 8
  b[8] = (b[8]! & 0x3f) | 0x80; // RFC variant
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** What identifies an output's target in batch ids. */
export function targetOf(output: { name: string; method: string; url: string }): string {
  return `${output.name} ${output.method} ${output.url}`;
}
