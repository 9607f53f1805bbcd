import { rotateKeys } from '../../store/rotate-keys.js';
import { FloeError } from '../../util/errors.js';
import { EXIT, parse, type CliIo } from '../cli.js';

/**
 * `floe keys rotate`: re-encrypts every stored secret under a new master key. With the key file
 * (no FLOE_MASTER_KEY), a new key is generated and the old one dropped once all is re-encrypted.
 * With FLOE_MASTER_KEY, set it to the new key and FLOE_PREVIOUS_MASTER_KEYS to the old one(s).
 */
export async function keysCommand(args: string[], io: CliIo): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'rotate') throw new FloeError('USAGE', 'config', 'keys: use `floe keys rotate [--data-dir .floe-server]`');
  const { values } = parse(rest, { 'data-dir': { type: 'string', default: '.floe-server' } }, 'keys rotate');
  const r = await rotateKeys({ databaseUrl: io.env.FLOE_DATABASE_URL, dataDir: values['data-dir'], env: io.env });
  io.stdout.write(`re-encrypted ${r.secrets} secret(s) in ${r.connectors} connector(s) and ${r.jobs} run/backfill snapshot(s) under key ${r.keyId}\n`);
  return EXIT.ok;
}
