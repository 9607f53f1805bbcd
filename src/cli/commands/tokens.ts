import { Option, type Command } from 'commander';
import type { Store } from '../../store/store.js';
import { FloeError } from '../../util/errors.js';
import type { CliContext } from '../cli-context.js';
import { EXIT } from '../exit.js';
import { OPTIONS } from '../options.js';
import { table } from '../render.js';
import { dataDirOption } from './serve.js';

/**
 * `floe tokens create|list|revoke`: API tokens in the serve store (FLOE_DATABASE_URL, or the
 * embedded one in --data-dir: stop an embedded `floe serve` first, or use POST /api/v1/tokens).
 * A token is printed once; only its hash is stored.
 */
export function tokensCommand(program: Command, cli: CliContext): Command {
  const tokens = program.command('tokens').summary('API tokens for floe serve').description('Create, list and revoke bearer tokens of the management API.');
  const withStore = async (dataDir: string, fn: (s: Store) => Promise<number>): Promise<number> => {
    const { openStore } = await import('../../store/store.js');
    const store = await openStore({ databaseUrl: cli.env.FLOE_DATABASE_URL, dataDir, env: cli.env });
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  };
  tokens
    .command('create')
    .summary('create a token (printed once)')
    .addOption(new Option('--read-only', 'GET only: writes answer 403 forbidden'))
    .addOption(new Option('--name <name>', 'what the token is for').default('cli'))
    .addOption(new Option('--tenant <tenant>', 'the tenant it acts for (connectors, runs and the rate limit are per tenant)').default('default'))
    .addOption(dataDirOption())
    .addOption(OPTIONS.json())
    .action(
      cli.action((opts: { readOnly?: boolean; name: string; tenant: string; dataDir: string; json?: boolean }) =>
        withStore(opts.dataDir, async (store) => {
          const { token, info } = await store.tokens.create({ tenant: opts.tenant, name: opts.name, readOnly: opts.readOnly ?? false });
          cli.io.stdout.write(opts.json ? JSON.stringify({ ...info, token }) + '\n' : `${token}\n`);
          cli.io.stderr.write(`token ${info.id} (tenant ${info.tenant}${info.read_only ? ', read-only' : ''}) created; it is shown only now\n`);
          return EXIT.ok;
        }),
      ),
    );
  tokens
    .command('list')
    .summary('every token (never the token itself)')
    .addOption(dataDirOption())
    .addOption(OPTIONS.json())
    .action(
      cli.action((opts: { dataDir: string; json?: boolean }) =>
        withStore(opts.dataDir, async (store) => {
          const list = await store.tokens.list();
          cli.io.stdout.write(
            opts.json
              ? JSON.stringify(list) + '\n'
              : table(['id', 'tenant', 'name', 'access', 'created', 'revoked'], list.map((t) => [t.id, t.tenant, t.name, t.read_only ? 'read-only' : 'read-write', t.created_at, t.revoked_at ?? '-'])) + '\n',
          );
          return EXIT.ok;
        }),
      ),
    );
  tokens
    .command('revoke')
    .summary('revoke a token at once')
    .argument('<id>', 'token id (tok_…), see floe tokens list')
    .addOption(dataDirOption())
    .action(
      cli.action((id: string, opts: { dataDir: string }) =>
        withStore(opts.dataDir, async (store) => {
          if (!(await store.tokens.revoke(id))) throw new FloeError('USAGE', 'config', `tokens revoke: no live token ${id}`);
          cli.io.stdout.write(`token ${id} revoked\n`);
          return EXIT.ok;
        }),
      ),
    );
  return tokens;
}
