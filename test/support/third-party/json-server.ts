/**
 * The real json-server, both lines floe users meet, started in-process on 127.0.0.1 port 0:
 * - 0.17.x (`json-server-017`): `?_page=N` (10 rows unless `_limit`), `Link` rel first/prev/next/last
 *   and `X-Total-Count` headers, a top-level array body, gzip when asked (its `compression`).
 * - 1.0 beta (`json-server-1`, the last beta that runs on Node 20): `?_page=N&_per_page=M` answers
 *   `{ first, prev, next, last, pages, items, data }`, and a page past the end gets the last page again.
 * Both are exact-pinned devDependencies (npm aliases); see the README's dependency section.
 */
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';

export interface RunningServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  close(): Promise<void>;
}

type Db = Record<string, unknown[]>;

interface Express017 {
  use(...handlers: unknown[]): void;
  listen(port: number, host: string, cb: () => void): Server;
}
interface JsonServer017 {
  create(): Express017;
  defaults(opts: { logger: boolean; noCors?: boolean; static?: string }): unknown[];
  router(db: Db): unknown;
}

interface TinyApp {
  listen(port: number, cb: () => void, host: string): Server;
}
type CreateApp1 = (
  db: { data: Db; write(): Promise<void> },
  opts: { logger: boolean; static: string[] },
) => TinyApp;

const require = createRequire(import.meta.url);

/** json-server 0.17 with `db` (deep-copied: it mutates), closed when the test finishes. */
export async function startJsonServer017(db: Db): Promise<RunningServer> {
  const js = require('json-server-017') as JsonServer017;
  const app = js.create();
  app.use(...js.defaults({ logger: false, static: '/nonexistent-floe-static' }));
  app.use(js.router(structuredClone(db)));
  return listening((ready) => app.listen(0, '127.0.0.1', ready));
}

/** json-server 1.0 beta with `db`, closed when the test finishes. */
export async function startJsonServer1(db: Db): Promise<RunningServer> {
  const { createApp } = (await import('json-server-1/lib/app.js')) as unknown as { createApp: CreateApp1 };
  const app = createApp(
    { data: structuredClone(db), write: () => Promise.resolve() },
    { logger: false, static: [] },
  );
  return listening((ready) => app.listen(0, ready, '127.0.0.1'));
}

async function listening(start: (ready: () => void) => Server): Promise<RunningServer> {
  let server: Server | undefined;
  await new Promise<void>((resolve, reject) => {
    server = start(resolve);
    server.once('error', reject);
  });
  const s = server!;
  const { port } = s.address() as AddressInfo;
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      s.closeAllConnections();
      s.close(() => resolve());
    });
  onTestFinished(close);
  return { url: `http://127.0.0.1:${port}`, close };
}
