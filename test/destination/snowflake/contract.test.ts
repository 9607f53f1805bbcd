/**
 * The contract suite: the same cases against the emulator (always) and against a real Snowflake
 * account when SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, SNOWFLAKE_DATABASE, SNOWFLAKE_WAREHOUSE and a
 * credential (SNOWFLAKE_PASSWORD, SNOWFLAKE_PRIVATE_KEY_PATH [+ SNOWFLAKE_PRIVATE_KEY_PASSPHRASE],
 * or SNOWFLAKE_TOKEN with SNOWFLAKE_AUTHENTICATOR) are set. Without them the real-account cases
 * are reported as skipped. Everything is read back through SQL, so both targets are checked the
 * same way; the real account gets a throw-away schema, dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnowflakeDestinationConfig } from '../../../src/config/schema.js';
import {
  createSnowflakeClient,
  type SnowflakeClient,
} from '../../../src/destination/snowflake/snowflake-client.js';
import { openSnowflakeDestination } from '../../../src/destination/snowflake/snowflake-destination.js';
import { resolveSnowflakeSettings } from '../../../src/destination/snowflake/settings.js';
import { sql } from '../../../src/destination/snowflake/sql-builder.js';
import type { Column, Destination } from '../../../src/types.js';
import { systemClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/logger.js';
import { Redactor } from '../../../src/util/redact.js';
import type { SnowflakeEmulator } from '../../support/snowflake-emulator/index.js';
import { orderFiles, request } from './fixtures.js';
import { cleanupTempDirs, emulator, emuConfig, parquet, tempDir } from './helpers.js';

const env = process.env;
const realEnabled = Boolean(
  env.SNOWFLAKE_ACCOUNT &&
  env.SNOWFLAKE_USER &&
  env.SNOWFLAKE_DATABASE &&
  env.SNOWFLAKE_WAREHOUSE &&
  (env.SNOWFLAKE_PASSWORD || env.SNOWFLAKE_PRIVATE_KEY_PATH || env.SNOWFLAKE_TOKEN),
);

function realConfig(schema: string): SnowflakeDestinationConfig {
  const auth = env.SNOWFLAKE_AUTHENTICATOR as SnowflakeDestinationConfig['authenticator'];
  return {
    type: 'snowflake',
    account: env.SNOWFLAKE_ACCOUNT,
    user: env.SNOWFLAKE_USER,
    database: env.SNOWFLAKE_DATABASE,
    warehouse: env.SNOWFLAKE_WAREHOUSE,
    schema,
    write_disposition: 'append',
    json_columns: 'varchar',
    ...(auth ? { authenticator: auth } : {}),
    ...(env.SNOWFLAKE_ROLE ? { role: env.SNOWFLAKE_ROLE } : {}),
    ...(env.SNOWFLAKE_PASSWORD ? { password: env.SNOWFLAKE_PASSWORD } : {}),
    ...(env.SNOWFLAKE_PRIVATE_KEY_PATH ? { private_key_path: env.SNOWFLAKE_PRIVATE_KEY_PATH } : {}),
    ...(env.SNOWFLAKE_PRIVATE_KEY_PASSPHRASE
      ? { private_key_passphrase: env.SNOWFLAKE_PRIVATE_KEY_PASSPHRASE }
      : {}),
    ...(env.SNOWFLAKE_TOKEN ? { token: env.SNOWFLAKE_TOKEN } : {}),
  };
}

interface Target {
  readonly config: SnowflakeDestinationConfig;
  readonly client: SnowflakeClient;
  close(): Promise<void>;
}

const targets = [
  { name: 'emulator', enabled: true },
  { name: 'real Snowflake account', enabled: realEnabled },
] as const;

describe.each(targets)('$name', ({ name, enabled }) => {
  let target: Target;
  let emu: SnowflakeEmulator | undefined;
  const schema = `FLOE_CONTRACT_${randomBytes(4).toString('hex').toUpperCase()}`;
  const open = async (extra: Partial<SnowflakeDestinationConfig> = {}): Promise<Destination> =>
    openSnowflakeDestination(
      { ...target.config, ...extra },
      { logger: silentLogger, redactor: new Redactor(), clock: systemClock },
    );
  const q = async (text: string): Promise<Record<string, unknown>[]> => [
    ...(await target.client.execute(sql(text))).rows,
  ];
  const t = (table: string): string => `"${target.config.database as string}"."${schema}"."${table}"`;

  beforeAll(async () => {
    if (!enabled) return;
    let config: SnowflakeDestinationConfig;
    if (name === 'emulator') {
      emu = await emulator();
      config = emuConfig(emu, { schema });
    } else {
      config = realConfig(schema);
    }
    const client = createSnowflakeClient(resolveSnowflakeSettings(config), {
      logger: silentLogger,
      redactor: new Redactor(),
    });
    target = {
      config,
      client,
      close: async () => {
        if (name !== 'emulator')
          await client.execute(
            sql(`DROP SCHEMA IF EXISTS "${config.database as string}"."${schema}" CASCADE`),
          );
        await client.close();
        await emu?.close();
      },
    };
  }, 120_000);
  afterAll(async () => {
    await target?.close();
    cleanupTempDirs();
  }, 120_000);

  it.skipIf(!enabled)(
    'append: loads every row once; a re-run of the same run id is skipped by the ledger',
    async () => {
      const d = await open();
      try {
        const files = await orderFiles(tempDir(), [
          { first: 1, n: 3 },
          { first: 4, n: 2 },
        ]);
        expect((await d.load(request(files, { table: 'c_append' }))).rowsLoaded).toBe(5);
        expect((await d.load(request(files, { table: 'c_append' }))).alreadyLoaded).toBe(true);
        expect(await q(`SELECT COUNT(*) AS "N" FROM ${t('C_APPEND')}`)).toEqual([{ N: 5 }]);
        expect(
          await q(
            `SELECT "NAME", TO_VARCHAR("CREATED_AT", 'YYYY-MM-DD"T"HH24:MI:SS.FF3TZH:TZM') AS "TS", "TAGS" FROM ${t('C_APPEND')} WHERE "ID" = 1`,
          ),
        ).toEqual([{ NAME: 'v1-1', TS: '2024-03-10T12:01:00.000+00:00', TAGS: '["a","b"]' }]);
      } finally {
        await d.close();
      }
    },
    120_000,
  );

  it.skipIf(!enabled)(
    'merge: duplicate keys resolve to the last-written row; replace: exactly the new rows',
    async () => {
      const d = await open();
      try {
        const merge = { table: 'c_merge', disposition: 'merge' as const, primaryKey: ['id'] };
        await d.load(request(await orderFiles(tempDir(), [{ first: 1, n: 2 }]), { ...merge, runId: 'm1' }));
        await d.load(
          request(
            await orderFiles(tempDir(), [
              { first: 2, n: 2, version: 'v2' },
              { first: 3, n: 1, version: 'v3' },
            ]),
            { ...merge, runId: 'm2' },
          ),
        );
        expect(await q(`SELECT "ID", "NAME" FROM ${t('C_MERGE')} ORDER BY "ID"`)).toEqual([
          { ID: 1, NAME: 'v1-1' },
          { ID: 2, NAME: 'v2-2' },
          { ID: 3, NAME: 'v3-3' },
        ]);
        const replace = { table: 'c_replace', disposition: 'replace' as const };
        await d.load(request(await orderFiles(tempDir(), [{ first: 1, n: 3 }]), { ...replace, runId: 'r1' }));
        await d.load(request(await orderFiles(tempDir(), [{ first: 7, n: 1 }]), { ...replace, runId: 'r2' }));
        expect(await q(`SELECT "ID" FROM ${t('C_REPLACE')}`)).toEqual([{ ID: 7 }]);
      } finally {
        await d.close();
      }
    },
    120_000,
  );

  it.skipIf(!enabled)(
    'widens NUMBER to VARCHAR and adds columns; a bad value fails the COPY naming the file',
    async () => {
      const d = await open();
      try {
        const v1: Column[] = [{ name: 'code', type: 'long' }];
        const v2: Column[] = [
          ...v1.map((c) => ({ ...c, type: 'string' as const })),
          { name: 'extra', type: 'boolean' },
        ];
        const dir = tempDir();
        await d.load(
          request([await parquet(dir, 'w1.parquet', `SELECT 7::BIGINT AS code`, v1)], {
            table: 'c_widen',
            runId: 'w1',
            columns: v1,
          }),
        );
        await d.load(
          request([await parquet(dir, 'w2.parquet', `SELECT 'A-1' AS code, true AS extra`, v2)], {
            table: 'c_widen',
            runId: 'w2',
            columns: v2,
          }),
        );
        expect(
          await q(
            `SELECT "COLUMN_NAME", "DATA_TYPE" FROM "${target.config.database as string}".INFORMATION_SCHEMA.COLUMNS WHERE "TABLE_SCHEMA" = '${schema}' AND "TABLE_NAME" = 'C_WIDEN' ORDER BY "ORDINAL_POSITION"`,
          ),
        ).toEqual([
          { COLUMN_NAME: 'CODE', DATA_TYPE: 'TEXT' },
          { COLUMN_NAME: 'EXTRA', DATA_TYPE: 'BOOLEAN' },
        ]);
        expect(await q(`SELECT "CODE" FROM ${t('C_WIDEN')} ORDER BY "CODE"`)).toEqual([
          { CODE: '7' },
          { CODE: 'A-1' },
        ]);

        const bad = await parquet(dir, 'bad.parquet', `SELECT 'not a number' AS code`, v1);
        await expect(
          d.load(
            request([bad], { table: 'c_widen_bad', runId: 'w3', columns: [{ name: 'code', type: 'long' }] }),
          ),
        ).rejects.toMatchObject({
          code: 'SNOWFLAKE_COPY_FAILED',
          details: { file: bad.path },
        });
      } finally {
        await d.close();
      }
    },
    120_000,
  );
});
