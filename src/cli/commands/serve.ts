import { readFile } from 'node:fs/promises';
import { startServer } from '../../api/floe-server.js';
import { FloeError } from '../../util/errors.js';
import { TextLogger } from '../../util/logger.js';
import { parse, type CliIo } from '../cli.js';

/**
 * `floe serve`: the management API, schedules and workers. The store is embedded (PGlite under
 * --data-dir) unless FLOE_DATABASE_URL names a PostgreSQL server, which replicas share.
 */
export async function serveCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8080' },
      'data-dir': { type: 'string', default: '.floe-server' },
      workers: { type: 'string', default: '2' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'allow-http': { type: 'boolean' },
      'rate-limit': { type: 'string', default: '20' },
      'log-format': { type: 'string', default: 'text' },
    },
    'serve',
  );
  if (positionals.length > 0) throw new FloeError('USAGE', 'config', `serve: unexpected argument "${positionals[0]}"`);
  const int = (name: string, v: string, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new FloeError('USAGE', 'config', `serve: --${name} must be a whole number ≥ ${min}, got "${v}"`);
    return n;
  };
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) {
    throw new FloeError('USAGE', 'config', 'serve: give both --tls-cert and --tls-key');
  }
  const tls = values['tls-cert'] && values['tls-key'] ? { cert: await readFile(values['tls-cert']), key: await readFile(values['tls-key']) } : undefined;
  const logger = new TextLogger({ sink: io.stderr, json: values['log-format'] === 'json' });
  const rate = int('rate-limit', values['rate-limit'], 1);
  const ms = (name: string): number | undefined => (io.env[name] ? int(name, io.env[name], 1) : undefined);
  const pollMs = ms('FLOE_SERVE_POLL_MS');
  const heartbeatMs = ms('FLOE_SERVE_HEARTBEAT_MS');
  const staleMs = ms('FLOE_SERVE_STALE_MS');
  const schedulerEveryMs = ms('FLOE_SERVE_SCHEDULER_MS');
  const server = await startServer({
    host: values.host,
    port: int('port', values.port, 0),
    ...(tls ? { tls } : {}),
    allowHttp: values['allow-http'] ?? false,
    workers: int('workers', values.workers, 0),
    storeOptions: { databaseUrl: io.env.FLOE_DATABASE_URL, dataDir: values['data-dir'] },
    env: io.env,
    logger,
    rateLimit: { perSecond: rate, burst: rate * 5 },
    ...(pollMs !== undefined ? { pollMs } : {}),
    ...(heartbeatMs !== undefined ? { heartbeatMs } : {}),
    ...(staleMs !== undefined ? { staleMs } : {}),
    ...(schedulerEveryMs !== undefined ? { schedulerEveryMs } : {}),
  });
  io.stdout.write(`floe serve: ${server.url}/api/v1 (store: ${server.store.db.kind}; OpenAPI: ${server.url}/api/v1/openapi.json)\n`);
  await new Promise<void>((resolve) => {
    if (!io.signal) return;
    if (io.signal.aborted) resolve();
    io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  logger.info('stopping: no new jobs are claimed; running jobs finish (or are resumed by another replica)');
  await server.close();
  return 0;
}
