import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { FloeError } from '../util/errors.js';

/** How an encrypted value starts; anything else is plaintext (or a `{{ env.X }}` reference). */
export const SEALED_PREFIX = 'floe:aes256gcm:';

export interface MasterKey {
  /** 12 hex digits of sha256(key): names the key without revealing it. */
  readonly id: string;
  readonly key: Buffer;
}

/** A 32-byte key and its id. */
export function masterKey(key: Buffer): MasterKey {
  if (key.length !== 32) throw new FloeError('CONFIG_INVALID', 'config', `a master key must be 32 bytes, got ${key.length}`);
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 12), key };
}

/**
 * Secrets at rest: AES-256-GCM with a fresh 96-bit IV per value and, as additional data, where
 * the value belongs (connector id + field path), so a sealed value copied into another field or
 * connector fails to open. A sealed value is one string:
 * `floe:aes256gcm:<key id>:<iv b64>:<tag b64>:<ciphertext b64>`.
 *
 * The box seals with its current key and opens with any key it holds (the current one and those
 * being rotated out), which is how `floe keys rotate` re-encrypts.
 */
export class SecretBox {
  private readonly keys: Map<string, MasterKey>;

  constructor(
    readonly current: MasterKey,
    previous: readonly MasterKey[] = [],
  ) {
    this.keys = new Map([current, ...previous].map((k) => [k.id, k]));
  }

  seal(plaintext: string, aad: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.current.key, iv);
    c.setAAD(Buffer.from(aad, 'utf8'));
    const ct = Buffer.concat([c.update(plaintext, 'utf8'), c.final()]);
    return `${SEALED_PREFIX}${this.current.id}:${iv.toString('base64')}:${c.getAuthTag().toString('base64')}:${ct.toString('base64')}`;
  }

  open(sealed: string, aad: string): string {
    const parts = sealed.slice(SEALED_PREFIX.length).split(':');
    const [kid, iv, tag, ct] = parts;
    if (!isSealed(sealed) || parts.length !== 4 || !kid || iv === undefined || tag === undefined || ct === undefined) {
      throw new FloeError('STATE_INVALID', 'terminal', 'a stored secret is not in the sealed format');
    }
    const key = this.keys.get(kid);
    if (!key) {
      throw new FloeError(
        'CONFIG_INVALID',
        'config',
        `a stored secret was encrypted with master key ${kid}, which this server does not have (it has ${[...this.keys.keys()].join(', ')}); ` +
          'set FLOE_MASTER_KEY to that key, or FLOE_PREVIOUS_MASTER_KEYS while rotating',
      );
    }
    try {
      const d = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64'));
      d.setAAD(Buffer.from(aad, 'utf8'));
      d.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([d.update(Buffer.from(ct, 'base64')), d.final()]).toString('utf8');
    } catch (e) {
      throw new FloeError('STATE_INVALID', 'terminal', `a stored secret failed its integrity check (key ${kid}); it was altered or moved`, { cause: e });
    }
  }

  /** The key id a sealed value was encrypted with. */
  static keyId(sealed: string): string | undefined {
    return isSealed(sealed) ? sealed.slice(SEALED_PREFIX.length).split(':')[0] : undefined;
  }
}

export function isSealed(v: unknown): v is string {
  return typeof v === 'string' && v.startsWith(SEALED_PREFIX);
}
