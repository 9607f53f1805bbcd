/**
 * `npm run snowflake:contract`: the destination contract suite against a real Snowflake account.
 * Connection from SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, SNOWFLAKE_DATABASE, SNOWFLAKE_WAREHOUSE,
 * SNOWFLAKE_ROLE and a credential (SNOWFLAKE_PASSWORD, SNOWFLAKE_PRIVATE_KEY_PATH [+
 * SNOWFLAKE_PRIVATE_KEY_PASSPHRASE], SNOWFLAKE_TOKEN with SNOWFLAKE_AUTHENTICATOR), or
 * SNOWFLAKE_CONNECTION=<name> from connections.toml. It creates its own schema (FLOE_CONTRACT_<hex>),
 * runs every case, prints a report and drops what it created. Grants: README "Grants".
 */
import { randomBytes } from 'node:crypto';
import { CONTRACT_CASES } from '../test/destination/contract/cases.js';
import { realConfig, realTarget } from '../test/destination/contract/real-target.js';

const config = realConfig();
if (!config.connection && !(config.account && config.user)) {
  process.stderr.write('snowflake:contract: set SNOWFLAKE_CONNECTION, or SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, SNOWFLAKE_DATABASE and a credential\n');
  process.exit(2);
}
const schema = `FLOE_CONTRACT_${randomBytes(4).toString('hex').toUpperCase()}`;
const target = realTarget(config, schema);
process.stdout.write(`floe destination contract on a real Snowflake account, schema ${schema}\n\n`);
let failed = 0;
try {
  for (const c of CONTRACT_CASES) {
    const t0 = Date.now();
    try {
      await c.run(target);
      process.stdout.write(`  PASS  ${c.name} (${Date.now() - t0} ms)\n`);
    } catch (e) {
      failed++;
      process.stdout.write(`  FAIL  ${c.name} (${Date.now() - t0} ms)\n        ${(e instanceof Error ? e.message : String(e)).split('\n').join('\n        ')}\n`);
    }
  }
} finally {
  await target.dispose();
}
process.stdout.write(`\n${CONTRACT_CASES.length - failed} passed, ${failed} failed; schema ${schema} dropped\n`);
process.exit(failed === 0 ? 0 : 1);
