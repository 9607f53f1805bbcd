import { readFile, stat } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import { describe, expect, it } from 'vitest';
import { startServer } from '../../src/api/floe-server.js';
import { openStore } from '../../src/store/store.js';
import { SecretBox } from '../../src/store/secret-box.js';
import { runFloe } from '../support/floe-process.js';
import { pgliteStore } from '../support/stores.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'tls');

describe('floe serve transport and key rotation', () => {
  it('refuses plain HTTP off loopback, and serves HTTPS with --tls-cert/--tls-key', async () => {
    await expect(startServer({ host: '0.0.0.0', port: 0 })).rejects.toThrow(/only served on loopback.*--tls-cert/);
    const cert = await readFile(join(FIXTURES, 'cert.pem'));
    const store = await pgliteStore.open();
    const server = await startServer({ port: 0, workers: 0, schedulerEveryMs: 0, store, tls: { cert, key: await readFile(join(FIXTURES, 'key.pem')) } });
    try {
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const dispatcher = new Agent({ connect: { ca: cert } });
      const res = await undiciFetch(`${server.url}/api/v1/connectors`, { dispatcher });
      expect(res.status).toBe(401);
      expect(res.headers.get('x-request-id')).toBeTruthy();
      await dispatcher.close();
    } finally {
      await server.close();
      await store.close();
    }
  }, 60_000);

  it('creates the key file with mode 0600 and `floe keys rotate` re-encrypts every secret under a new key id', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'floe-keys-'));
    try {
      const created = await runFloe(['tokens', 'create', '--data-dir', dir]);
      expect(created.code).toBe(0);
      expect(((await stat(join(dir, 'master.key'))).mode & 0o777).toString(8)).toBe('600');
      const store = await openStore({ dataDir: dir, env: {} });
      const before = store.box.current.id;
      const secret = 'rotate-me-secret-123';
      const id = 'con_rotate';
      await store.db.transaction((tx) =>
        store.connectors.insert(tx, { id, tenant: 'default', name: 'r', dialect: 'native', config: { auth: { type: 'bearer', token: store.box.seal(secret, `${id}\u0000auth.token`) } } }, Date.now()),
      );
      await store.close();

      const rotated = await runFloe(['keys', 'rotate', '--data-dir', dir]);
      expect(rotated.code).toBe(0);
      expect(rotated.stdout).toContain('re-encrypted 1 secret(s) in 1 connector(s)');
      const after = await openStore({ dataDir: dir, env: {} });
      try {
        expect(after.box.current.id).not.toBe(before);
        const [row] = await after.db.query<{ config: { auth: { token: string } } }>('SELECT config FROM connectors WHERE id = $1', [id]);
        expect(SecretBox.keyId(row!.config.auth.token)).toBe(after.box.current.id);
        expect(after.box.open(row!.config.auth.token, `${id}\u0000auth.token`)).toBe(secret);
        expect(JSON.stringify(row)).not.toContain(secret);
        expect((await readFile(join(dir, 'master.key'), 'utf8')).trim().split('\n')).toHaveLength(1);
      } finally {
        await after.close();
      }
      // A different key cannot open the store: a clear error at start, not on the first run.
      const wrong = await runFloe(['tokens', 'list', '--data-dir', dir], { FLOE_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') });
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toContain('cannot open this store');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
