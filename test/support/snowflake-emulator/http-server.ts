/**
 * The HTTP side of the emulator: the endpoints snowflake-sdk 3.3.0 calls, each answering HTTP 200
 * with the `{ success, code, message, data }` envelope (never 5xx/429, which the driver retries).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { authenticate, type EmulatorUser, type LoginBody } from './auth.js';
import type { Catalog } from './catalog.js';
import { executeStatement, statementKeyword } from './engine.js';
import type { EmulatorFaults } from './faults.js';
import { rowtypeEntry, type ResultSet } from './results.js';
import type { TableLocks } from './locks.js';
import type { Session, SessionStore } from './session.js';
import { SfError } from './sf-error.js';
import type { Bind } from './translate.js';

/** One statement the emulator received, for tests to assert on. */
export interface RecordedRequest {
  readonly sessionId: number;
  readonly sqlText: string;
  /** Statement-level parameters sent with it, e.g. QUERY_TAG. */
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly queryId: string;
  /** The error code it was answered with, if any. */
  readonly errorCode?: string;
}

export interface ServerDeps {
  readonly users: ReadonlyMap<string, EmulatorUser>;
  readonly sessions: SessionStore;
  readonly catalog: Catalog;
  readonly faults: EmulatorFaults;
  readonly dataDir: string;
  readonly defaultDatabase: string;
  readonly requests: RecordedRequest[];
  readonly log: (line: string) => void;
  readonly locks: TableLocks;
  /** Role → privileges it lacks. */
  readonly denied: ReadonlyMap<string, ReadonlySet<'CREATE SCHEMA' | 'CREATE STAGE'>>;
}

const PARAMETERS = [
  { name: 'TIMEZONE', value: 'UTC' },
  { name: 'BINARY_OUTPUT_FORMAT', value: 'HEX' },
  { name: 'DATE_OUTPUT_FORMAT', value: 'YYYY-MM-DD' },
  { name: 'TIMESTAMP_OUTPUT_FORMAT', value: 'YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM' },
  { name: 'CLIENT_SESSION_KEEP_ALIVE_HEARTBEAT_FREQUENCY', value: 3600 },
  { name: 'QUERY_CONTEXT_CACHE_SIZE', value: 5 },
];

type Envelope = { success: boolean; code: string | null; message: string | null; data: unknown };

