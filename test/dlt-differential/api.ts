/**
 * The local API both dlt and floe read in the differential suite: GitHub- and PokeAPI-shaped
 * answers from recorded fixtures (`test/fixtures/dlt-differential/`), and a small shop API that
 * pages, authenticates, nests and filters in every way a dlt paginator, auth type, parent/child
 * form and incremental form expects. One server on 127.0.0.1 (port 0) for the whole batch; every
 * answer is a pure function of the request, so dlt and floe see the same data.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MockApi, reply, type MockResponse, type RecordedRequest } from '../support/mock-api.js';

type Row = Record<string, unknown>;
const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../fixtures/dlt-differential/${name}`, import.meta.url)), 'utf8')) as T;

export const github = { issues: fixture<Row[]>('github-issues.json'), comments: fixture<Record<string, Row[]>>('github-comments.json') };
export const pokeapi = { pokemon: fixture<Row[]>('pokeapi-pokemon.json'), lists: fixture<Record<string, Row[]>>('pokeapi-lists.json') };
export const shop = { items: fixture<Row[]>('shop-items.json'), categories: fixture<Row[]>('shop-categories.json') };

export const SECRETS = { token: 'diff-token-123', apiKey: 'diff-key-456', user: 'diff-user', password: 'diff-pass', clientId: 'diff-client', clientSecret: 'diff-secret' };

const int = (v: string | undefined, d: number): number => (v === undefined || v === '' ? d : Number.parseInt(v, 10));
const slice = <T>(rows: readonly T[], from: number, n: number): T[] => rows.slice(Math.max(0, from), Math.max(0, from) + n);
const url = (api: MockApi, req: RecordedRequest, set: Record<string, string | number>): string => {
  const q = new URLSearchParams(req.searchParams);
  for (const [k, v] of Object.entries(set)) q.set(k, String(v));
  return `${api.url}${req.path}?${q.toString()}`;
};
const byUpdated = (rows: readonly Row[], since?: string, until?: string, key = 'updatedAt'): Row[] =>
  rows.filter((r) => (since === undefined || String(r[key]) >= since) && (until === undefined || String(r[key]) < until));

/** GitHub's Link header paging: `page`/`per_page`, the server caps pages at 4 rows to make several. */
function githubPages(api: MockApi, req: RecordedRequest, rows: readonly Row[]): MockResponse {
  const per = Math.min(int(req.query.per_page, 30), 4);
  const page = int(req.query.page, 1);
  const last = Math.max(1, Math.ceil(rows.length / per));
  const links = [];
  if (page < last) links.push(`<${url(api, req, { page: page + 1 })}>; rel="next"`, `<${url(api, req, { page: last })}>; rel="last"`);
  if (page > 1) links.push(`<${url(api, req, { page: 1 })}>; rel="first"`);
  return reply.json(slice(rows, (page - 1) * per, per), links.length > 0 ? { headers: { link: links.join(', ') } } : {});
}

/** PokeAPI's `{count, next, previous, results}` pages by `offset`/`limit` (capped at 6 rows). */
function pokePages(api: MockApi, req: RecordedRequest, rows: readonly Row[]): MockResponse {
  const limit = Math.min(int(req.query.limit, 20), 6);
  const offset = int(req.query.offset, 0);
  const next = offset + limit < rows.length ? url(api, req, { offset: offset + limit, limit }) : null;
  const previous = offset > 0 ? url(api, req, { offset: Math.max(0, offset - limit), limit }) : null;
  return reply.json({ count: rows.length, next, previous, results: slice(rows, offset, limit) });
}

function authorized(req: RecordedRequest, kind: string): boolean {
  const h = req.headers;
  if (kind === 'bearer') return h.authorization === `Bearer ${SECRETS.token}`;
  if (kind === 'api_key_header') return h['x-api-key'] === SECRETS.apiKey;
  if (kind === 'api_key_query') return req.query.api_key === SECRETS.apiKey;
  if (kind === 'basic') return h.authorization === `Basic ${Buffer.from(`${SECRETS.user}:${SECRETS.password}`).toString('base64')}`;
  if (kind === 'oauth') return h.authorization === 'Bearer oauth-access-1';
  return false;
}

