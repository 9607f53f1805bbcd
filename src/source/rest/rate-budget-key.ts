import { scryptSync } from 'node:crypto';
import type { FloeConfig } from '../../config/schema.js';

/**
 * The name of an API's request budget when it is shared (a row of `floe serve`'s store): the
 * API's origin plus the identity of the credential, because an API counts its limit per
 * credential. Two connectors calling one API with one token share a budget; another token gets
 * its own.
 *
 * The credential is in the key only as a salted scrypt digest (64 bits): the key is stored in
 * the database and may be logged, and a digest that costs scrypt per guess cannot be turned
 * back into a password by trying likely ones.
 */
export function rateBudgetKey(config: Pick<FloeConfig, 'base_url' | 'auth'>): string {
  const origin = new URL(config.base_url).origin;
  if (config.auth === undefined) return `rest:${origin}`;
  const digest = scryptSync(JSON.stringify(config.auth), 'floe rate budget v1', 8, { N: 1 << 14 }).toString('hex');
  return `rest:${origin}#${digest}`;
}
