/**
 * Every authenticator floe supports, through the real snowflake-sdk login against the emulator,
 * plus connections.toml, session-token renewal and the secrecy of credentials in errors.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSnowflakeDestination } from '../../../src/destination/snowflake/snowflake-destination.js';
import type { Destination } from '../../../src/types.js';
import { FakeClock } from '../../../src/util/clock.js';
import type { FloeError } from '../../../src/util/errors.js';
import { silentLogger } from '../../../src/util/logger.js';
import { Redactor } from '../../../src/util/redact.js';
import type { SnowflakeEmulator } from '../../support/snowflake-emulator/index.js';
import { orderFiles, request } from './fixtures.js';
import { cleanupTempDirs, destinationFor, emulator, rsaKeyPair, tableRows, tempDir } from './helpers.js';

let emu: SnowflakeEmulator;
let key: ReturnType<typeof rsaKeyPair>;
const PASSPHRASE = 'key-passphrase-1234';

beforeAll(async () => {
  key = rsaKeyPair(PASSPHRASE);
  emu = await emulator({
    users: {
      FLOE: { password: 'floe' },
      LOADER: { publicKeyPem: key.publicKeyPem, tokens: ['oauth-token-abcdef', 'pat-token-123456'] },
    },
  });
});
afterAll(async () => {
  await emu.close();
  cleanupTempDirs();
});

async function loadsOneRow(d: Destination, table: string): Promise<void> {
  try {
    await d.load(request(await orderFiles(tempDir(), [{ first: 1, n: 1 }]), { table }));
    expect(await tableRows(emu, table.toUpperCase())).toHaveLength(1);
  } finally {
    await d.close();
  }
}

async function failure(d: Destination): Promise<FloeError> {
  try {
    return (await d.ledgerEntry('r', { connector: 'test', endpoint: 'e' }).then(
      () => {
        throw new Error('expected a failure');
      },
      (e: unknown) => e,
    )) as FloeError;
  } finally {
    await d.close();
  }
}

describe('login', () => {
  it('password (authenticator snowflake)', async () => {
    await loadsOneRow(await destinationFor(emu), 'auth_password');
  });

  it('key pair (snowflake_jwt) with an encrypted PKCS#8 key; the JWT is verified against the public key', async () => {
    const d = await destinationFor(emu, {
      user: 'loader',
      authenticator: 'snowflake_jwt',
      private_key_path: key.privateKeyPath,
      private_key_passphrase: PASSPHRASE,
    });
    await loadsOneRow(d, 'auth_jwt');
  });

  it('oauth and programmatic_access_token', async () => {
    await loadsOneRow(
      await destinationFor(emu, { user: 'loader', authenticator: 'oauth', token: 'oauth-token-abcdef' }),
      'auth_oauth',
    );
    await loadsOneRow(
      await destinationFor(emu, {
        user: 'loader',
        authenticator: 'programmatic_access_token',
        token: 'pat-token-123456',
      }),
      'auth_pat',
    );
  });

  it('a wrong password is SNOWFLAKE_CONNECT_FAILED, terminal, and the password never appears', async () => {
    const redactor = new Redactor();
    const e = await failure(await destinationFor(emu, { password: 'wrong-password-xyz' }, { redactor }));
    expect(e).toMatchObject({ code: 'SNOWFLAKE_CONNECT_FAILED', kind: 'terminal' });
    expect(e.details.snowflake_code).toBe('390100');
    expect(JSON.stringify(e.toJSON())).not.toContain('wrong-password-xyz');
  });

  it('a key that is not the registered one is rejected', async () => {
    const other = rsaKeyPair();
    const e = await failure(
      await destinationFor(emu, {
        user: 'loader',
        authenticator: 'snowflake_jwt',
        private_key_path: other.privateKeyPath,
      }),
    );
    expect(e).toMatchObject({ code: 'SNOWFLAKE_CONNECT_FAILED', kind: 'terminal' });
    expect(e.details.snowflake_code).toBe('390144');
  });
});

describe('connections.toml', () => {
  it('reads a named connection from $SNOWFLAKE_HOME; floe config fields override it', async () => {
    const home = tempDir();
    mkdirSync(join(home, 'sf'));
    writeFileSync(
      join(home, 'sf', 'connections.toml'),
      `# written by snow cli\n[other]\naccount = "nope"\n\n[floe_emu]\naccount = "${emu.account}"\nuser = "loader"\n` +
        `authenticator = "SNOWFLAKE_JWT"\nprivate_key_file = '${key.privateKeyPath}'\nprivate_key_file_pwd = "${PASSPHRASE}"\n` +
        `database = "FLOE_TEST"\nschema = "NOT_THIS_ONE"\nhost = "127.0.0.1"\nport = ${emu.port}\nprotocol = "http"\n`,
    );
    const d = await openSnowflakeDestination(
      {
        type: 'snowflake',
        connection: 'floe_emu',
        schema: 'RAW',
        write_disposition: 'append',
        json_columns: 'varchar',
      },
      { logger: silentLogger, redactor: new Redactor(), clock: new FakeClock() },
      { settingsEnv: { env: { SNOWFLAKE_HOME: join(home, 'sf') }, homedir: home, readFile: readIfExists } },
    );
    await loadsOneRow(d, 'auth_toml');
  });
});

it('renews an expired session token mid-load and carries on (390112 → /session/token-request)', async () => {
  const d = await destinationFor(emu);
  try {
    await d.ledgerEntry('warm', { connector: 'test', endpoint: 'up' });
    emu.faults.expireSessionToken();
    await d.load(request(await orderFiles(tempDir(), [{ first: 1, n: 2 }]), { table: 'renewed' }));
    expect(await tableRows(emu, 'RENEWED')).toHaveLength(2);
  } finally {
    await d.close();
  }
});

function readIfExists(p: string): string | undefined {
  return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
}
