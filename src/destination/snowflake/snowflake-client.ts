/**
 * The smallest interface floe uses from snowflake-sdk: run one statement, get its rows and query
 * id, close. This is the only file that imports the SDK, and it imports it lazily, at the first
 * statement, so a run with nothing to load never loads it or opens a session.
 */
import type { Connection, ConnectionOptions, SnowflakeLogger } from 'snowflake-sdk';
import type { Logger } from '../../util/logger.js';
import type { Redactor } from '../../util/redact.js';
import type { SnowflakeSettings } from './settings.js';
import type { CompiledStatement } from '../compiled-statement.js';

/** Rows (objects keyed by column name) and the query id of one statement. */
export interface QueryResult {
  readonly queryId: string;
  readonly rows: readonly Readonly<Record<string, unknown>>[];
}

/** Per-statement options. */
export interface ExecuteOptions {
  /** Statement-level QUERY_TAG. */
  readonly queryTag?: string;
  /** Cancels the running statement on the server when aborted. */
  readonly signal?: AbortSignal;
}

/** Thrown for any driver failure; `errors.ts` maps it to a FloeError with context. */
export class SnowflakeDriverError extends Error {
  override readonly name = 'SnowflakeDriverError';
  constructor(
    message: string,
    readonly stage: 'connect' | 'query',
    readonly code: string | undefined,
    readonly sqlState: string | undefined,
    readonly queryId: string | undefined,
    /** Errno-style network code (ECONNRESET, …) when the driver reports one. */
    readonly errno: string | undefined,
  ) {
    super(message);
  }
}

/** The narrow client the destination uses; the SDK stays behind it. */
export interface SnowflakeClient {
  execute(statement: CompiledStatement, opts?: ExecuteOptions): Promise<QueryResult>;
  /** Opens a new session if the last one died (between loads only: never inside a transaction). */
  reconnectIfDown(): Promise<void>;
  close(): Promise<void>;
}

type Sdk = typeof import('snowflake-sdk');

let sdkPromise: Promise<Sdk> | undefined;

/**
 * Loads snowflake-sdk. Its cloud-platform detection probes 169.254.169.254, metadata.google.internal
 * and AWS STS as soon as the module loads; floe uses no workload identity, so it is off unless the
 * user explicitly turned it on.
 */
function loadSdk(logger: Logger, redactor: Redactor): Promise<Sdk> {
  process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION ??= 'true';
  sdkPromise ??= import('snowflake-sdk').then((m) => {
    const sdk = (m as { default?: Sdk }).default ?? m;
    const route = (level: 'debug' | 'warn') => (msg: string) =>
      logger[level](redactor.text(msg), { source: 'snowflake-sdk' });
    // A custom logger also keeps the driver from writing ./snowflake.log into the working directory.
    const customLogger: SnowflakeLogger = {
      error: route('warn'),
      warn: route('warn'),
      info: route('debug'),
      debug: route('debug'),
      trace: route('debug'),
    };
    sdk.configure({ logLevel: 'WARN', customLogger });
    return sdk;
  });
  return sdkPromise;
}

/** snowflake-sdk connection options for the settings. */
export function sdkOptions(s: SnowflakeSettings): ConnectionOptions {
  return {
    account: s.account,
    username: s.user,
    authenticator: s.authenticator,
    application: 'floe',
    database: s.database,
    ...(s.password !== undefined ? { password: s.password } : {}),
    ...(s.token !== undefined ? { token: s.token } : {}),
    ...(s.privateKeyPath !== undefined ? { privateKeyPath: s.privateKeyPath } : {}),
    ...(s.privateKeyPassphrase !== undefined ? { privateKeyPass: s.privateKeyPassphrase } : {}),
    ...(s.role !== undefined ? { role: s.role } : {}),
    ...(s.warehouse !== undefined ? { warehouse: s.warehouse } : {}),
    ...(s.accessUrl !== undefined ? { accessUrl: s.accessUrl } : {}),
  };
}

function driverError(e: unknown, stage: 'connect' | 'query', queryId?: string): SnowflakeDriverError {
  const err = (e ?? {}) as {
    message?: string;
    code?: unknown;
    sqlState?: unknown;
    data?: { queryId?: unknown };
    cause?: { code?: unknown };
  };
  const str = (v: unknown): string | undefined =>
    typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
  const errno =
    str(err.cause?.code) ??
    (typeof err.code === 'string' && /^E[A-Z]+$/.test(err.code) ? err.code : undefined);
  return new SnowflakeDriverError(
    err.message ?? String(e),
    stage,
    str(err.code),
    str(err.sqlState),
    str(err.data?.queryId) ?? queryId,
    errno,
  );
}

function run(conn: Connection, statement: CompiledStatement, opts: ExecuteOptions): Promise<QueryResult> {
  return new Promise<QueryResult>((resolve, reject) => {
    let onAbort: (() => void) | undefined;
    const stmt = conn.execute({
      sqlText: statement.sql,
      binds: [...statement.binds],
      ...(opts.queryTag ? { parameters: { QUERY_TAG: opts.queryTag } } : {}),
      complete: (err, st, rows) => {
        if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
        let queryId: string | undefined;
        try {
          queryId = st.getQueryId();
        } catch {
          queryId = undefined;
        }
        if (err) reject(driverError(err, 'query', queryId));
        else resolve({ queryId: queryId ?? '', rows: (rows ?? []) as Record<string, unknown>[] });
      },
    });
    if (opts.signal) {
      onAbort = () => stmt.cancel();
      opts.signal.addEventListener('abort', onAbort, { once: true });
    }
  });
}

/** Logging, redaction and per-session setup for a client. */
export interface ClientDeps {
  readonly logger: Logger;
  readonly redactor: Redactor;
  /** Statements run right after every (re)connect, e.g. ALTER SESSION. */
  readonly sessionSetup?: readonly CompiledStatement[];
}

/** A client over one snowflake-sdk connection (one session per run). */
export function createSnowflakeClient(settings: SnowflakeSettings, deps: ClientDeps): SnowflakeClient {
  let connection: Promise<Connection> | undefined;

  const connect = async (): Promise<Connection> => {
    const sdk = await loadSdk(deps.logger, deps.redactor);
    const conn = sdk.createConnection(sdkOptions(settings));
    await new Promise<Connection>((resolve, reject) => {
      conn.connect((err) => (err ? reject(driverError(err, 'connect')) : resolve(conn)));
    });
    for (const statement of deps.sessionSetup ?? []) await run(conn, statement, {});
    return conn;
  };

  const connected = (): Promise<Connection> => {
    connection ??= connect().catch((e: unknown) => {
      connection = undefined; // a later call may retry
      throw e;
    });
    return connection;
  };

  return {
    async execute(statement, opts = {}) {
      const conn = await connected();
      opts.signal?.throwIfAborted();
      return run(conn, statement, opts);
    },
    async reconnectIfDown() {
      const c = await connection?.catch(() => undefined);
      if (connection && !c?.isUp()) connection = undefined;
    },
    async close() {
      const c = connection;
      connection = undefined;
      if (!c) return;
      const conn = await c.catch(() => undefined);
      if (!conn?.isUp()) return;
      await new Promise<void>((resolve) => conn.destroy(() => resolve()));
    },
  };
}
