import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { FloeError } from '../util/errors.js';
import { masterKey, SecretBox, type MasterKey } from './secret-box.js';

/**
 * Where the master key comes from, in order:
 * 1. `FLOE_MASTER_KEY`: 32 bytes as base64 (44 characters) or hex (64); replicas must share it.
 *    `FLOE_PREVIOUS_MASTER_KEYS` (comma-separated) may hold keys being rotated out.
 * 2. the key file `<data dir>/master.key`, created with mode 0600 on first start. It holds one key
 *    per line, the current one first; `floe keys rotate` prepends a new one.
 */
export async function loadSecretBox(env: Record<string, string | undefined>, dataDir: string): Promise<SecretBox> {
  const fromEnv = env.FLOE_MASTER_KEY;
  if (fromEnv) {
    const previous = (env.FLOE_PREVIOUS_MASTER_KEYS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    return new SecretBox(parseKey(fromEnv, 'FLOE_MASTER_KEY'), previous.map((k) => parseKey(k, 'FLOE_PREVIOUS_MASTER_KEYS')));
  }
  const keys = await readKeyFile(keyFile(dataDir));
  if (keys.length > 0) return new SecretBox(keys[0]!, keys.slice(1));
  const fresh = masterKey(randomBytes(32));
  await writeKeyFile(keyFile(dataDir), [fresh]);
  return new SecretBox(fresh);
}

export function keyFile(dataDir: string): string {
  return join(dataDir, 'master.key');
}

/** `floe keys rotate` with a key file: a new current key, the old ones kept until re-encryption ends. */
export async function rotateKeyFile(dataDir: string): Promise<{ box: SecretBox; finish: () => Promise<void> }> {
  const file = keyFile(dataDir);
  const keys = await readKeyFile(file);
  const fresh = masterKey(randomBytes(32));
  await writeKeyFile(file, [fresh, ...keys]);
  return { box: new SecretBox(fresh, keys), finish: () => writeKeyFile(file, [fresh]) };
}

function parseKey(text: string, name: string): MasterKey {
  const t = text.trim();
  const bytes = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (bytes.length !== 32) {
    throw new FloeError('CONFIG_INVALID', 'config', `${name} must be 32 random bytes as base64 or hex (e.g. \`openssl rand -base64 32\`)`);
  }
  return masterKey(bytes);
}

async function readKeyFile(file: string): Promise<MasterKey[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return text.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => parseKey(l, file));
}

async function writeKeyFile(file: string, keys: readonly MasterKey[]): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(`${file}.tmp`, keys.map((k) => k.key.toString('base64')).join('\n') + '\n', { mode: 0o600 });
  await chmod(`${file}.tmp`, 0o600);
  await rename(`${file}.tmp`, file);
}
