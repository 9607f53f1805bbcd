/**
 * End-to-end helpers for the normalize tests: a raw HTTP server on 127.0.0.1 that serves exact
 * bytes (numbers a JSON serializer would round, invalid UTF-8), and a floe run of one endpoint into
 * DuckDB or the Snowflake emulator.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/load-config.js';
import type { Parts } from '../../src/run/parts.js';
import { runConnector } from '../../src/run/runner.js';
import type { RunRecord } from '../../src/run/run-history.js';
import { FakeClock } from '../../src/util/clock.js';
import type { SnowflakeEmulator } from '../support/snowflake-emulator/index.js';

/** Serves `pages[n]` (raw bytes or text) for `GET /items?page=n`; a next link while pages remain. */
export async function serveRaw(pages: readonly (string | Buffer)[]): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const page = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('page') ?? 0);
    const body = pages[page];
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (page + 1 < pages.length) headers.link = `</items?page=${page + 1}>; rel="next"`;
    res.writeHead(200, headers).end(body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((ok) => server.close(() => ok())) };
}

export type Target = { type: 'duckdb'; path: string } | { type: 'snowflake'; emu: SnowflakeEmulator; schema: string };

/** Runs one endpoint `/items` (records at `$.data`, Link-header pagination) into the target. */
export async function runItems(
  baseUrl: string,
  target: Target,
  stateDir: string,
  endpoint: Record<string, unknown> = {},
  parts?: Parts,
): Promise<RunRecord> {
  const destination =
    target.type === 'duckdb'
      ? { type: 'duckdb', path: target.path }
      : {
          type: 'snowflake',
          account: target.emu.account,
          user: 'FLOE',
          password: 'floe',
          database: 'FLOE_TEST',
          schema: target.schema,
          access_url: target.emu.url,
        };
  const loaded = parseConfig(
    {
      name: 'norm',
      base_url: baseUrl,
      retry: { max_retries: 0 },
      endpoints: [{ path: '/items', records_path: '$.data', pagination: { type: 'link_header' }, ...endpoint }],
      destination,
    },
    {},
  );
  return runConnector(loaded, { stateDir }, { clock: new FakeClock(), ...(parts ? { parts } : {}) });
}

export { duckQuery } from '../support/duck-query.js';

/** A fresh temp dir and its remover. */
export async function tempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
