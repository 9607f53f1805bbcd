/**
 * A local receiving API for `floe push` tests (127.0.0.1, port 0). It records every request and
 * which rows it took under which idempotency key, and can be told to misbehave:
 * - `rejects(row)`: answer 422 to any batch holding such a row (nothing of the batch is taken);
 * - `script`: answers for the next requests, in order (`{ status, headers }`, or `hang`: take the
 *   batch, then answer only after `hangMs` — past the client's timeout — or `drop`: take the batch
 *   and reset the connection);
 * - `quotaAfter`: after that many taken batches, answer 429 with a day-long Retry-After;
 * - `onRequest`: called as a request arrives; `onTaken`: called when a batch's rows were taken,
 *   before the answer is written (e.g. to kill the pusher at the worst moment).
 * A key it has already taken is answered 200 again without taking the rows twice (as an API with
 * idempotency keys does); `taken` counts every acceptance, so tests see both views.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Row = Record<string, unknown>;

export interface Recorded {
  readonly method: string;
  readonly path: string;
  /** The query string, e.g. `?api_key=…` (empty when none). */
  readonly query: string;
  readonly key: string | undefined;
  readonly headers: IncomingMessage['headers'];
  readonly rows: Row[];
  /** The body as sent. */
  readonly raw: string;
  readonly status: number;
  /** True when the receiver took the rows (2xx, or taken before a hang/drop). */
  readonly taken: boolean;
  /** True when the key was taken before: answered 200, rows not taken again. */
  readonly replay: boolean;
}

export type Scripted =
  | { status: number; headers?: Record<string, string>; body?: unknown }
  | { hang: true }
  | { drop: true }
  /** Answer as usual. */
  | { pass: true };

export interface ReceiverOptions {
  /** Where batches are accepted (default /batch). */
  readonly path?: string;
  /** Rows arrive as `{ [wrapKey]: rows }` (default: a bare array). */
  readonly wrapKey?: string;
  readonly rejects?: (row: Row) => string | undefined;
  readonly quotaAfter?: number;
  readonly hangMs?: number;
  /** Header whose value must be `expectAuth` (else 401). */
  readonly authHeader?: string;
  readonly expectAuth?: string;
  readonly idempotencyHeader?: string;
}

export interface Receiver {
  readonly url: string;
  readonly requests: Recorded[];
  /** Answers for the next requests, consumed in order. */
  readonly script: Scripted[];
  onRequest: ((n: number) => void) | undefined;
  /** Called with the count of batches taken so far, right after taking one and before answering. */
  onTaken: ((taken: number) => void) | undefined;
  /** After this many taken batches, 429 with a day-long Retry-After; `undefined` lifts it. */
  quotaAfter: number | undefined;
  /** Every row taken, with the key it came under (a replayed key is not counted again). */
  taken(): { row: Row; key: string | undefined }[];
  close(): Promise<void>;
}

export async function startReceiver(opts: ReceiverOptions = {}): Promise<Receiver> {
  const path = opts.path ?? '/batch';
  const keyHeader = (opts.idempotencyHeader ?? 'Idempotency-Key').toLowerCase();
  const requests: Recorded[] = [];
  const script: Scripted[] = [];
  const takenKeys = new Set<string>();
  const rowsTaken: { row: Row; key: string | undefined }[] = [];
  let takenBatches = 0;
  const hanging = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => {
      res.writeHead(500).end(String(e));
    });
  });

  const receiver: Receiver = {
    url: '',
    requests,
    script,
    onRequest: undefined,
    onTaken: undefined,
    quotaAfter: opts.quotaAfter,
    taken: () => rowsTaken,
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of hanging) r.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const key = req.headers[keyHeader] as string | undefined;
    let rows: Row[] = [];
    try {
      const body = JSON.parse(text) as unknown;
      const list = opts.wrapKey ? (body as Record<string, unknown>)[opts.wrapKey] : body;
      if (Array.isArray(list)) rows = list as Row[];
    } catch {
      rows = [];
    }
    const record = (status: number, taken: boolean, replay = false): Recorded => {
      const r: Recorded = { method: req.method ?? '', path: url.pathname, query: url.search, key, headers: req.headers, rows, raw: text, status, taken, replay };
      requests.push(r);
      return r;
    };
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const take = (): void => {
      takenBatches++;
      if (key !== undefined) takenKeys.add(key);
      for (const row of rows) rowsTaken.push({ row, key });
      receiver.onTaken?.(takenBatches);
    };
    receiver.onRequest?.(requests.length + 1);
    if (url.pathname !== path || req.method === 'GET') {
      record(404, false);
      send(404, { error: 'no route' });
      return;
    }
    if (opts.authHeader && req.headers[opts.authHeader.toLowerCase()] !== opts.expectAuth) {
      record(401, false);
      send(401, { error: 'unauthorized' });
      return;
    }
    if (key !== undefined && takenKeys.has(key)) {
      record(200, true, true);
      send(200, { replayed: true });
      return;
    }
    const next = script.shift();
    if (next && 'hang' in next) {
      take();
      record(200, true);
      hanging.add(res);
      setTimeout(() => {
        hanging.delete(res);
        if (!res.destroyed) send(200, { ok: true, late: true });
      }, opts.hangMs ?? 3000);
      return;
    }
    if (next && 'drop' in next) {
      take();
      record(200, true);
      req.socket.destroy();
      return;
    }
    if (next && 'status' in next) {
      record(next.status, false);
      send(next.status, next.body ?? { error: `scripted ${next.status}` }, next.headers);
      return;
    }
    if (receiver.quotaAfter !== undefined && takenBatches >= receiver.quotaAfter) {
      record(429, false);
      send(429, { error: 'daily quota exhausted' }, { 'retry-after': '86400' });
      return;
    }
    const bad = rows.map((r, i) => ({ i, why: opts.rejects?.(r) })).filter((x) => x.why !== undefined);
    if (bad.length > 0) {
      record(422, false);
      send(422, { errors: bad.map((b) => ({ index: b.i, message: b.why })) });
      return;
    }
    take();
    record(200, true);
    send(200, { accepted: rows.length });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  (receiver as { url: string }).url = `http://127.0.0.1:${port}${path}`;
  return receiver;
}
