/**
 * The bench's API, in its own process so it does not share the loaders' event loops:
 *
 *   node dist/scripts/bench-server.js [--pages 1000] [--latency-ms 0] [--shape normal|wide|keys] [--gzip]
 *
 * - `GET /items?cursor=k` — cursor pagination (`next_cursor` in the body, null after the last page);
 * - `GET /items?offset=o&limit=1000` — offset pagination with `total` in the body;
 * - `GET /huge?rows=n` — ONE page holding n records (`{"data":[…]}`), streamed as it is written.
 *
 * Pages hold 1,000 realistic records (`normal`: ~20 fields, 2 nested objects, 1 array, accented
 * text), 100 records of 600 columns (`wide`), or 20 records of 10,000 keys (`keys`). Bodies are
 * built once (a pool of distinct pages) and kept as UTF-8 bytes, so serving a page costs the
 * server almost no CPU: on a 2-core machine the server shares the cores with the loader under test,
 * and a real API would run elsewhere. `--latency-ms` delays every answer (a slow API). A request
 * that accepts gzip gets the page gzipped (level 6, as most servers) when the server runs with
 * `--gzip`, to measure bytes on the wire.
 * Prints `BENCH_SERVER_URL=…` when ready.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '1000' },
    'latency-ms': { type: 'string', default: '0' },
    shape: { type: 'string', default: 'normal' },
    gzip: { type: 'boolean', default: false },
  },
});
const pages = Number(values.pages);
const latencyMs = Number(values['latency-ms']);
const shape = values.shape ?? 'normal';
const POOL = shape === 'normal' ? 64 : 8;
const PER_PAGE = shape === 'normal' ? 1000 : shape === 'wide' ? 100 : 20;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CITIES = ['Auckland', 'Zürich', 'São Paulo', 'Boston', 'Kraków', 'Wellington', 'Montréal', 'Göteborg'];
const NAMES = [
  'Ana María',
  'Björn',
  'Chloé',
  'Dmitri',
  'Eve',
  'François',
  'Gustav',
  'Hana',
  'Iñaki',
  'Jonas',
];

function normal(r: () => number, id: number): Record<string, unknown> {
  return {
    id,
    uuid: `${Math.floor(r() * 1e9).toString(16)}-${Math.floor(r() * 1e9).toString(16)}-4a1b-9c2d-${id.toString(16).padStart(12, '0')}`,
    name: NAMES[Math.floor(r() * NAMES.length)],
    email: `user${id}@example.com`,
    created_at: new Date(Date.UTC(2024, 0, 1) + Math.floor(r() * 3e10)).toISOString(),
    active: r() > 0.3,
    score: Math.round(r() * 100000) / 1000,
    amount: Math.round(r() * 1e6) / 100,
    quantity: Math.floor(r() * 100),
    version: 1 + Math.floor(r() * 5),
    status: ['new', 'active', 'suspended', 'closed'][Math.floor(r() * 4)],
    notes: r() > 0.6 ? `note ${Math.floor(r() * 1e6)} — naïve café résumé` : null,
    country_code: ['NZ', 'CH', 'BR', 'US', 'PL'][Math.floor(r() * 5)],
    locale: 'en_NZ',
    address: {
      street: `${1 + Math.floor(r() * 999)} Queen St`,
      city: CITIES[Math.floor(r() * CITIES.length)],
      postal_code: String(Math.floor(r() * 99999)).padStart(5, '0'),
      country: 'NZ',
    },
    metadata: {
      source: ['web', 'ios', 'android'][Math.floor(r() * 3)],
      campaign: r() > 0.5 ? `cmp_${Math.floor(r() * 100)}` : null,
      ip: `192.0.2.${Math.floor(r() * 255)}`,
    },
    tags: ['a', 'b', 'c', 'vip', 'beta'].filter(() => r() > 0.7),
  };
}

/** 600 columns: 200 ints, 200 short strings, 100 doubles, 100 nested under 10 objects. */
function wide(r: () => number, id: number): Record<string, unknown> {
  const o: Record<string, unknown> = { id };
  for (let i = 0; i < 199; i++) o[`n_${i}`] = Math.floor(r() * 1e6);
  for (let i = 0; i < 200; i++) o[`s_${i}`] = r() > 0.2 ? `v${Math.floor(r() * 1e4)}` : null;
  for (let i = 0; i < 100; i++) o[`d_${i}`] = Math.round(r() * 1e6) / 1000;
  for (let g = 0; g < 10; g++) {
    const inner: Record<string, unknown> = {};
    for (let i = 0; i < 10; i++)
      inner[`f_${i}`] = r() > 0.5 ? `x${Math.floor(r() * 100)}` : Math.floor(r() * 100);
    o[`g_${g}`] = inner;
  }
  return o;
}

