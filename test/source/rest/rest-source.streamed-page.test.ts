/**
 * A page bigger than `streamAboveBytes` is read as a stream: its records are handed out in parts
 * (`Page.more`) while the response is still arriving, the envelope (totals, cursors) is read at
 * its end, and the extraction goes on as with whole pages. Real HTTP servers on 127.0.0.1.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { parseConfig } from '../../../src/config/load-config.js';
import type { FloeConfig } from '../../../src/config/schema.js';
import { duckQuery } from '../../support/duck-query.js';
import { defaultParts } from '../../../src/run/default-parts.js';
import { runConnector } from '../../../src/run/runner.js';
import { RestSource } from '../../../src/source/rest/rest-source.js';
import type { Page } from '../../../src/types.js';
import { FakeClock } from '../../../src/util/clock.js';
import { ExactNumber } from '../../../src/util/exact-number.js';
import { silentLogger } from '../../../src/util/logger.js';
import { collect, endpointOf, floeErrorOf, harness, makeConfig } from './helpers.js';

vi.setConfig({ testTimeout: 60_000 });

const PER_PAGE = 2000;
const TOTAL = 2 * PER_PAGE;
const record = (id: number): Record<string, unknown> => ({
  id,
  name: `row "${id}" — Zürich`,
  tags: ['a,b', '{]'],
  nested: { n: id % 7 },
});

/** Starts a server on 127.0.0.1; closed when the test ends. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  onTestFinished(() => new Promise<void>((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** `{"data":[…records…],"total":N}` for the page at `offset`, in ~4 KB chunks. */
function pageChunks(offset: number): Buffer[] {
  const n = offset >= TOTAL ? 0 : PER_PAGE;
  const body = `{"data":${JSON.stringify(Array.from({ length: n }, (_, i) => record(offset + i + 1)))},"total":${TOTAL}}`;
  const bytes = Buffer.from(body);
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 4096) out.push(bytes.subarray(i, i + 4096));
  return out;
}

const offsetEndpoint = {
  path: '/items',
  records_path: '$.data',
  pagination: { type: 'offset', limit_value: PER_PAGE, total_path: '$.total' },
};

