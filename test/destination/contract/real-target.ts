/**
 * The contract target for a real Snowflake account (`npm run snowflake:contract`): settings from
 * SNOWFLAKE_* variables or a connections.toml entry, a throw-away schema per run (and the hostile
 * schema the injection case creates), all dropped at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SnowflakeDestinationConfig } from '../../../src/config/schema.js';
import { compiled } from '../../../src/destination/compiled-statement.js';
import { resolveSnowflakeSettings } from '../../../src/destination/snowflake/settings.js';
import { createSnowflakeClient } from '../../../src/destination/snowflake/snowflake-client.js';
import { openSnowflakeDestination } from '../../../src/destination/snowflake/snowflake-destination.js';
import { systemClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/logger.js';
import { Redactor } from '../../../src/util/redact.js';
import type { ContractTarget } from './contract-target.js';

const dq = (s: string): string => `"${s.replaceAll('"', '""')}"`;

/** The destination block from the environment: SNOWFLAKE_CONNECTION names a connections.toml entry. */
export function realConfig(env: NodeJS.ProcessEnv = process.env): SnowflakeDestinationConfig {
  const e = (k: string): string | undefined => env[`SNOWFLAKE_${k}`] || undefined;
  const auth = e('AUTHENTICATOR')?.toLowerCase() as SnowflakeDestinationConfig['authenticator'] | undefined;
  const cfg: Record<string, unknown> = {
    type: 'snowflake',
    connection: e('CONNECTION'),
    account: e('ACCOUNT'),
    user: e('USER'),
    authenticator: auth,
    password: e('PASSWORD'),
    token: e('TOKEN'),
    private_key_path: e('PRIVATE_KEY_PATH'),
    private_key_passphrase: e('PRIVATE_KEY_PASSPHRASE'),
    role: e('ROLE'),
    warehouse: e('WAREHOUSE'),
    database: e('DATABASE'),
    access_url: e('ACCESS_URL'),
    write_disposition: 'append',
    json_columns: 'varchar',
  };
  return Object.fromEntries(Object.entries(cfg).filter(([, v]) => v !== undefined)) as SnowflakeDestinationConfig;
}

export function realTarget(base: SnowflakeDestinationConfig, schema: string): ContractTarget & { dispose(): Promise<void> } {
  const settings = resolveSnowflakeSettings({ ...base, schema });
  const db = settings.database.startsWith('"') ? settings.database.slice(1, -1) : settings.database.toUpperCase();
  const client = createSnowflakeClient(settings, { logger: silentLogger, redactor: new Redactor() });
  const schemas = new Set<string>([schema]);
  const dirs: string[] = [];
  const q = async (sql: string): Promise<Record<string, unknown>[]> => [...(await client.execute(compiled(sql))).rows];
  return {
    name: 'real Snowflake account',
    open(o) {
      const s = o?.schema ?? schema;
      schemas.add(s);
      return openSnowflakeDestination({ ...base, schema: dq(s) }, { logger: silentLogger, redactor: new Redactor(), clock: systemClock });
    },
    async read(dest, table, columns, o) {
      const info = (await dest.tables()).find((t) => t.table === table.toUpperCase());
      const types = new Map(info?.columns.map((c) => [c.name, c.type]) ?? []);
      const select = columns.map((c) => {
        const ref = dq(c.toUpperCase());
        const t = types.get(c.toUpperCase()) ?? '';
        return `${t.startsWith('TIMESTAMP') ? `TO_VARCHAR(${ref}, 'YYYY-MM-DD"T"HH24:MI:SS.FF3"Z"')` : ref} AS ${dq(c)}`;
      });
      return q(`SELECT ${select.join(', ')} FROM ${dq(db)}.${dq(o?.schema ?? schema)}.${dq(table.toUpperCase())} ORDER BY 1`);
    },
    createCanary: async () => void (await q(`CREATE TABLE IF NOT EXISTS ${dq(db)}.${dq(schema)}."CANARY" (X INTEGER)`)),
    canaryExists: async () =>
      (await q(`SELECT COUNT(*) AS "N" FROM ${dq(db)}.INFORMATION_SCHEMA.TABLES WHERE "TABLE_SCHEMA" = '${schema}' AND "TABLE_NAME" = 'CANARY'`))[0]?.N === 1,
    stored: (n) => n.toUpperCase(),
    tempDir: () => {
      const d = mkdtempSync(join(tmpdir(), 'floe-contract-'));
      dirs.push(d);
      return d;
    },
    async dispose() {
      for (const s of schemas) await q(`DROP SCHEMA IF EXISTS ${dq(db)}.${dq(s)} CASCADE`).catch(() => undefined);
      await client.close();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}