/** 10,000 keys in one object (a map keyed by ids): floe keeps it within its column limit. */
function keys(r: () => number, id: number): Record<string, unknown> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < 10_000; i++) counts[`k${i}`] = Math.floor(r() * 1000);
  return { id, name: `thing ${id}`, counts };
}

const make = shape === 'wide' ? wide : shape === 'keys' ? keys : normal;

interface PoolPage {
  /** `{"data":[…records…]` — the records of the page, ready to be followed by the envelope. */
  readonly records: Buffer;
  /** The records alone, without brackets, for the streamed huge page. */
  readonly inner: Buffer;
}

const pool: PoolPage[] = [];
for (let p = 0; p < POOL; p++) {
  const r = rng(p + 1);
  const data = Array.from({ length: PER_PAGE }, (_, i) => make(r, p * PER_PAGE + i + 1));
  const json = JSON.stringify(data);
  pool.push({ records: Buffer.from(`{"data":${json}`), inner: Buffer.from(json.slice(1, -1)) });
}
const total = pages * PER_PAGE;

function send(res: ServerResponse, gzip: boolean, parts: readonly Buffer[]): void {
  const write = (): void => {
    const body = gzip ? gzipSync(Buffer.concat(parts)) : undefined;
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': body ? body.byteLength : parts.reduce((n, b) => n + b.byteLength, 0),
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    if (body) res.end(body);
    else {
      for (let i = 0; i < parts.length - 1; i++) res.write(parts[i]);
      res.end(parts[parts.length - 1]);
    }
  };
  if (latencyMs > 0) setTimeout(write, latencyMs);
  else write();
}

/** One page of `rows` records, streamed pool page by pool page with backpressure. */
function huge(res: ServerResponse, rows: number): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  let sent = 0;
  const pump = (): void => {
    while (sent < rows) {
      const page = pool[(sent / PER_PAGE) % POOL]!;
      const ok = res.write(
        sent === 0
          ? Buffer.concat([Buffer.from('{"data":['), page.inner])
          : Buffer.concat([Buffer.from(','), page.inner]),
      );
      sent += PER_PAGE;
      if (!ok) return void res.once('drain', pump);
    }
    res.end('],"has_more":false}');
  };
  pump();
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const gzip = values.gzip === true && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
  if (url.pathname === '/huge')
    return huge(
      res,
      Number(url.searchParams.get('rows') ?? 1000) -
        (Number(url.searchParams.get('rows') ?? 1000) % PER_PAGE),
    );
  if (url.searchParams.has('offset')) {
    const offset = Number(url.searchParams.get('offset'));
    const page = Math.floor(offset / PER_PAGE);
    const records = page < pages ? pool[page % POOL]!.records : Buffer.from('{"data":[]');
    return send(res, gzip, [records, Buffer.from(`,"total":${total}}`)]);
  }
  const page = Number(url.searchParams.get('cursor') ?? 0);
  const next = page + 1 < pages ? `"${page + 1}"` : 'null';
  send(res, gzip, [
    pool[page % POOL]!.records,
    Buffer.from(`,"has_more":${page + 1 < pages},"next_cursor":${next},"total_count":${total}}`),
  ]);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`BENCH_SERVER_URL=http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
