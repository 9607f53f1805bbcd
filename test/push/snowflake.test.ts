/**
 * `floe push` from a Snowflake destination: the real snowflake-sdk against the project's emulator,
 * reading a table (upper-case names, as floe loads them) and a query, incrementally.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePushConfig } from '../../src/config/load-push-config.js';
import { startSnowflakeEmulator, type SnowflakeEmulator } from '../support/snowflake-emulator/index.js';
import { only, push, range, receiver, takenIds, tempDir } from './helpers.js';

let emu: SnowflakeEmulator;

beforeAll(async () => {
  emu = await startSnowflakeEmulator();
  await emu.query(`CREATE SCHEMA "FLOE_TEST"."CRM"`);
  await emu.query(
    `CREATE TABLE "FLOE_TEST"."CRM"."CONTACTS" AS SELECT (i + 1)::DECIMAL(38,0) AS "ID", 'user' || (i + 1) || '@example.com' AS "EMAIL", ` +
      `(i + 1) * 1.5 AS "SCORE", DATE '2025-03-01' AS "SIGNED_UP", TIMESTAMPTZ '2025-01-01 00:00:00+00' + INTERVAL (i + 1) MINUTE AS "UPDATED_AT" FROM range(23) t(i)`,
  );
});
afterAll(() => emu.close());

function config(output: Record<string, unknown>): ReturnType<typeof parsePushConfig> {
  return parsePushConfig(
    {
      name: 'sf-push',
      destination: {
        type: 'snowflake',
        account: emu.account,
        user: 'FLOE',
        authenticator: 'snowflake',
        password: '{{ env.SF_PASSWORD }}',
        database: 'FLOE_TEST',
        schema: 'CRM',
        access_url: emu.url,
      },
      outputs: [{ name: 'contacts', key: ['id'], batch_size: 10, retry: { max_retries: 1, initial_delay_seconds: 0.01 }, ...output }],
    },
    { SF_PASSWORD: 'floe' },
  );
}

describe('floe push from Snowflake', () => {
  it('reads the table with floe’s case policy, in key order, and then only rows past the cursor', { timeout: 60_000 }, async () => {
    const dir = await tempDir();
    const r = await receiver();
    const cfg = config({ table: 'contacts', cursor: 'updated_at', url: r.url });
    const first = await push(cfg, dir);
    expect(only(first)).toMatchObject({ status: 'succeeded', rows: 23, rows_sent: 23, batches_sent: 3 });
    expect(r.requests.map((q) => q.rows.map((x) => x.id))).toEqual([range(1, 10), range(11, 20), range(21, 23)]);
    expect(r.requests[0]!.rows[0]).toEqual({ id: 1, email: 'user1@example.com', score: 1.5, signed_up: '2025-03-01', updated_at: '2025-01-01T00:01:00.000Z' });

    await emu.query(`INSERT INTO "FLOE_TEST"."CRM"."CONTACTS" VALUES (24, 'new@example.com', 2.0, DATE '2025-03-02', TIMESTAMPTZ '2025-02-01 00:00:00+00')`);
    const second = await push(cfg, dir);
    expect(only(second)).toMatchObject({ status: 'succeeded', rows: 1, rows_sent: 1 });
    expect(takenIds(r)).toEqual({ ids: range(1, 24), dupes: [] });
  });

  it('pushes a query, keeping a quoted mixed-case alias as written', { timeout: 60_000 }, async () => {
    const dir = await tempDir();
    const r = await receiver();
    const cfg = config({ query: `SELECT "ID" AS id, "EMAIL" AS "emailAddress" FROM "FLOE_TEST"."CRM"."CONTACTS" WHERE "ID" <= 3`, url: r.url });
    expect(only(await push(cfg, dir))).toMatchObject({ status: 'succeeded', rows_sent: 3 });
    expect(r.requests[0]!.rows).toEqual([
      { id: 1, emailAddress: 'user1@example.com' },
      { id: 2, emailAddress: 'user2@example.com' },
      { id: 3, emailAddress: 'user3@example.com' },
    ]);
  });

  it('names the missing key column', { timeout: 60_000 }, async () => {
    const dir = await tempDir();
    const r = await receiver();
    const rec = await push(config({ table: 'contacts', key: ['contact_id'], url: r.url }), dir);
    expect(only(rec)).toMatchObject({ status: 'failed', error: { code: 'PUSH_SOURCE_FAILED' } });
    expect(only(rec).error!.message).toContain('table contacts has no column "contact_id"');
    expect(r.requests).toEqual([]);
  });
});
