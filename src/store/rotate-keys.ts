import { keyFile, rotateKeyFile } from './master-key.js';
import { isSealed, type SecretBox } from './secret-box.js';
import { resealSecrets } from './secret-fields.js';
import { openStore, resealCanary, type StoreOptions } from './store.js';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Re-encrypts every sealed value (connector configs and the config snapshots of runs and
 * backfills) under the current master key, in one transaction.
 */
export async function rotateKeys(opts: StoreOptions & { dataDir: string }): Promise<{ keyId: string; connectors: number; jobs: number; secrets: number }> {
  const env = opts.env ?? process.env;
  const dataDir = resolve(opts.dataDir);
  let box: SecretBox | undefined;
  let finish: (() => Promise<void>) | undefined;
  if (!env.FLOE_MASTER_KEY && existsSync(keyFile(dataDir))) ({ box, finish } = await rotateKeyFile(dataDir));
  const store = await openStore({ ...opts, dataDir, env, ...(box ? { box } : {}) });
  let connectors = 0;
  let jobs = 0;
  let secrets = 0;
  try {
    await store.db.transaction(async (tx) => {
      const count = (tree: unknown): number => JSON.stringify(tree).split('"').filter(isSealed).length;
      for (const c of await tx.query<{ id: string; config: unknown }>('SELECT id, config FROM connectors FOR UPDATE')) {
        const next = resealSecrets(c.config, store.box, c.id);
        secrets += count(next);
        connectors++;
        await tx.query('UPDATE connectors SET config = $2::jsonb WHERE id = $1', [c.id, JSON.stringify(next)]);
      }
      for (const table of ['runs', 'backfills'] as const) {
        for (const j of await tx.query<{ id: string; connector_id: string; config: unknown }>(`SELECT id, connector_id, config FROM ${table} WHERE config IS NOT NULL FOR UPDATE`)) {
          jobs++;
          await tx.query(`UPDATE ${table} SET config = $2::jsonb WHERE id = $1`, [j.id, JSON.stringify(resealSecrets(j.config, store.box, j.connector_id))]);
        }
      }
    });
    await resealCanary(store);
    await finish?.();
    return { keyId: store.box.current.id, connectors, jobs, secrets };
  } finally {
    await store.close();
  }
}
