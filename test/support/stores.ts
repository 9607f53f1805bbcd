/**
 * The store suites run on both stores: the embedded PGlite and a real PostgreSQL server (started
 * by the global setup). Each `open()` gives a fresh, migrated, empty database; close it yourself.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { masterKey, SecretBox } from '../../src/store/secret-box.js';
import { openStore, type Store } from '../../src/store/store.js';
import { PgliteClient } from '../../src/store/pglite-client.js';
import type { Clock } from '../../src/util/clock.js';

export interface StoreKind {
  readonly name: 'pglite' | 'postgres';
  /** A fresh database URL (postgres only). */
  database(): Promise<string>;
  open(opts?: { clock?: Clock; box?: SecretBox; dataDir?: string }): Promise<Store>;
}

let template: Blob | undefined;

async function pgliteTemplate(): Promise<Blob> {
  template ??= new Blob([await readFile(inject('pgliteTemplate'))]);
  return template;
}

export function testBox(): SecretBox {
  return new SecretBox(masterKey(randomBytes(32)));
}

/** A temp dir removed when the process exits (the store's data dir: key file, stage files). */
export async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'floe-store-'));
  process.once('exit', () => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** A new empty database on the test server (the whole server is removed after the run). */
export async function freshDatabase(): Promise<string> {
  const base = inject('pgUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return base.replace(/\/postgres$/, `/${name}`);
}

export const pgliteStore: StoreKind = {
  name: 'pglite',
  database: () => Promise.reject(new Error('PGlite has no URL')),
  async open(opts = {}) {
    const client = await PgliteClient.open(undefined, await pgliteTemplate());
    const store = await openStore({ client, box: opts.box ?? testBox(), dataDir: opts.dataDir ?? (await tempDir()), ...(opts.clock ? { clock: opts.clock } : {}) });
    return store;
  },
};

export const postgresStore: StoreKind = {
  name: 'postgres',
  database: freshDatabase,
  async open(opts = {}) {
    const url = await freshDatabase();
    const store = await openStore({ databaseUrl: url, box: opts.box ?? testBox(), dataDir: opts.dataDir ?? (await tempDir()), ...(opts.clock ? { clock: opts.clock } : {}) });
    return store;
  },
};

/** Both stores; PostgreSQL whenever its binaries exist on this machine (`.ci/run` installs them). */
export function storeKinds(): StoreKind[] {
  return inject('pgUrl') ? [pgliteStore, postgresStore] : [pgliteStore];
}
