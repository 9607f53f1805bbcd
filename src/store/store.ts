import { join, resolve } from 'node:path';
import { systemClock, type Clock } from '../util/clock.js';
import { FloeError } from '../util/errors.js';
import { BudgetRepo } from './budget-repo.js';
import { ConnectorRepo } from './connector-repo.js';
import { EventBus } from './event-bus.js';
import { JobRepo } from './job-repo.js';
import { loadSecretBox } from './master-key.js';
import { migrate } from './migrate.js';
import { PgClient } from './pg-client.js';
import { PgliteClient } from './pglite-client.js';
import type { SecretBox } from './secret-box.js';
import type { SqlClient } from './sql-client.js';
import { TokenRepo } from './token-repo.js';

export interface StoreOptions {
  /** `FLOE_DATABASE_URL`: a PostgreSQL server. Absent: the embedded PGlite under `dataDir`. */
  readonly databaseUrl?: string | undefined;
  /** Where the embedded database, the master key file and stage files live (default `.floe-server`). */
  readonly dataDir?: string;
  /** Environment for `FLOE_MASTER_KEY` (default `process.env`). */
  readonly env?: Record<string, string | undefined>;
  readonly clock?: Clock;
  /** An already open client (tests); `databaseUrl` and the embedded database are then ignored. */
  readonly client?: SqlClient;
  /** An explicit key ring instead of `FLOE_MASTER_KEY` / the key file. */
  readonly box?: SecretBox;
}

/**
 * floe serve's store: connectors, schedules, runs, backfills, tokens, budgets and tickets in one
 * PostgreSQL schema, embedded (PGlite) or on a server, with the same migrations.
 */
export class Store {
  readonly connectors: ConnectorRepo;
  readonly runs: JobRepo;
  readonly backfills: JobRepo;
  readonly tokens: TokenRepo;
  readonly budgets: BudgetRepo;
  readonly events: EventBus;

  constructor(
    readonly db: SqlClient,
    readonly box: SecretBox,
    readonly clock: Clock,
    readonly dataDir: string,
  ) {
    this.connectors = new ConnectorRepo(db);
    this.runs = new JobRepo(db, 'runs');
    this.backfills = new JobRepo(db, 'backfills');
    this.tokens = new TokenRepo(db, clock);
    this.budgets = new BudgetRepo(db);
    this.events = new EventBus(db);
  }

  /** True when several processes may share this store (PostgreSQL). */
  get shared(): boolean {
    return this.db.kind === 'postgres';
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

export async function openStore(opts: StoreOptions = {}): Promise<Store> {
  const dataDir = resolve(opts.dataDir ?? '.floe-server');
  const env = opts.env ?? process.env;
  const clock = opts.clock ?? systemClock;
  const db = opts.client ?? (opts.databaseUrl ? await PgClient.open(opts.databaseUrl) : await PgliteClient.open(join(dataDir, 'db')));
  try {
    await migrate(db);
    const box = opts.box ?? (await loadSecretBox(env, dataDir));
    await checkKey(db, box);
    return new Store(db, box, clock, dataDir);
  } catch (e) {
    if (!opts.client) await db.close().catch(() => undefined);
    throw e;
  }
}

/**
 * The store remembers which master keys sealed it (a sealed canary per key id), so starting with
 * a different key fails at once with a clear message instead of on the first run.
 */
async function checkKey(db: SqlClient, box: SecretBox): Promise<void> {
  const rows = await db.query<{ value: { sealed: string } }>(`SELECT value FROM floe_meta WHERE key = 'key_canary'`);
  const sealed = rows[0]?.value.sealed;
  if (sealed === undefined) {
    await db.query(`INSERT INTO floe_meta (key, value) VALUES ('key_canary', $1::jsonb) ON CONFLICT (key) DO NOTHING`, [
      JSON.stringify({ sealed: box.seal('floe', 'key_canary') }),
    ]);
    return;
  }
  try {
    box.open(sealed, 'key_canary');
  } catch (e) {
    throw new FloeError(
      'CONFIG_INVALID',
      'config',
      `the master key (id ${box.current.id}) cannot open this store's secrets: ${(e as Error).message}`,
      { cause: e },
    );
  }
}

/** Re-seals the key canary under the current key (after `floe keys rotate`). */
export async function resealCanary(store: Store): Promise<void> {
  await store.db.query(`UPDATE floe_meta SET value = $1::jsonb WHERE key = 'key_canary'`, [
    JSON.stringify({ sealed: store.box.seal('floe', 'key_canary') }),
  ]);
}
