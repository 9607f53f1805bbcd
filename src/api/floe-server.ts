import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { LoadedConfig } from '../config/load-config.js';
import type { Parts } from '../run/parts.js';
import { Scheduler } from '../run/schedule/scheduler.js';
import { JobWorker } from '../run/worker/job-worker.js';
import { openStore, type Store, type StoreOptions } from '../store/store.js';
import { systemClock, type Clock } from '../util/clock.js';
import { FloeError } from '../util/errors.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { buildApiServer } from './api-server.js';
import { registerConsole } from './console-assets.js';
import { registerEventsSocket } from './events-socket.js';
import type { ServeContext } from './route.js';
import { API_ROUTES } from './routes/index.js';

export interface ServeOptions {
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /** Plain HTTP on a non-loopback address (behind a TLS-terminating proxy). */
  readonly allowHttp?: boolean;
  /** Jobs this replica runs at once; 0 serves the API only. */
  readonly workers?: number;
  readonly store?: Store;
  readonly storeOptions?: StoreOptions;
  readonly env?: Record<string, string | undefined>;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly rateLimit?: { perSecond: number; burst: number };
  readonly ticketTtlMs?: number;
  /** Scheduler tick (default 5 s); 0 disables the timer (tests call `scheduler.tick()`). */
  readonly schedulerEveryMs?: number;
  readonly pollMs?: number;
  readonly heartbeatMs?: number;
  readonly staleMs?: number;
  readonly parts?: (loaded: LoadedConfig) => Parts;
  /** The web console's built files (default `dist/console`); false serves the API only. */
  readonly console?: string | false;
}

export interface FloeServer {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly worker: JobWorker | undefined;
  readonly scheduler: Scheduler;
  close(): Promise<void>;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/**
 * `floe serve`: the management API, the WebSocket, the scheduler and `workers` job slots over one
 * store (embedded PGlite, or PostgreSQL shared by replicas).
 */
export async function startServer(opts: ServeOptions = {}): Promise<FloeServer> {
  const host = opts.host ?? '127.0.0.1';
  if (!opts.tls && !opts.allowHttp && !LOOPBACK.test(host)) {
    throw new FloeError(
      'USAGE',
      'config',
      `serve: plain HTTP is only served on loopback; give --tls-cert and --tls-key to listen on ${host}, or --allow-http behind a TLS-terminating proxy`,
    );
  }
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? silentLogger;
  const env = opts.env ?? process.env;
  const store = opts.store ?? (await openStore({ ...opts.storeOptions, env, clock }));
  let worker: JobWorker | undefined;
  const serve: ServeContext = {
    store,
    clock,
    logger,
    env,
    rateLimit: opts.rateLimit ?? { perSecond: 20, burst: 100 },
    ticketTtlMs: opts.ticketTtlMs ?? 60_000,
    wake: async () => {
      worker?.wake();
      if (store.shared) await store.events.control({ type: 'job' });
    },
  };
  const scheduler = new Scheduler(store, clock, logger, serve.wake);
  const app = buildApiServer(serve, API_ROUTES, opts.tls ? { https: opts.tls } : {});
  const closeSocket = await registerEventsSocket(app, serve);
  if (opts.console !== false) await registerConsole(app, opts.console);
  await app.listen({ host, port: opts.port ?? 8080 });
  const { port } = app.server.address() as AddressInfo;
  const url = `${opts.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  if ((opts.workers ?? 2) > 0) {
    worker = new JobWorker({
      store,
      clock,
      logger,
      env,
      concurrency: opts.workers ?? 2,
      ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
      ...(opts.heartbeatMs !== undefined ? { heartbeatMs: opts.heartbeatMs } : {}),
      ...(opts.staleMs !== undefined ? { staleMs: opts.staleMs } : {}),
      ...(opts.parts ? { parts: opts.parts } : {}),
    });
    await worker.start();
  }
  if ((opts.schedulerEveryMs ?? 5000) > 0) scheduler.start(opts.schedulerEveryMs ?? 5000);
  logger.info('floe serve listening', { url, store: store.db.kind, workers: opts.workers ?? 2, worker_id: worker?.id, key_id: store.box.current.id });
  let closing: Promise<void> | undefined;
  return {
    url,
    app,
    store,
    worker,
    scheduler,
    close: () =>
      (closing ??= (async () => {
        await scheduler.stop();
        await worker?.stop();
        await closeSocket();
        await app.close();
        if (!opts.store) await store.close();
      })()),
  };
}
