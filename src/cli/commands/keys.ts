import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { EXIT } from '../exit.js';
import { dataDirOption } from './serve.js';

/**
 * `floe keys rotate`: re-encrypts every stored secret under a new master key. With the key file
 * (no FLOE_MASTER_KEY), a new key is generated and the old one dropped once all is re-encrypted.
 * With FLOE_MASTER_KEY, set it to the new key and FLOE_PREVIOUS_MASTER_KEYS to the old one(s).
 */
export function keysCommand(program: Command, cli: CliContext): Command {
  const keys = program.command('keys').summary('master key of floe serve').description('Manage the key that encrypts stored secrets (AES-256-GCM).');
  keys
    .command('rotate')
    .summary('re-encrypt every stored secret under a new master key')
    .addOption(dataDirOption())
    .addHelpText('after', '\nWith FLOE_MASTER_KEY: FLOE_MASTER_KEY=<new> FLOE_PREVIOUS_MASTER_KEYS=<old> floe keys rotate')
    .action(
      cli.action(async (opts: { dataDir: string }) => {
        const { rotateKeys } = await import('../../store/rotate-keys.js');
        const r = await rotateKeys({ databaseUrl: cli.env.FLOE_DATABASE_URL, dataDir: opts.dataDir, env: cli.env });
        cli.io.stdout.write(`re-encrypted ${r.secrets} secret(s) in ${r.connectors} connector(s) and ${r.jobs} run/backfill snapshot(s) under key ${r.keyId}\n`);
        return EXIT.ok;
      }),
    );
  return keys;
}
