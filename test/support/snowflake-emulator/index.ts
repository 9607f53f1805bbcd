/**
 * The floe Snowflake emulator: a node:http server on 127.0.0.1 that the unmodified snowflake-sdk
 * 3.3.0 talks to (design: research/snowflake-wire-protocol.md §11), executing exactly the SQL floe
 * emits on DuckDB and refusing everything else loudly.
 *
 * ```ts
 * const emu = await startSnowflakeEmulator();
 * // destination: { type: snowflake, account: emu.account, user: 'FLOE', authenticator: 'snowflake',
 * //                password: 'floe', database: 'FLOE_TEST', schema: 'RAW', access_url: emu.url }
 * await emu.close();
 * ```
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { EmulatorUser } from './auth.js';
import { Catalog } from './catalog.js';
import { duckIdent } from './lexer.js';
import { EmulatorFaults } from './faults.js';
import { TableLocks } from './locks.js';
import { createHandler, type RecordedRequest } from './http-server.js';
import { SessionStore } from './session.js';
import { listStage } from './stage.js';

export type { EmulatorUser } from './auth.js';
export type { Hold, KillSpec, StatementMatch } from './faults.js';
export type { RecordedRequest } from './http-server.js';
export { EmulatorFaults } from './faults.js';
export { publicKeyFingerprint } from './auth.js';

export interface SnowflakeEmulatorOptions {
  /** Default 0: the OS picks a free port. */
  readonly port?: number;
  /** Default `{ FLOE: { password: 'floe' } }`. Names are matched upper-cased. */
  readonly users?: Readonly<Record<string, EmulatorUser>>;
  /** Databases that exist (each starts with an empty PUBLIC schema). Default `['FLOE_TEST']`. */
  readonly databases?: readonly string[];
  /** Where stages live; default a fresh temp dir, removed on close. */
  readonly dataDir?: string;
  /**
   * Keep each database in a DuckDB file `<prefix>.<DATABASE>.duckdb` (to inspect it after a dry
   * run); default in memory. Stages, load metadata and grants are in memory either way.
   */
  readonly duckdbFilePrefix?: string;
  /** Where unhandled-endpoint warnings go; default stderr. */
  readonly log?: (line: string) => void;
  /**
   * Roles with fewer privileges than the default (which may do anything): e.g.
   * `{ LOADER: { deny: ['CREATE SCHEMA', 'CREATE STAGE'] } }` — a least-privilege loader role.
   */
  readonly roles?: Readonly<Record<string, { readonly deny: readonly ('CREATE SCHEMA' | 'CREATE STAGE')[] }>>;
  /**
   * How long the open transaction of a session that died keeps its locks before it is rolled
   * back (Snowflake: until it has blocked others for ~5 minutes); default 0, at once.
   */
  readonly detachedTransactionAbortMs?: number;
}

export interface SnowflakeEmulator {
  /** `http://127.0.0.1:<port>`: the `access_url` for floe, `accessUrl` for snowflake-sdk. */
  readonly url: string;
  readonly port: number;
  /** Any valid account name works; this one is used in examples and tests. */
  readonly account: string;
  readonly faults: EmulatorFaults;
  /** Every statement received, in order. */
  readonly requests: RecordedRequest[];
  /** Runs DuckDB SQL directly (no translation), for test assertions. */
  query(sql: string): Promise<Record<string, unknown>[]>;
  /** Stage-relative paths of the files in a named stage. */
  stageFiles(stage: readonly [database: string, schema: string, name: string]): string[];
  /** Grants a privilege on a table object (out of band), e.g. `SELECT TO ROLE READER`. */
  grant(table: readonly [string, string, string], privilege: string): void;
  grants(table: readonly [string, string, string]): string[];
  /** Stage-relative paths in a table's load metadata. */
  loadMetadata(table: readonly [string, string, string]): string[];
  /** Creates a schema and/or a named stage out of band, as an administrator would. */
  createObjects(objects: { schema?: readonly [string, string]; stage?: readonly [string, string, string] }): Promise<void>;
  /** Statements now waiting for a table lock. */
  lockWaits(): number;
  /** A table object's kind and clustering key, as the emulator's catalog holds them. */
  tableKind(table: readonly [string, string, string]): { transient: boolean; clusteringKey?: string } | undefined;
  close(): Promise<void>;
}

export async function startSnowflakeEmulator(
  opts: SnowflakeEmulatorOptions = {},
): Promise<SnowflakeEmulator> {
  const ownDataDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'floe-sfemu-'));
  const instance = await DuckDBInstance.create(':memory:');
  const admin = await instance.connect();
  await admin.run(`SET TimeZone = 'UTC'`);
  const catalog = new Catalog();
  for (const db of opts.databases ?? ['FLOE_TEST']) {
    const name = db.toUpperCase();
    const file = opts.duckdbFilePrefix ? `${opts.duckdbFilePrefix}.${name}.duckdb` : ':memory:';
    await admin.run(`ATTACH '${file.replaceAll("'", "''")}' AS ${duckIdent(name)}`);
    await admin.run(`CREATE SCHEMA IF NOT EXISTS ${duckIdent(name)}.${duckIdent('PUBLIC')}`);
    catalog.databases.add(name);
  }
  const users = new Map(
    Object.entries(opts.users ?? { FLOE: { password: 'floe' } }).map(
      ([k, v]) => [k.toUpperCase(), v] as const,
    ),
  );
  const locks = new TableLocks();
  const sessions = new SessionStore(instance, locks, opts.detachedTransactionAbortMs ?? 0);
  const denied = new Map(Object.entries(opts.roles ?? {}).map(([role, r]) => [role.toUpperCase(), new Set(r.deny)] as const));
  const faults = new EmulatorFaults();
  faults.expireHook = () => {
    for (const s of sessions.all()) s.tokenExpired = true;
  };
  const requests: RecordedRequest[] = [];
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const defaultDatabase = [...catalog.databases][0] ?? 'FLOE_TEST';
  const server = createServer(
    createHandler({ users, sessions, catalog, faults, dataDir, defaultDatabase, requests, log, locks, denied }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const name = (t: readonly [string, string, string]): [string, string, string] => [t[0], t[1], t[2]];

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    account: 'floeemu',
    faults,
    requests,
    async query(sql) {
      const r = await admin.runAndReadAll(sql);
      return r.getRowObjectsJS();
    },
    stageFiles: (stage) => listStage(dataDir, { name: name(stage), path: '' }),
    grant: (table, privilege) => void catalog.table(name(table)).grants.add(privilege),
    grants: (table) => [...(catalog.existing(name(table))?.grants ?? [])].sort(),
    loadMetadata: (table) =>
      [...(catalog.existing(name(table))?.loaded.keys() ?? [])]
        .map((k) => k.slice(k.indexOf(':') + 1))
        .sort(),
    async createObjects(o) {
      if (o.schema) await admin.run(`CREATE SCHEMA IF NOT EXISTS ${duckIdent(o.schema[0])}.${duckIdent(o.schema[1])}`);
      if (o.stage) {
        catalog.stages.add(o.stage.join('.'));
        mkdirSync(join(dataDir, 'stages', ...o.stage), { recursive: true });
      }
    },
    lockWaits: () => locks.waiting,
    tableKind(table) {
      const t = catalog.existing(name(table));
      return t ? { transient: t.transient, ...(t.clusteringKey ? { clusteringKey: t.clusteringKey } : {}) } : undefined;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sessions.closeAll();
      admin.closeSync();
      instance.closeSync();
      if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Reads a PEM file for `users[…].publicKeyPem`. */
export function readPem(path: string): string {
  return readFileSync(path, 'utf8');
}
