/**
 * A realistic local sample API for the demo and end-to-end tests: four endpoints, four pagination
 * styles, an API key, and an occasional 503 / 429 so runs show retries working.
 *
 *   GET  /v2/users?limit=&offset=          offset pagination, records in $.data
 *   GET  /v2/orders?limit=&cursor=         cursor pagination, next cursor in $.meta.next_cursor
 *   GET  /v2/events?page=&per_page=        a top-level JSON array, RFC 5988 Link: rel="next"
 *   POST /v2/tickets/search?page=          JSON body filter, next URL in $.paging.next
 *   POST /v2/contacts/batch                receives `floe push` batches: { "contacts": [...] },
 *                                          honours Idempotency-Key, refuses rows without a valid email (422)
 *
 * Run standalone: `node dist/scripts/demo-api.js [--port 4010]` prints DEMO_PORT and DEMO_KEY.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';

export interface DemoApiOptions {
  readonly port?: number;
  readonly key?: string;
  /** Inject a 503 on every Nth request and a 429 (Retry-After: 1) on the Mth; 0 disables. */
  readonly fail503Every?: number;
  readonly fail429At?: number;
  readonly users?: number;
  readonly orders?: number;
  readonly events?: number;
  readonly tickets?: number;
}

export interface DemoApi {
  readonly url: string;
  readonly port: number;
  readonly key: string;
  readonly requests: { method: string; path: string; status: number }[];
  /**
   * What POST /v2/contacts/batch took: contacts by id, rows and batches taken (a row taken twice
   * counts twice in `rows`), and batches answered again from their idempotency key.
   */
  readonly received: { contacts: Map<string, Record<string, unknown>>; rows: number; batches: number; replayed: number };
  close(): Promise<void>;
}