export function createHandler(deps: ServerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const results = new Map<string, Record<string, unknown>>();
  const queues = new WeakMap<Session, Promise<unknown>>();

  const route = async (req: IncomingMessage, url: URL, body: Record<string, unknown>): Promise<Envelope> => {
    const path = url.pathname;
    if (req.method === 'POST' && path === '/session/v1/login-request')
      return login(url, body.data as LoginBody);
    if (req.method === 'POST' && path === '/telemetry/send') return ok(null);
    if (req.method === 'POST' && path === '/session/token-request') return renew(req);
    const session = deps.sessions.bySessionToken(token(req));
    if (!session) return fail(new SfError('390104', '08001', 'Invalid session token; new login required.'));
    if (session.dead)
      return fail(
        new SfError('390111', '08001', 'Session no longer exists. New login required to access the service.'),
      );
    if (session.tokenExpired) return fail(new SfError('390112', '08001', 'Session token expired.'));
    if (req.method === 'POST' && path === '/session/heartbeat') return ok({});
    if (req.method === 'POST' && path === '/session' && url.searchParams.get('delete') === 'true') {
      await deps.sessions.end(session, { forget: true });
      return ok(null);
    }
    if (req.method === 'POST' && path === '/queries/v1/query-request') {
      const prev = queues.get(session) ?? Promise.resolve();
      const next = prev.then(() => query(session, body));
      queues.set(
        session,
        next.catch(() => undefined),
      );
      return next;
    }
    const m = /^\/(?:monitoring\/)?queries\/([0-9a-f-]+)(\/result|\/abort-request)?$/.exec(path);
    if (m && req.method === 'GET' && m[2] === '/result') {
      const data = results.get(m[1] ?? '');
      return data ? ok(data) : fail(new SfError('000709', '02000', `Statement ${m[1]} not found`));
    }
    if (m && req.method === 'GET' && path.startsWith('/monitoring/')) {
      return ok({
        queries: [{ id: m[1], status: results.has(m[1] ?? '') ? 'SUCCESS' : 'FAILED_WITH_ERROR' }],
      });
    }
    if (req.method === 'POST' && (path === '/queries/v1/abort-request' || m?.[2] === '/abort-request'))
      return ok(null);
    deps.log(`[snowflake-emulator] UNHANDLED ${req.method} ${path}`);
    return fail(new SfError('000404', '0A000', `floe Snowflake emulator: no endpoint ${req.method} ${path}`));
  };

  const login = async (url: URL, body: LoginBody | undefined): Promise<Envelope> => {
    let user: string;
    try {
      user = authenticate(body ?? {}, deps.users, Date.now());
    } catch (e) {
      return fail(e as SfError);
    }
    const q = (k: string): string | undefined => url.searchParams.get(k) ?? undefined;
    const database = (q('databaseName') ?? deps.defaultDatabase).toUpperCase();
    const s = await deps.sessions.open({
      user,
      database: deps.catalog.databases.has(database) ? database : deps.defaultDatabase,
      schema: (q('schemaName') ?? 'PUBLIC').toUpperCase(),
      warehouse: q('warehouse')?.toUpperCase(),
      role: q('roleName')?.toUpperCase(),
    });
    return ok({
      token: s.token,
      masterToken: s.masterToken,
      validityInSeconds: 3600,
      masterValidityInSeconds: 14400,
      sessionId: s.id,
      displayUserName: user,
      serverVersion: '9.99.0-floe-emulator',
      parameters: PARAMETERS,
      sessionInfo: {
        databaseName: s.database,
        schemaName: s.schema,
        warehouseName: s.init.warehouse,
        roleName: s.init.role,
      },
    });
  };

  const renew = (req: IncomingMessage): Envelope => {
    const s = deps.sessions.byMasterToken(token(req));
    if (!s || s.dead)
      return fail(
        new SfError(
          '390114',
          '08001',
          'Authentication token has expired.  The user must authenticate again.',
        ),
      );
    deps.sessions.renew(s);
    return ok({
      sessionToken: s.token,
      validityInSecondsST: 3600,
      masterToken: s.masterToken,
      validityInSecondsMT: 14400,
    });
  };

  const query = async (session: Session, body: Record<string, unknown>): Promise<Envelope> => {
    const sqlText = typeof body.sqlText === 'string' ? body.sqlText : '';
    const queryId = randomUUID();
    const parameters = (body.parameters ?? {}) as Record<string, unknown>;
    const record = (errorCode?: string): void => {
      deps.requests.push({
        sessionId: session.id,
        sqlText,
        parameters,
        queryId,
        ...(errorCode ? { errorCode } : {}),
      });
    };
    const keyword = statementKeyword(sqlText);
    const decision = deps.faults.onStatement(sqlText, keyword);
    if (session.killAtNextStatement || decision.kill === 'before') {
      await deps.sessions.end(session, { forget: false });
      record('390111');
      return fail(
        new SfError('390111', '08001', 'Session no longer exists. New login required to access the service.'),
      );
    }
    if (decision.markKillAfterPut) session.killAtNextStatement = true;
    if (decision.hold) await decision.hold;
    if (body.describeOnly === true)
      return fail(new SfError('000002', '0A000', 'describeOnly is not supported by the emulator'));
    const binds = bindsOf(body.bindings);
    const t0 = performance.now();
    try {
      const outcome = await executeStatement(
        sqlText,
        {
          session,
          catalog: deps.catalog,
          dataDir: deps.dataDir,
          tctx: { binds, bindIndex: 0, database: session.database, catalog: deps.catalog },
          locks: deps.locks,
          denied: deps.denied.get(session.init.role ?? '') ?? new Set(),
          ...(decision.unmatchedColumn ? { unmatchedColumn: decision.unmatchedColumn } : {}),
        },
        { queryId, sqlText, ...(decision.fail ? { injected: decision.fail } : {}) },
      );
      if (decision.kill === 'after') {
        await deps.sessions.end(session, { forget: false });
        record('390111');
        return fail(
          new SfError(
            '390111',
            '08001',
            'Session no longer exists. New login required to access the service.',
          ),
        );
      }
      record();
      // Per-statement timing, for finding what makes a test slow.
      if (process.env.EMU_TIMING)
        deps.log(`[timing] ${(performance.now() - t0).toFixed(1)}ms ${sqlText.slice(0, 50)}`);
      if ('put' in outcome) return ok(outcome.put);
      const data = resultData(outcome.result, queryId, session);
      results.set(queryId, data);
      return ok(data);
    } catch (e) {
      const err =
        e instanceof SfError
          ? e
          : new SfError('000603', 'XX000', `SQL execution internal error: ${String(e)}`);
      record(err.code);
      return fail(err, queryId);
    }
  };

  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let raw = Buffer.concat(chunks);
      // The driver's gzip header race (report §2): decide by magic bytes, never by the header.
      if (raw[0] === 0x1f && raw[1] === 0x8b) raw = gunzipSync(raw);
      let body: Record<string, unknown> = {};
      try {
        body = raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
      } catch {
        body = {};
      }
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      route(req, url, body)
        .catch((e: unknown) => fail(new SfError('000603', 'XX000', `emulator internal error: ${String(e)}`)))
        .then((env) => {
          const notFound = env.code === '000404';
          res.writeHead(notFound ? 404 : 200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(env));
        })
        .catch(() => res.destroy());
    });
  };
}

function token(req: IncomingMessage): string {
  return /Snowflake Token="([^"]*)"/.exec(req.headers.authorization ?? '')?.[1] ?? '';
}

function ok(data: unknown): Envelope {
  return { success: true, code: null, message: null, data };
}

function fail(e: SfError, queryId?: string): Envelope {
  return {
    success: false,
    code: e.code,
    message: e.message,
    data: { errorCode: e.code, sqlState: e.sqlState, queryId: queryId ?? null, internalError: false, age: 0 },
  };
}

function bindsOf(bindings: unknown): Bind[] {
  if (!bindings || typeof bindings !== 'object') return [];
  const entries = Object.entries(bindings as Record<string, Bind>);
  return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, v]) => v);
}

function resultData(r: ResultSet, queryId: string, s: Session): Record<string, unknown> {
  return {
    rowtype: r.columns.map(rowtypeEntry),
    rowset: r.rows,
    total: r.rows.length,
    returned: r.rows.length,
    queryId,
    statementTypeId: r.statementTypeId,
    version: 1,
    queryResultFormat: 'json',
    parameters: PARAMETERS,
    finalDatabaseName: s.database,
    finalSchemaName: s.schema,
    finalWarehouseName: s.init.warehouse ?? null,
    finalRoleName: s.init.role ?? null,
    queryContext: { entries: [] },
  };
}
