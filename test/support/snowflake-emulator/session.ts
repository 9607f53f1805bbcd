/**
 * Server-side sessions: tokens, the current database/schema, and one DuckDB connection each, so
 * every session has its own transaction as in Snowflake.
 */
import { randomBytes } from 'node:crypto';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { duckIdent } from './lexer.js';
import type { TableLocks } from './locks.js';

export interface SessionInit {
  readonly user: string;
  readonly database: string;
  readonly schema: string;
  readonly warehouse: string | undefined;
  readonly role: string | undefined;
}

export class Session {
  token: string;
  masterToken: string;
  /** Set by the `expireSessionToken` fault: the next request gets 390112 and the driver renews. */
  tokenExpired = false;
  /** Set when a kill fault fired: every later request gets 390111 (gone session). */
  dead = false;
  inTransaction = false;
  /** DuckDB aborted the transaction on an error; Snowflake would not (see `engine.ts`). */
  transactionFailed = false;
  /** The `dropConnectionAfterPut` fault: the session dies at its next statement. */
  killAtNextStatement = false;
  readonly params = new Map<string, string>();
  /** Tables this session's transaction (or statement) holds a lock on. */
  readonly lockedTables = new Set<string>();

  constructor(
    readonly id: number,
    readonly init: SessionInit,
    readonly conn: DuckDBConnection,
    public database: string,
    public schema: string,
  ) {
    this.token = newToken('ST');
    this.masterToken = newToken('MT');
  }

  renew(): void {
    this.token = newToken('ST');
    this.tokenExpired = false;
  }
}

function newToken(prefix: string): string {
  return `${prefix}-${randomBytes(18).toString('base64url')}`;
}

export class SessionStore {
  private readonly byToken = new Map<string, Session>();
  private readonly byMaster = new Map<string, Session>();
  private nextId = 430688213424000;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly locks: TableLocks,
    /** How long a dead session's open transaction keeps its locks (Snowflake: minutes); default 0. */
    private readonly detachedAbortMs = 0,
  ) {}

  async open(init: SessionInit): Promise<Session> {
    const conn = await this.instance.connect();
    await conn.run(`SET TimeZone = 'UTC'`);
    await conn.run(`USE ${duckIdent(init.database)}.${duckIdent('PUBLIC')}`);
    const s = new Session(this.nextId++, init, conn, init.database, init.schema);
    this.byToken.set(s.token, s);
    this.byMaster.set(s.masterToken, s);
    return s;
  }

  bySessionToken(token: string): Session | undefined {
    return this.byToken.get(token);
  }

  byMasterToken(token: string): Session | undefined {
    return this.byMaster.get(token);
  }

  renew(s: Session): void {
    this.byToken.delete(s.token);
    s.renew();
    this.byToken.set(s.token, s);
  }

  all(): Session[] {
    return [...new Set(this.byToken.values())];
  }

  /**
   * Ends a session server-side. An open transaction is rolled back: this models Snowflake aborting
   * the transaction of a client that went away (in Snowflake that can take a while; see README).
   */
  async end(s: Session, opts: { forget: boolean }): Promise<void> {
    const alive = !s.dead;
    s.dead = true;
    if (opts.forget) {
      this.byToken.delete(s.token);
      this.byMaster.delete(s.masterToken);
    }
    if (!alive) return;
    const abort = async (): Promise<void> => {
      if (s.inTransaction) {
        try {
          await s.conn.run('ROLLBACK');
        } catch {
          // already aborted by DuckDB
        }
      }
      s.inTransaction = false;
      this.locks.releaseAll(s);
      s.conn.closeSync();
    };
    // A client that vanished mid-transaction leaves it detached, holding its locks, until
    // Snowflake aborts it; a clean logout (forget) ends it at once.
    if (s.inTransaction && !opts.forget && this.detachedAbortMs > 0) {
      const timer = setTimeout(() => {
        this.detached.delete(s);
        void abort().catch(() => undefined);
      }, this.detachedAbortMs);
      timer.unref();
      this.detached.set(s, { timer, abort });
      return;
    }
    await abort();
  }

  private readonly detached = new Map<Session, { timer: NodeJS.Timeout; abort: () => Promise<void> }>();

  async closeAll(): Promise<void> {
    for (const [s, d] of this.detached) {
      clearTimeout(d.timer);
      this.detached.delete(s);
      await d.abort().catch(() => undefined);
    }
    for (const s of this.all()) await this.end(s, { forget: true });
  }
}