/** Deterministic pseudo-random numbers, so every run serves the same data. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CITIES = [
  ['Auckland', 'NZ', '1010'],
  ['Zürich', 'CH', '8001'],
  ['São Paulo', 'BR', '01310'],
  ['Boston', 'US', '02108'],
  ['Kraków', 'PL', '30-001'],
  ['東京', 'JP', '100-0001'],
] as const;
const FIRST = ['Ana', 'Björn', 'Chloé', 'Dmitri', 'Eve', 'Fatima', 'Gustav', 'Hana', 'Iñaki', 'Jonas'];
const LAST = ['Müller', 'Smith', 'García', 'Kowalski', 'Tanaka', 'Dubois', 'Okafor', 'Silva'];
const TAGS = ['vip', 'beta', 'churn-risk', 'newsletter', 'enterprise'];
const PRODUCTS = ['widget', 'gadget', 'gizmo', 'doohickey', 'sprocket'];
const EVENT_TYPES = ['login', 'logout', 'page_view', 'purchase', 'signup'];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

function isoAt(base: number, r: () => number, spanDays: number): string {
  return new Date(base + Math.floor(r() * spanDays * 86_400_000)).toISOString();
}

const BASE = Date.UTC(2025, 0, 1);

export function makeUsers(n: number): Record<string, unknown>[] {
  const r = rng(1);
  return Array.from({ length: n }, (_, i) => {
    const [city, country, postal] = pick(r, CITIES);
    return {
      id: i + 1,
      email: `user${i + 1}@example.com`,
      name: `${pick(r, FIRST)} ${pick(r, LAST)}`,
      createdAt: isoAt(BASE, r, 365),
      active: r() > 0.2,
      score: Math.round(r() * 10000) / 100,
      address: { street: `${1 + Math.floor(r() * 200)} Main St`, city, postal_code: postal, country, geo: { lat: -40 + r() * 80, lng: -170 + r() * 340 } },
      plan: r() > 0.3 ? { name: pick(r, ['free', 'pro', 'team']), seats: 1 + Math.floor(r() * 20) } : null,
      tags: TAGS.filter(() => r() > 0.7),
      // Appears only on later records, as real APIs add fields over time.
      ...(i >= 700 ? { referral_code: `REF${(i * 7919) % 100000}` } : {}),
    };
  });
}

export function makeOrders(n: number, users: number): Record<string, unknown>[] {
  const r = rng(2);
  return Array.from({ length: n }, (_, i) => {
    const items = Array.from({ length: 1 + Math.floor(r() * 4) }, () => ({
      sku: pick(r, PRODUCTS),
      qty: 1 + Math.floor(r() * 5),
      unit_price: Math.round(r() * 10000) / 100,
    }));
    const amount = items.reduce((s, it) => s + it.qty * it.unit_price, 0);
    return {
      order_id: `ord_${String(i + 1).padStart(6, '0')}`,
      customer: { id: 1 + Math.floor(r() * users), segment: pick(r, ['smb', 'mid', 'ent']) },
      status: pick(r, ['paid', 'refunded', 'pending']),
      // Whole amounts first, cents later: the column widens from integer to double.
      totals: { amount: i < 50 ? Math.round(amount) : Math.round(amount * 100) / 100, currency: pick(r, ['NZD', 'USD', 'EUR']) },
      line_items: items,
      placed_at: isoAt(BASE, r, 365),
    };
  });
}

export function makeEvents(n: number, users: number): Record<string, unknown>[] {
  const r = rng(3);
  return Array.from({ length: n }, (_, i) => ({
    event_id: i + 1,
    type: pick(r, EVENT_TYPES),
    user_id: 1 + Math.floor(r() * users),
    at: isoAt(BASE, r, 365),
    context: { ip: `10.0.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}`, user_agent: pick(r, ['Mozilla/5.0', 'curl/8.0', 'okhttp/4.9']) },
    properties: r() > 0.5 ? { path: `/p/${Math.floor(r() * 50)}`, duration_ms: Math.floor(r() * 5000) } : {},
  }));
}

export function makeTickets(n: number): Record<string, unknown>[] {
  const r = rng(4);
  return Array.from({ length: n }, (_, i) => ({
    id: 10_000 + i,
    subject: `Help with ${pick(r, PRODUCTS)} #${i}`,
    priority: pick(r, ['low', 'normal', 'high', 'urgent']),
    status: pick(r, ['open', 'pending', 'solved']),
    fields: { statusCategory: { key: pick(r, ['new', 'indeterminate', 'done']) } },
    updated_at: isoAt(BASE, r, 365),
  }));
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startDemoApi(opts: DemoApiOptions = {}): Promise<DemoApi> {
  const key = opts.key ?? 'demo-key-7f3a9c';
  const users = makeUsers(opts.users ?? 1000);
  const orders = makeOrders(opts.orders ?? 2500, users.length);
  const events = makeEvents(opts.events ?? 5000, users.length);
  const tickets = makeTickets(opts.tickets ?? 300);
  const fail503Every = opts.fail503Every ?? 23;
  const fail429At = opts.fail429At ?? 7;
  const requests: DemoApi['requests'] = [];
  const received: DemoApi['received'] = { contacts: new Map(), rows: 0, batches: 0, replayed: 0 };
  const answered = new Map<string, unknown>();
  let count = 0;

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => json(res, 500, { error: { code: 'internal_error', message: String(e) } }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search, status });
      json(res, status, body, headers);
    };
    count++;
    if (req.headers['x-api-key'] !== key) {
      reply(401, { error: { code: 'unauthorized', message: 'missing or invalid X-API-Key' } });
      return;
    }
    if (fail429At > 0 && count === fail429At) {
      reply(429, { error: { code: 'rate_limited', message: 'slow down' } }, { 'retry-after': '1' });
      return;
    }
    if (fail503Every > 0 && count % fail503Every === 0) {
      reply(503, { error: { code: 'unavailable', message: 'try again' } });
      return;
    }
    const q = url.searchParams;
    const num = (name: string, dflt: number): number => {
      const v = Number(q.get(name) ?? dflt);
      return Number.isFinite(v) && v >= 0 ? Math.floor(v) : dflt;
    };
    const path = url.pathname;
    if (req.method === 'GET' && path === '/v2/users') {
      const limit = Math.min(num('limit', 100), 500);
      const offset = num('offset', 0);
      reply(200, { data: users.slice(offset, offset + limit), meta: { total: users.length } });
    } else if (req.method === 'GET' && path === '/v2/orders') {
      const limit = Math.min(num('limit', 100), 500);
      const start = q.get('cursor') ? Number(Buffer.from(q.get('cursor')!, 'base64url').toString()) : 0;
      const page = orders.slice(start, start + limit);
      const next = start + limit < orders.length ? Buffer.from(String(start + limit)).toString('base64url') : null;
      reply(200, { orders: page, meta: { next_cursor: next, has_more: next !== null } });
    } else if (req.method === 'GET' && path === '/v2/events') {
      const per = Math.min(num('per_page', 100), 1000);
      const page = Math.max(1, num('page', 1));
      const slice = events.slice((page - 1) * per, page * per);
      const last = Math.ceil(events.length / per);
      const link = (p: number, rel: string): string => `<http://127.0.0.1:${port()}/v2/events?page=${p}&per_page=${per}>; rel="${rel}"`;
      const links = [link(1, 'first'), link(last, 'last')];
      if (page < last) links.unshift(link(page + 1, 'next'));
      reply(200, slice, { link: links.join(', ') });
    } else if (req.method === 'POST' && path === '/v2/tickets/search') {
      const body = JSON.parse((await readBody(req)) || '{}') as { filter?: { status?: string[] }; page_size?: number };
      const statuses = body.filter?.status;
      const matching = statuses ? tickets.filter((t) => statuses.includes(String(t.status))) : tickets;
      const size = Math.min(body.page_size ?? 50, 200);
      const page = Math.max(1, num('page', 1));
      const slice = matching.slice((page - 1) * size, page * size);
      const next = page * size < matching.length ? `http://127.0.0.1:${port()}/v2/tickets/search?page=${page + 1}` : null;
      reply(200, { results: slice, paging: { next } });
    } else if (req.method === 'POST' && path === '/v2/contacts/batch') {
      receiveContacts(await readBody(req), req.headers['idempotency-key'], reply);
    } else {
      reply(404, { error: { code: 'resource_not_found', message: `no route ${req.method} ${path}` } });
    }
  }

  /** A batch endpoint as reverse-ETL targets have them: all or nothing per batch, idempotent by key. */
  function receiveContacts(text: string, key: string | string[] | undefined, reply: (status: number, body: unknown) => void): void {
    const k = typeof key === 'string' ? key : undefined;
    if (k !== undefined && answered.has(k)) {
      received.replayed++;
      reply(200, answered.get(k));
      return;
    }
    let contacts: unknown;
    try {
      contacts = (JSON.parse(text) as { contacts?: unknown }).contacts;
    } catch {
      contacts = undefined;
    }
    if (!Array.isArray(contacts)) {
      reply(400, { error: { code: 'invalid_body', message: 'expected {"contacts": [...]}' } });
      return;
    }
    const errors = (contacts as Record<string, unknown>[])
      .map((c, index) => ({ index, c }))
      .filter(({ c }) => c.id === undefined || c.id === null || typeof c.email !== 'string' || !c.email.includes('@'))
      .map(({ index }) => ({ index, message: 'each contact needs an id and a valid email' }));
    if (errors.length > 0) {
      reply(422, { error: { code: 'invalid_contacts', errors } });
      return;
    }
    for (const c of contacts as Record<string, unknown>[]) received.contacts.set(String(c.id), c);
    received.rows += contacts.length;
    received.batches++;
    const body = { accepted: contacts.length };
    if (k !== undefined) answered.set(k, body);
    reply(200, body);
  }

  const port = (): number => (server.address() as AddressInfo).port;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${port()}/v2`,
    port: port(),
    key,
    requests,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const i = process.argv.indexOf('--port');
  const api = await startDemoApi({ port: i > 0 ? Number(process.argv[i + 1]) : 4010 });
  process.stdout.write(`DEMO_PORT=${api.port}\nDEMO_KEY=${api.key}\n`);
  process.stderr.write(`demo API on ${api.url} (Ctrl-C to stop)\n`);
}
