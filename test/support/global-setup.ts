/**
 * Once per `vitest run`: a real PostgreSQL server on 127.0.0.1 for the store/API suites (started
 * here, inside the test network namespace, so it is reachable with loopback only), and a migrated
 * PGlite database dumped to a file, so each suite opens an embedded store in ~1 s instead of
 * paying PGlite's initdb (~7 s).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrate } from '../../src/store/migrate.js';
import { PgliteClient } from '../../src/store/pglite-client.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `postgresql://floe@127.0.0.1:<port>/postgres`, or '' when no PostgreSQL binaries exist. */
    pgUrl: string;
    /** Why there is no server, when `pgUrl` is ''. */
    pgMissing: string;
    /** A migrated PGlite data dir tarball. */
    pgliteTemplate: string;
  }
}

let server: ChildProcess | undefined;
let dir: string | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  dir = await mkdtemp(join(tmpdir(), 'floe-test-db-'));
  const [pgResult, template] = await Promise.all([startPostgres(dir), pgliteTemplate(dir)]);
  project.provide('pgUrl', pgResult.url);
  project.provide('pgMissing', pgResult.missing);
  project.provide('pgliteTemplate', template);
  return async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once('exit', r));
      server.kill('SIGINT'); // fast shutdown
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  };
}

async function pgliteTemplate(root: string): Promise<string> {
  const db = await PgliteClient.open(undefined);
  await migrate(db);
  const file = join(root, 'pglite-template.tar');
  await writeFile(file, Buffer.from(await (await db.dump()).arrayBuffer()));
  await db.close();
  return file;
}

/** Debian puts the server binaries in /usr/lib/postgresql/<major>/bin, off the PATH. */
function findBin(name: string): string | undefined {
  for (const d of (process.env.PATH ?? '').split(':')) if (d && existsSync(join(d, name))) return join(d, name);
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const majors = readdirSync(base).sort((a, b) => Number(b) - Number(a));
  for (const m of majors) if (existsSync(join(base, m, 'bin', name))) return join(base, m, 'bin', name);
  return undefined;
}

/**
 * PostgreSQL refuses to run as root, which CI and `unshare -r` are; then it runs in a nested user
 * namespace as uid 1000 (the same network namespace, so 127.0.0.1 is shared).
 */
function asNonRoot(cmd: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [cmd, args];
  return ['unshare', ['--user', '--map-user=1000', '--map-group=1000', cmd, ...args]];
}

async function startPostgres(root: string): Promise<{ url: string; missing: string }> {
  const initdb = findBin('initdb');
  const postgres = findBin('postgres');
  if (!initdb || !postgres) return { url: '', missing: 'no initdb/postgres binaries (install Debian package postgresql)' };
  const data = join(root, 'pgdata');
  const [c, a] = asNonRoot(initdb, ['-D', data, '-U', 'floe', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const init = spawnSync(c, a, { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  const port = await freePort();
  const [pc, pa] = asNonRoot(postgres, [
    '-D', data, '-h', '127.0.0.1', '-p', String(port), '-k', root,
    '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200',
  ]);
  let log = '';
  server = spawn(pc, pa, { stdio: ['ignore', 'pipe', 'pipe'] });
  server.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  server.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  const url = `postgresql://floe@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return { url, missing: '' };
    } catch {
      await client.end().catch(() => undefined);
      if (server.exitCode !== null || Date.now() > deadline) throw new Error(`PostgreSQL did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
