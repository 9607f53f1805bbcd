import pg from 'pg';
import type { SqlClient, SqlQuery } from './sql-client.js';

/**
 * A real PostgreSQL server (`FLOE_DATABASE_URL`): a small pool for queries, and one dedicated
 * connection for LISTEN, opened on the first `listen` and reopened if the server drops it.
 */
export class PgClient implements SqlClient {
  readonly kind = 'postgres';
  private listener: pg.Client | undefined;
  private readonly handlers = new Map<string, Set<(payload: string) => void>>();
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
  ) {}

  static async open(url: string, max = 8): Promise<PgClient> {
    const pool = new pg.Pool({ connectionString: url, max });
    // A dropped idle connection must not crash the process; the pool replaces it.
    pool.on('error', () => undefined);
    const client = new PgClient(pool, url);
    await client.query('SELECT 1');
    return client;
  }

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await this.pool.query(sql, [...params])).rows as T[];
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  async transaction<T>(fn: (tx: SqlQuery) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const out = await fn({
        query: async <R>(sql: string, params: readonly unknown[] = []) => (await c.query(sql, [...params])).rows as R[],
        exec: async (sql: string) => {
          await c.query(sql);
        },
      });
      await c.query('COMMIT');
      return out;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  }

  async listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      const l = await this.connectListener();
      await l.query(`LISTEN ${ident(channel)}`);
    }
    set.add(onPayload);
    return () => {
      set.delete(onPayload);
      return Promise.resolve();
    };
  }

  private async connectListener(): Promise<pg.Client> {
    if (this.listener) return this.listener;
    const l = new pg.Client({ connectionString: this.url });
    l.on('notification', (n) => {
      for (const h of this.handlers.get(n.channel) ?? []) h(n.payload ?? '');
    });
    l.on('error', () => {
      if (this.listener === l) this.listener = undefined;
      void l.end().catch(() => undefined);
      if (!this.closed) setTimeout(() => void this.relisten(), 500).unref();
    });
    await l.connect();
    this.listener = l;
    return l;
  }

  private async relisten(): Promise<void> {
    try {
      const l = await this.connectListener();
      for (const channel of this.handlers.keys()) await l.query(`LISTEN ${ident(channel)}`);
    } catch {
      if (!this.closed) setTimeout(() => void this.relisten(), 1000).unref();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const l = this.listener;
    this.listener = undefined;
    await l?.end().catch(() => undefined);
    await this.pool.end();
  }
}

function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a channel name: ${name}`);
  return name;
}
