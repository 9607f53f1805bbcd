/**
 * A real local HTTP API for tests: a `node:http` server on 127.0.0.1, port 0, with a tiny router.
 *
 * It RECORDS every request (method, path, query, headers, body, arrival time), so tests assert what
 * was sent — query params, headers, bodies — not only what came back. A request no route matches
 * is answered with status 599 and recorded as unexpected; `assertNoUnexpected()` (called
 * automatically by `useMockApi`) fails the test on any.
 *
 * @example
 * const api = await useMockApi();                       // closed and checked after the test
 * api.get('/users', offsetPages(dataset(25), { recordsKey: 'data' }));
 * api.sequence('GET', '/flaky', [reply.status(503), reply.status(503), reply.json([{ id: 1 }])]);
 * // … run the code under test against api.url …
 * expect(api.requestsTo('/users').map((r) => r.query['offset'])).toEqual(['0', '10', '20']);
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { onTestFinished } from 'vitest';

export {
  dataset,
  offsetPages,
  pageNumberPages,
  cursorPages,
  linkHeaderPages,
  nextLinkPages,
  oauthTokens,
} from './mock-api-pages.js';

/** One request as the server saw it. */
export interface RecordedRequest {
  readonly method: string;
  /** Path without the query string, e.g. `/gh/repos`. */
  readonly path: string;
  /** Path and query string exactly as sent, e.g. `/users?limit=10&offset=0`. */
  readonly rawUrl: string;
  /** Decoded query parameters; a repeated name keeps its last value (see `searchParams` for all). */
  readonly query: Readonly<Record<string, string>>;
  readonly searchParams: URLSearchParams;
  /** Lower-case header names, as node:http gives them. */
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Arrival time (headers parsed), `performance.now()` milliseconds: monotonic, real time. */
  readonly at: number;
  /** False when no route matched (answered 599). */
  readonly matched: boolean;
}

/**
 * What a route answers. Every field is optional: the default is `200` with an empty JSON array.
 * Status 599 is reserved for "unexpected" and marks the request as such.
 */
export interface MockResponse {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  /** Serialized as JSON (with `content-type: application/json`) unless `raw` is given. */
  readonly json?: unknown;
  /** Sent as is; set `content-type` yourself in `headers`. */
  readonly raw?: string | Buffer;
  /** Wait this long (real time) before answering. */
  readonly delayMs?: number;
  /** Destroy the connection instead of answering (the client sees a reset). */
  readonly reset?: boolean;
}

/** Computes the answer to one request; `n` is this route's 0-based request count. */
export type Handler = (req: RecordedRequest, n: number, api: MockApi) => MockResponse | Promise<MockResponse>;

/** Builders for common answers. */
export const reply = {
  json: (json: unknown, init: Omit<MockResponse, 'json' | 'raw'> = {}): MockResponse => ({ ...init, json }),
  status: (
    status: number,
    json: unknown = { error: `status ${status}` },
    headers: MockResponse['headers'] = {},
  ): MockResponse => ({
    status,
    json,
    headers,
  }),
  /** A 429 or 503 carrying `Retry-After` (seconds or an HTTP-date). */
  retryAfter: (status: 429 | 503, value: string): MockResponse => ({
    status,
    json: { error: 'slow down' },
    headers: { 'retry-after': value },
  }),
  /** `json` compressed with `encoding` (gzip, deflate, br), with the matching Content-Encoding. */
  compressed: (json: unknown, encoding: 'gzip' | 'deflate' | 'br', headers: Record<string, string> = {}): MockResponse => {
    const text = Buffer.from(JSON.stringify(json));
    const raw = encoding === 'gzip' ? gzipSync(text) : encoding === 'deflate' ? deflateSync(text) : brotliCompressSync(text);
    return { raw, headers: { 'content-type': 'application/json', 'content-encoding': encoding, ...headers } };
  },
  html: (
    html = '<!doctype html><html><body><h1>502 Bad Gateway</h1></body></html>',
    status = 200,
  ): MockResponse => ({
    status,
    raw: html,
    headers: { 'content-type': 'text/html; charset=utf-8' },
  }),
  text: (text: string, contentType = 'text/plain', status = 200): MockResponse => ({
    status,
    raw: text,
    headers: { 'content-type': contentType },
  }),
  delay: (delayMs: number, response: MockResponse = {}): MockResponse => ({ ...response, delayMs }),
  reset: (): MockResponse => ({ reset: true }),
};

interface Route {
  readonly method: string;
  readonly path: string | RegExp;
  readonly handler: Handler;
  count: number;
}

/** The mock API server. Start with `MockApi.start()` (or `useMockApi()` in a test). */
export class MockApi {
  /** Every request, in arrival order, matched or not. */
  readonly requests: RecordedRequest[] = [];
  private readonly routes: Route[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    /** Base URL without a trailing slash, e.g. `http://127.0.0.1:53211`. */
    readonly url: string,
  ) {}

