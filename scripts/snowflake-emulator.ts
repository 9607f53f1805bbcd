/**
 * Runs the floe Snowflake emulator standalone, for dry runs and for tests in other processes:
 *
 *   npm run snowflake-emulator -- [--port N] [--public-key key.pub.pem] [--duckdb-files PREFIX]
 *
 * Prints exactly one line, `SNOWFLAKE_EMULATOR_URL=http://127.0.0.1:<port>`, on stdout, then
 * serves until killed. It accepts user FLOE with password `floe` (and, with --public-key, key-pair
 * login for FLOE with that key) and starts with an empty database FLOE_TEST. Point floe at it with
 * `access_url: <that url>`, `account: floeemu`, `user: FLOE`. With --duckdb-files, tables are kept
 * in `PREFIX.FLOE_TEST.duckdb` to inspect with DuckDB afterwards.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startSnowflakeEmulator } from '../test/support/snowflake-emulator/index.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'public-key': { type: 'string' },
      'duckdb-files': { type: 'string' },
    },
    strict: true,
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be a port number, got ${values.port}`);
  const publicKeyPem =
    values['public-key'] === undefined ? undefined : readFileSync(values['public-key'], 'utf8');
  const emu = await startSnowflakeEmulator({
    port,
    users: { FLOE: { password: 'floe', ...(publicKeyPem ? { publicKeyPem } : {}) } },
    ...(values['duckdb-files'] ? { duckdbFilePrefix: values['duckdb-files'] } : {}),
  });
  process.stdout.write(`SNOWFLAKE_EMULATOR_URL=${emu.url}\n`);
  const stop = (): void => {
    void emu.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`snowflake-emulator: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
});
