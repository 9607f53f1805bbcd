import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { FloeError } from '../../util/errors.js';
import { TextLogger } from '../../util/logger.js';
import type { CliContext } from '../cli-context.js';
import { EXIT } from '../exit.js';
import { OPTIONS, positiveInt } from '../options.js';

interface ServeOpts {
  host: string;
  port: number;
  dataDir: string;
  workers: number;
  tlsCert?: string;
  tlsKey?: string;
  allowHttp?: boolean;
  rateLimit: number;
  logFormat: 'text' | 'json';
}

/**
 * `floe serve`: the management API (/api/v1), the events WebSocket, schedules and workers. The
 * store is embedded (PGlite under --data-dir) unless FLOE_DATABASE_URL names a PostgreSQL server,
 * which replicas share.
 */
export function serveCommand(program: Command, cli: CliContext): Command {
  return program
    .command('serve')
    .summary('run connectors as a service: management API, schedules, workers')
    .description(
      'Serve the management API on /api/v1 (OpenAPI at /api/v1/openapi.json) with live run events on a WebSocket, fire schedules and run jobs. ' +
        'Embedded store by default; FLOE_DATABASE_URL=postgresql://… for replicas. Secrets are encrypted under FLOE_MASTER_KEY or <data-dir>/master.key.',
    )
    .addOption(new Option('--host <address>', 'address to listen on; plain HTTP only on loopback').default('127.0.0.1'))
    .addOption(new Option('--port <n>', 'port (0 picks a free one)').argParser(wholeNumber).default(8080))
    .addOption(dataDirOption())
    .addOption(new Option('--workers <k>', 'jobs this replica runs at once (0: API only)').argParser(wholeNumber).default(2))
    .addOption(new Option('--tls-cert <file>', 'PEM certificate for HTTPS'))
    .addOption(new Option('--tls-key <file>', 'PEM private key for HTTPS'))
    .addOption(new Option('--allow-http', 'plain HTTP on a non-loopback address (behind a TLS-terminating proxy)'))
    .addOption(new Option('--rate-limit <n>', 'API requests per second per tenant (bursts of 5x)').argParser(positiveInt).default(20))
    .addOption(OPTIONS.logFormat())
    .addHelpText('after', '\nExamples:\n  floe tokens create && floe serve\n  FLOE_DATABASE_URL=postgresql://floe@db/floe FLOE_MASTER_KEY=… floe serve --host 0.0.0.0 --tls-cert c.pem --tls-key k.pem --workers 4')
    .action(
      cli.action(async (opts: ServeOpts) => {
        if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined)) throw new FloeError('USAGE', 'config', 'serve: give both --tls-cert and --tls-key');
        const tls = opts.tlsCert && opts.tlsKey ? { cert: await readFile(opts.tlsCert), key: await readFile(opts.tlsKey) } : undefined;
        const env = cli.env;
        const logger = new TextLogger({ sink: cli.io.stderr, json: opts.logFormat === 'json' });
        const ms = (name: string): number | undefined => (env[name] ? wholeNumber(env[name]) : undefined);
        const timing = { pollMs: ms('FLOE_SERVE_POLL_MS'), heartbeatMs: ms('FLOE_SERVE_HEARTBEAT_MS'), staleMs: ms('FLOE_SERVE_STALE_MS'), schedulerEveryMs: ms('FLOE_SERVE_SCHEDULER_MS') };
        // Loaded on use: the server's libraries (fastify, PGlite, pg) stay out of every other command's start-up.
        const { startServer } = await import('../../api/floe-server.js');
        const server = await startServer({
          host: opts.host,
          port: opts.port,
          ...(tls ? { tls } : {}),
          allowHttp: opts.allowHttp ?? false,
          workers: opts.workers,
          storeOptions: { databaseUrl: env.FLOE_DATABASE_URL, dataDir: opts.dataDir },
          env,
          logger,
          rateLimit: { perSecond: opts.rateLimit, burst: opts.rateLimit * 5 },
          ...Object.fromEntries(Object.entries(timing).filter(([, v]) => v !== undefined)),
        });
        cli.io.stdout.write(`floe serve: console ${server.url}/ · API ${server.url}/api/v1 (store: ${server.store.db.kind}; OpenAPI: ${server.url}/api/v1/openapi.json)\n`);
        await new Promise<void>((resolve) => {
          const signal = cli.io.signal;
          if (!signal || signal.aborted) return resolve();
          signal.addEventListener('abort', () => resolve(), { once: true });
        });
        logger.info('stopping: no new jobs are claimed; running jobs end (or another replica resumes them)');
        await server.close();
        return EXIT.ok;
      }),
    );
}

export function dataDirOption(): Option {
  return new Option('--data-dir <dir>', 'embedded database, master key file and stage files of floe serve').default('.floe-server');
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected a whole number, got "${value}"`);
  return n;
}
