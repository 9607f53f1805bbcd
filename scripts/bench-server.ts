/**
 * The bench's API, in its own process so it does not share the loader's event loop: cursor
 * pagination over N pages of 1,000 realistic records (~20 fields, 2 nested objects, 1 array).
 * Page bodies are built once (a pool of distinct pages) and served from memory, so the server
 * costs as little as possible. Prints `BENCH_SERVER_URL=…` when ready.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const PER_PAGE = 1000;
const POOL = 64;
const pages = Number(process.argv[2] ?? 1000);

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
const NAMES = ['Ana María', 'Björn', 'Chloé', 'Dmitri', 'Eve', 'François', 'Gustav', 'Hana', 'Iñaki', 'Jonas'];

function record(r: () => number, id: number): Record<string, unknown> {
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
    metadata: { source: ['web', 'ios', 'android'][Math.floor(r() * 3)], campaign: r() > 0.5 ? `cmp_${Math.floor(r() * 100)}` : null, ip: `192.0.2.${Math.floor(r() * 255)}` },
    tags: ['a', 'b', 'c', 'vip', 'beta'].filter(() => r() > 0.7),
  };
}

const bodies: string[] = [];
for (let p = 0; p < POOL; p++) {
  const r = rng(p + 1);
  const data = Array.from({ length: PER_PAGE }, (_, i) => record(r, p * PER_PAGE + i + 1));
  // `__NEXT__` is patched per request so the pool can serve any number of pages.
  bodies.push(JSON.stringify({ data, has_more: true, next_cursor: '__NEXT__', total_count: pages * PER_PAGE }));
}
const parts = bodies.map((b) => b.split('"__NEXT__"'));

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const page = Number(url.searchParams.get('cursor') ?? 0);
  const [head, tail] = parts[page % POOL]!;
  const next = page + 1 < pages ? `"${page + 1}"` : 'null';
  const body = head! + next + tail!;
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`BENCH_SERVER_URL=http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
