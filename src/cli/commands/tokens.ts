import { openStore } from '../../store/store.js';
import { FloeError } from '../../util/errors.js';
import { EXIT, parse, type CliIo } from '../cli.js';
import { table } from '../render.js';

/**
 * `floe tokens create [--read-only] [--name n] [--tenant t]`, `floe tokens list`, `floe tokens
 * revoke <id>`: API tokens in the serve store (FLOE_DATABASE_URL, or the embedded one in
 * --data-dir; stop an embedded `floe serve` first, or use POST /api/v1/tokens). The token is
 * printed once; only its hash is stored.
 */
export async function tokensCommand(args: string[], io: CliIo): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'create' && action !== 'list' && action !== 'revoke') {
    throw new FloeError('USAGE', 'config', 'tokens: use `floe tokens create [--read-only] [--name n] [--tenant t]`, `floe tokens list` or `floe tokens revoke <id>`');
  }
  const { values, positionals } = parse(
    rest,
    {
      'read-only': { type: 'boolean' },
      name: { type: 'string', default: 'cli' },
      tenant: { type: 'string', default: 'default' },
      'data-dir': { type: 'string', default: '.floe-server' },
      json: { type: 'boolean' },
    },
    `tokens ${action}`,
  );
  const store = await openStore({ databaseUrl: io.env.FLOE_DATABASE_URL, dataDir: values['data-dir'], env: io.env });
  try {
    if (action === 'create') {
      const { token, info } = await store.tokens.create({ tenant: values.tenant, name: values.name, readOnly: values['read-only'] ?? false });
      if (values.json) io.stdout.write(JSON.stringify({ ...info, token }) + '\n');
      else io.stdout.write(`${token}\n`);
      io.stderr.write(`token ${info.id} (tenant ${info.tenant}${info.read_only ? ', read-only' : ''}) created; it is shown only now\n`);
      return EXIT.ok;
    }
    if (action === 'list') {
      const list = await store.tokens.list();
      io.stdout.write(
        values.json
          ? JSON.stringify(list) + '\n'
          : table(['id', 'tenant', 'name', 'access', 'created', 'revoked'], list.map((t) => [t.id, t.tenant, t.name, t.read_only ? 'read-only' : 'read-write', t.created_at, t.revoked_at ?? '-'])) + '\n',
      );
      return EXIT.ok;
    }
    const id = positionals[0];
    if (!id) throw new FloeError('USAGE', 'config', 'tokens revoke: give the token id (see `floe tokens list`)');
    if (!(await store.tokens.revoke(id))) throw new FloeError('USAGE', 'config', `tokens revoke: no live token ${id}`);
    io.stdout.write(`token ${id} revoked\n`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