/** A run's parts whose source streams every page over 16 KB (the default threshold is 32 MB). */
const streamingParts = {
  ...defaultParts,
  createSource: (c: FloeConfig, deps: ConstructorParameters<typeof RestSource>[1]) =>
    new RestSource(c, { ...deps, streamAboveBytes: 16 * 1024 }),
};
describe('RestSource: huge pages read as a stream', () => {
  it('hands out the records of a page while it is still arriving; totals after the records still end the pagination', async () => {
    let gate: (() => void) | undefined;
    const url = await serve((req, res) => {
      const offset = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('offset') ?? 0);
      const chunks = pageChunks(offset);
      res.writeHead(200, { 'content-type': 'application/json' });
      const half = Math.floor(chunks.length / 2);
      for (const c of chunks.slice(0, half)) res.write(c);
      // The first page's second half is only sent once the client has handed out a part.
      const rest = (): void => {
        res.end(Buffer.concat(chunks.slice(half)));
      };
      if (offset === 0) gate = rest;
      else rest();
    });
    const config = makeConfig({ base_url: url, endpoints: [offsetEndpoint] });
    const { source } = harness(config, { streamAboveBytes: 16 * 1024 });
    const pages: Page[] = [];
    for await (const page of source.pages(endpointOf(config))) {
      pages.push(page);
      if (gate !== undefined && page.more === true) {
        gate();
        gate = undefined;
      }
    }
    expect(gate).toBeUndefined(); // a part came before the first response ended
    const ids = pages.flatMap((p) => p.records.map((r) => (r as { id: number }).id));
    expect(ids).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
    expect(pages.flatMap((p) => p.records)[PER_PAGE + 4]).toEqual(record(PER_PAGE + 5));
    const full = pages.filter((p) => p.more !== true);
    expect(full.map((p) => p.index)).toEqual([0, 1]);
    expect(pages.filter((p) => p.more === true && p.index === 0).length).toBeGreaterThan(2);
    expect(full[0]!.next).toEqual({ offset: PER_PAGE });
    expect(full[1]!.next).toBeUndefined();
    expect(full[1]!.end?.reason).toBeDefined();
    expect(full[1]!.end?.warning).toBeUndefined(); // the total (read after the records) was reached
    expect(full[0]!.bytes).toBe(Buffer.concat(pageChunks(0)).byteLength);
    expect(
      pages.filter((p) => p.more === true).every((p) => p.next === undefined && p.end === undefined),
    ).toBe(true);
  });

  it('streams a gzipped page, keeps big integers exact and counts invalid UTF-8', async () => {
    const records = Array.from(
      { length: 3000 },
      (_, i) => `{"id":${i},"big":12345678901234567${String(i).padStart(3, '0')},"s":"x"}`,
    );
    const body = Buffer.concat([
      Buffer.from(`{"next":null,"data":[${records.join(',')},{"id":-1,"s":"`),
      Buffer.from([0xff]),
      Buffer.from('"}]}'),
    ]);
    const gz = gzipSync(body);
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gz);
    });
    const config = makeConfig({ base_url: url, endpoints: [{ path: '/items', records_path: '$.data' }] });
    const pages = await collect(harness(config, { streamAboveBytes: 1024 }).source.pages(endpointOf(config)));
    expect(pages.length).toBeGreaterThan(1);
    const all = pages.flatMap((p) => p.records) as { id: number; big?: unknown }[];
    expect(all).toHaveLength(3001);
    expect(all[42]!.big).toBeInstanceOf(ExactNumber);
    expect(String(all[42]!.big)).toBe('12345678901234567042');
    expect(pages[pages.length - 1]!.invalidUtf8).toBe(1);
    expect(pages[pages.length - 1]!.bytes).toBe(gz.byteLength);
  });

  it('a streamed page that breaks off or does not parse fails the endpoint with a clear error', async () => {
    const url = await serve((req, res) => {
      const chunks = pageChunks(0);
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url?.startsWith('/cut')) {
        res.write(Buffer.concat(chunks.slice(0, 10)));
        setTimeout(() => res.destroy(), 50);
      } else res.end(Buffer.concat([...chunks.slice(0, 10), Buffer.from('},{"id": oops}]}')]));
    });
    for (const [path, code] of [
      ['/cut', 'HTTP_NETWORK'],
      ['/bad', 'RESPONSE_NOT_JSON'],
    ] as const) {
      const config = makeConfig({ base_url: url, endpoints: [{ path, records_path: '$.data' }] });
      const { source } = harness(config, { streamAboveBytes: 8 * 1024 });
      const e = await floeErrorOf(() => collect(source.pages(endpointOf(config))));
      expect(e.code).toBe(code);
      expect(e.message).toContain(path);
    }
  });

  it('pages below the limit are read whole', async () => {
    const url = await serve((req, res) => {
      const offset = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('offset') ?? 0);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(Buffer.concat(pageChunks(offset)));
    });
    const config = makeConfig({ base_url: url, endpoints: [offsetEndpoint] });
    const pages = await collect(
      harness(config, { streamAboveBytes: 64 << 20 }).source.pages(endpointOf(config)),
    );
    expect(pages.map((p) => [p.index, p.records.length, p.more])).toEqual([
      [0, PER_PAGE, undefined],
      [1, PER_PAGE, undefined],
    ]);
  });

  it('a run loads every row of streamed pages once and counts whole pages', async () => {
    const url = await serve((req, res) => {
      const offset = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('offset') ?? 0);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(Buffer.concat(pageChunks(offset)));
    });
    const dir = await mkdtemp(join(tmpdir(), 'floe-stream-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const loaded = parseConfig({
      name: 'streamed',
      base_url: url,
      endpoints: [offsetEndpoint],
      destination: { type: 'duckdb', path: join(dir, 's.duckdb') },
    });
    const run = await runConnector(
      loaded,
      { stateDir: join(dir, 'state') },
      { clock: new FakeClock(), logger: silentLogger, parts: streamingParts },
    );
    expect(run.status).toBe('succeeded');
    expect(run.endpoints[0]).toMatchObject({ pages: 2, rows: TOTAL });
    expect(
      await duckQuery(
        join(dir, 's.duckdb'),
        'SELECT count(*)::INT AS n, count(DISTINCT id)::INT AS d, max(nested_n)::INT AS m FROM main.items',
      ),
    ).toEqual([{ n: TOTAL, d: TOTAL, m: 6 }]);
  });

  it('a run stopped in the middle of a streamed page resumes at that page: every row once', async () => {
    let hang = true;
    const stop = new AbortController();
    const url = await serve((req, res) => {
      const offset = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('offset') ?? 0);
      const chunks = pageChunks(offset);
      res.writeHead(200, { 'content-type': 'application/json' });
      if (hang && offset === PER_PAGE) {
        // Half of the second page arrives (its parts are loaded into the stage), then the run stops.
        res.write(Buffer.concat(chunks.slice(0, Math.floor(chunks.length / 2))));
        setTimeout(() => stop.abort(), 300);
        return;
      }
      res.end(Buffer.concat(chunks));
    });
    const dir = await mkdtemp(join(tmpdir(), 'floe-stream-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const loaded = parseConfig({
      name: 'streamed',
      base_url: url,
      stage: { checkpoint_pages: 1 },
      endpoints: [offsetEndpoint],
      destination: { type: 'duckdb', path: join(dir, 's.duckdb') },
    });
    const state = join(dir, 'state');
    const first = await runConnector(
      loaded,
      { stateDir: state, signal: stop.signal },
      { clock: new FakeClock(), logger: silentLogger, parts: streamingParts },
    );
    expect(first.status).toBe('interrupted');
    hang = false;
    const second = await runConnector(
      loaded,
      { stateDir: state },
      { clock: new FakeClock(), logger: silentLogger, parts: streamingParts },
    );
    expect(second.status).toBe('succeeded');
    expect(
      await duckQuery(join(dir, 's.duckdb'), 'SELECT count(*)::INT AS n, count(DISTINCT id)::INT AS d FROM main.items'),
    ).toEqual([{ n: TOTAL, d: TOTAL }]);
  });
});