  /** Starts a server on 127.0.0.1 with an OS-assigned port. */
  static async start(): Promise<MockApi> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const api = new MockApi(server, `http://127.0.0.1:${port}`);
    server.on('connection', (s) => {
      api.sockets.add(s);
      s.on('close', () => api.sockets.delete(s));
    });
    server.on('request', (req, res) => {
      const at = performance.now();
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on(
        'end',
        () =>
          void api.handle(
            req.method ?? 'GET',
            req.url ?? '/',
            req.headers,
            Buffer.concat(chunks).toString('utf8'),
            at,
            res,
          ),
      );
    });
    return api;
  }

  /** Adds a route; `path` is matched exactly against the path without query (or by a RegExp). */
  route(method: string, path: string | RegExp, handler: Handler | MockResponse): this {
    this.routes.push({
      method: method.toUpperCase(),
      path,
      handler: typeof handler === 'function' ? handler : () => handler,
      count: 0,
    });
    return this;
  }

  get(path: string | RegExp, handler: Handler | MockResponse): this {
    return this.route('GET', path, handler);
  }

  post(path: string | RegExp, handler: Handler | MockResponse): this {
    return this.route('POST', path, handler);
  }

  /** Answers the route's requests with `responses` in turn; one more request is unexpected (599). */
  sequence(method: string, path: string | RegExp, responses: readonly MockResponse[]): this {
    return this.route(
      method,
      path,
      (_req, n) => responses[n] ?? { status: 599, json: { error: 'sequence exhausted' } },
    );
  }

  /** Requests whose path equals `path` (any method). */
  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Requests no route matched. */
  get unexpected(): RecordedRequest[] {
    return this.requests.filter((r) => !r.matched);
  }

  /** Throws when any request matched no route (or a `sequence` ran out). */
  assertNoUnexpected(): void {
    const bad = this.requests.filter((r) => !r.matched);
    if (bad.length > 0) {
      throw new Error(
        `mock API got ${bad.length} unexpected request(s): ${bad.map((r) => `${r.method} ${r.rawUrl}`).join(', ')}`,
      );
    }
  }

  /** Full URL for a path on this server. */
  at(path: string): string {
    return `${this.url}${path.startsWith('/') ? '' : '/'}${path}`;
  }

  /** Stops the server, dropping open connections and pending delayed answers. */
  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const s of this.sockets) s.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(
    method: string,
    rawUrl: string,
    headers: IncomingHttpHeaders,
    body: string,
    at: number,
    res: ServerResponse,
  ): Promise<void> {
    const parsed = new URL(rawUrl, this.url);
    const path = parsed.pathname;
    const route = this.routes.find(
      (r) => r.method === method && (typeof r.path === 'string' ? r.path === path : r.path.test(path)),
    );
    const base = { method, path, rawUrl, searchParams: parsed.searchParams, headers, body, at };
    const recorded: RecordedRequest = {
      ...base,
      query: Object.fromEntries(parsed.searchParams),
      matched: route !== undefined,
    };
    this.requests.push(recorded);
    let response: MockResponse;
    if (route === undefined) {
      response = { status: 599, json: { error: `mock API: no route for ${method} ${path}` } };
    } else {
      try {
        response = await route.handler(recorded, route.count++, this);
      } catch (e) {
        response = { status: 599, json: { error: `mock API handler threw: ${String(e)}` } };
        (recorded as { matched: boolean }).matched = false;
      }
    }
    if (response.status === 599) (recorded as { matched: boolean }).matched = false;
    if (response.delayMs !== undefined && response.delayMs > 0) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          this.timers.delete(t);
          resolve();
        }, response.delayMs);
        this.timers.add(t);
      });
    }
    if (res.destroyed) return;
    if (response.reset === true) {
      res.socket?.destroy();
      return;
    }
    const text = response.raw ?? JSON.stringify(response.json ?? []);
    const out: Record<string, string | readonly string[]> = {};
    if (response.raw === undefined) out['content-type'] = 'application/json';
    Object.assign(out, response.headers ?? {});
    res.writeHead(response.status ?? 200, out as Record<string, string | string[]>);
    res.end(text);
  }
}

/**
 * Starts a mock API for the current test and, when the test finishes, closes it and fails the test
 * if it received unexpected requests (pass `{ allowUnexpected: true }` when a test expects some).
 */
export async function useMockApi(opts: { allowUnexpected?: boolean } = {}): Promise<MockApi> {
  const api = await MockApi.start();
  onTestFinished(async () => {
    await api.close();
    if (opts.allowUnexpected !== true) api.assertNoUnexpected();
  });
  return api;
}
