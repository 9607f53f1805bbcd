import { mkdir } from 'node:fs/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { SqlClient, SqlQuery } from './sql-client.js';

/**
 * The embedded store: PGlite in this process, persisted under `dataDir` (or in memory). PGlite is
 * one connection, so statements queue; a transaction holds the connection until it ends.
 */
export class PgliteClient implements SqlClient {
  readonly kind = 'pglite';

  private constructor(private readonly db: PGlite) {}

  /**
   * Opens (creating on first use) the database in `dataDir`; `undefined` keeps it in memory.
   * `template` is a `dumpDataDir()` tarball to start from (tests skip initdb's ~7 s with it).
   */
  static async open(dataDir: string | undefined, template?: Blob): Promise<PgliteClient> {
    if (dataDir) await mkdir(dataDir, { recursive: true });
    const db = await PGlite.create({
      ...(dataDir ? { dataDir } : {}),
      ...(template ? { loadDataDir: template } : {}),
    });
    return new PgliteClient(db);
  }

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await this.db.query<T>(sql, [...params])).rows;
  }

  async exec(sql: string): Promise<void> {
    await this.db.exec(sql);
  }

  transaction<T>(fn: (tx: SqlQuery) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(wrap(tx)));
  }

  async listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
    return this.db.listen(channel, onPayload);
  }

  /** A tarball of the whole database, for `template`. */
  dump(): Promise<Blob> {
    return this.db.dumpDataDir('none');
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }
}

function wrap(tx: Transaction): SqlQuery {
  return {
    query: async <T>(sql: string, params: readonly unknown[] = []) => (await tx.query<T>(sql, [...params])).rows,
    exec: async (sql: string) => {
      await tx.exec(sql);
    },
  };
}