/** Starts the API with every route of the batch. */
export async function startDifferentialApi(): Promise<MockApi> {
  const api = await MockApi.start();
  // --- GitHub (dlt's rest_api_pipeline.py template) ---
  const gh = '/repos/dlt-hub/dlt';
  api.get(`${gh}/issues`, (req) => {
    const since = req.query.since;
    const rows = github.issues.filter((r) => since === undefined || String(r.updated_at) >= since);
    rows.sort((a, b) => String(b.updated_at).localeCompare(String(a.updated_at)));
    return githubPages(api, req, rows);
  });
  api.get(new RegExp(`^${gh}/issues/\\d+/comments$`), (req) => {
    const n = /issues\/(\d+)\/comments/.exec(req.path)?.[1] ?? '';
    const rows = github.comments[n];
    return rows === undefined ? reply.status(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' }) : githubPages(api, req, rows);
  });
  api.get(new RegExp(`^${gh}/issues/\\d+$`), (req) => {
    const n = Number(/issues\/(\d+)$/.exec(req.path)?.[1]);
    const row = github.issues.find((r) => r.number === n);
    return row === undefined ? reply.status(404, { message: 'Not Found' }) : reply.json(row);
  });
  // --- PokeAPI (dlt's load_pokemon) ---
  const names = pokeapi.pokemon.map((p) => ({ name: p.name, url: `${api.url}/api/v2/pokemon/${String(p.id)}/` }));
  api.get('/api/v2/pokemon', (req) => pokePages(api, req, names));
  api.get('/api/v2/berry', (req) => pokePages(api, req, pokeapi.lists.berry ?? []));
  api.get('/api/v2/location', (req) => pokePages(api, req, pokeapi.lists.location ?? []));
  api.get(/^\/api\/v2\/pokemon\/[a-z0-9-]+\/?$/, (req) => {
    const key = req.path.split('/').filter(Boolean).pop() ?? '';
    const p = pokeapi.pokemon.find((r) => r.name === key || String(r.id) === key);
    return p === undefined ? reply.status(404, 'Not Found') : reply.json(p);
  });
  // --- shop: one route per paginator ---
  const items = shop.items;
  api.get('/shop/json_link', (req) => {
    const page = int(req.query.page, 1);
    return reply.json({ data: slice(items, (page - 1) * 5, 5), next: page * 5 < items.length ? url(api, req, { page: page + 1 }) : null });
  });
  api.get('/shop/json_link_nested', (req) => {
    const page = int(req.query.p, 0);
    const more = (page + 1) * 7 < items.length;
    return reply.json({ result: { items: slice(items, page * 7, 7) }, pagination: { next: more ? url(api, req, { p: page + 1 }) : null } });
  });
  api.get('/shop/header_link', (req) => githubPages(api, req, items));
  api.get('/shop/offset', (req) => {
    const limit = int(req.query.limit, 10);
    return reply.json({ items: slice(items, int(req.query.offset, 0), Math.min(limit, 10)), total: items.length });
  });
  api.get('/shop/offset_no_total', (req) => reply.json({ items: slice(items, int(req.query.skip, 0), int(req.query.take, 10)) }));
  api.post('/shop/offset_body', (req) => {
    const body = JSON.parse(req.body || '{}') as { paging?: { offset?: number; limit?: number } };
    return reply.json({ items: slice(items, body.paging?.offset ?? 0, body.paging?.limit ?? 10), total: items.length });
  });
  api.get('/shop/page_number', (req) => {
    const page = int(req.query.page, 1);
    return reply.json({ data: slice(items, (page - 1) * 6, 6), total: Math.ceil(items.length / 6) });
  });
  api.get('/shop/page_number_no_total', (req) => reply.json({ data: slice(items, int(req.query.page, 0) * 4, 4) }));
  api.get('/shop/cursor', (req) => {
    const from = req.query.cursor === undefined ? 0 : Number(Buffer.from(req.query.cursor, 'base64url').toString());
    const next = from + 5 < items.length ? Buffer.from(String(from + 5)).toString('base64url') : null;
    return reply.json({ data: slice(items, from, 5), cursors: { next } });
  });
  api.post('/shop/search', (req) => {
    const body = JSON.parse(req.body || '{}') as { query?: { inStock?: boolean }; next_token?: string };
    const rows = items.filter((r) => body.query?.inStock === undefined || r.inStock === body.query.inStock);
    const from = body.next_token === undefined ? 0 : Number(body.next_token.slice(3));
    return reply.json({ hits: slice(rows, from, 4), next_token: from + 4 < rows.length ? `tok${from + 4}` : null });
  });
  api.get('/shop/header_cursor', (req) => {
    const from = int(req.query.after, 0);
    return reply.json(slice(items, from, 6), from + 6 < items.length ? { headers: { 'x-next-cursor': String(from + 6) } } : {});
  });
  api.get('/shop/has_more', (req) => {
    const after = req.query.starting_after;
    const from = after === undefined ? 0 : items.findIndex((r) => String(r.id) === after) + 1;
    const page = slice(items, from, 8);
    return reply.json({ object: 'list', data: page, has_more: from + 8 < items.length, last_id: page.at(-1)?.id ?? null });
  });
  api.get('/shop/single', reply.json({ generatedAt: '2024-05-01T00:00:00Z', items: items.slice(0, 9) }));
  api.get('/shop/bounded', (req) => reply.json({ rows: slice(items, int(req.query.offset, 0), int(req.query.limit, 5)), total: 1000 }));
  // --- auth ---
  for (const kind of ['bearer', 'api_key_header', 'api_key_query', 'basic', 'oauth']) {
    api.get(`/secure/${kind}/items`, (req) => (authorized(req, kind) ? reply.json({ data: items.slice(0, 8) }) : reply.status(401, { message: 'unauthorized' })));
  }
  api.post('/oauth/token', (req) => {
    const form = new URLSearchParams(req.body);
    const basic = `Basic ${Buffer.from(`${SECRETS.clientId}:${SECRETS.clientSecret}`).toString('base64')}`;
    const ok = form.get('grant_type') === 'client_credentials' && (req.headers.authorization === basic || (form.get('client_id') === SECRETS.clientId && form.get('client_secret') === SECRETS.clientSecret));
    return ok ? reply.json({ access_token: 'oauth-access-1', token_type: 'Bearer', expires_in: 3600 }) : reply.status(401, { error: 'invalid_client' });
  });
  // --- parent/child ---
  api.get('/shop/categories', reply.json(shop.categories));
  api.get(/^\/shop\/categories\/\d+\/products$/, (req) => {
    const id = Number(req.path.split('/')[3]);
    if (id === 4) return reply.status(404, { message: 'category deleted' });
    return reply.json({ products: items.filter((r) => (r.category as Row).id === id) });
  });
  api.get(/^\/shop\/categories\/\d+$/, (req) => {
    const id = Number(req.path.split('/')[3]);
    const c = shop.categories.find((r) => r.id === id);
    return c === undefined ? reply.status(404, {}) : reply.json({ ...c, itemCount: items.filter((r) => (r.category as Row).id === id).length });
  });
  api.get('/shop/products', (req) => {
    const cat = int(req.query.category_id, -1);
    return reply.json({ products: items.filter((r) => (r.category as Row).id === cat) });
  });
  // --- incremental ---
  api.get('/shop/events', (req) => {
    const rows = byUpdated(items, req.query.since, req.query.until).sort((a, b) => String(a.updatedAt).localeCompare(String(b.updatedAt)) || Number(a.id) - Number(b.id));
    const page = int(req.query.page, 1);
    return reply.json({ events: slice(rows, (page - 1) * 6, 6), total: Math.max(1, Math.ceil(rows.length / 6)) });
  });
  // a record without the cursor field (on_cursor_value_missing decides), always sent
  api.get('/shop/changes', (req) => reply.json({ data: [...byUpdated(items, req.query.updated_since), { id: 99, productName: 'no cursor yet', price: 1.5 }] }));
  // --- SCD2: each client's second request sees a changed and a vanished customer ---
  const calls = new Map<string, number>();
  api.get('/shop/customers', (req) => {
    const who = String(req.headers['user-agent'] ?? '');
    const n = calls.get(who) ?? 0;
    calls.set(who, n + 1);
    const v1 = [
      { id: 1, name: 'Ada', tier: 'gold', city: 'London' },
      { id: 2, name: 'Grace', tier: 'silver', city: 'Arlington' },
      { id: 3, name: 'Edsger', tier: 'bronze', city: 'Nuenen' },
    ];
    const v2 = [{ ...v1[0]!, tier: 'platinum' }, v1[1]!, { id: 4, name: 'Barbara', tier: 'gold', city: 'Boston' }];
    return reply.json({ customers: n === 0 ? v1 : v2 });
  });
  return api;
}
