/** The SQL builders are pure: same input, same frozen `{ sql, binds }`; values travel as binds. */
import { describe, expect, it } from 'vitest';
import * as ids from '../../../src/destination/snowflake/identifiers.js';
import type { LoadPlan } from '../../../src/destination/snowflake/load-plan.js';
import * as l from '../../../src/destination/snowflake/load-sql.js';
import * as q from '../../../src/destination/snowflake/sql-builder.js';

const T: q.Target = { database: 'RAW', schema: 'REST_API', stage: '_FLOE_STAGE' };

const plan: LoadPlan = {
  table: 'ORDERS',
  exists: true,
  columns: [
    { name: 'ID', family: 'NUMBER' },
    { name: 'TAGS', family: 'VARIANT' },
  ],
  widened: [],
  added: [],
  staging: [
    { name: 'ID', type: 'NUMBER(38,0)' },
    { name: 'TAGS', type: 'VARCHAR' },
  ],
  inserts: [
    { name: 'ID', expr: '"ID"' },
    { name: 'TAGS', expr: 'PARSE_JSON("TAGS")' },
  ],
  primaryKey: ['ID'],
};

describe('identifiers', () => {
  it.each([
    ['orders', 'ORDERS'],
    ['Raw', 'RAW'],
    ['"MyDb"', 'MyDb'],
    ['"a""b"', 'a"b'],
  ])('config name %s is stored as %s', (input, stored) => {
    expect(ids.storedConfigName(input)).toBe(stored);
  });

  it('quotes every name, doubling embedded quotes', () => {
    expect(ids.quote('a"b')).toBe('"a""b"');
    expect(ids.qualified('RAW', 'S', 'T')).toBe('"RAW"."S"."T"');
  });

  it.each([
    ['2026-01-01T00-00-00Z_abc', '2026-01-01T00-00-00Z_abc'],
    ['run 1/2', `run_1_2-${ids.shortHash('run 1/2')}`],
    ['..x', `_x-${ids.shortHash('..x')}`],
  ])('stage path segment for %s', (input, out) => {
    expect(ids.pathSegment(input)).toBe(out);
  });
});

describe('bookkeeping SQL', () => {
  it('returns frozen statements', () => {
    const s = q.selectLedgerEntry(T, 'r', 'e');
    expect(Object.isFrozen(s)).toBe(true);
    expect(Object.isFrozen(s.binds)).toBe(true);
  });

  it('escapes Snowflake string literals, including backslashes', () => {
    expect(q.literal("it's \\ x")).toBe("'it''s \\\\ x'");
  });

  it('keeps run ids and endpoints out of the SQL text', () => {
    const s = q.selectLedgerEntry(T, "r'1", 'users; drop');
    expect(s.sql).not.toContain("r'1");
    expect(s.binds).toEqual(["r'1", 'users; drop']);
  });

  it('writes a ledger row with binds in column order and ISO instants', () => {
    const s = q.insertLedger(T, {
      runId: 'r',
      endpoint: 'e',
      table: 'orders',
      writeDisposition: 'merge',
      files: 2,
      rows: 10,
      startedAt: 0,
      finishedAt: 1500,
    });
    expect(s.sql).toBe(
      `INSERT INTO "RAW"."REST_API"."_FLOE_LOADS" ("RUN_ID", "ENDPOINT", "TABLE_NAME", "WRITE_DISPOSITION", "FILE_COUNT", "ROW_COUNT", "STATUS", "STARTED_AT", "FINISHED_AT") ` +
        `VALUES (?, ?, ?, ?, ?, ?, 'committed', TO_TIMESTAMP_TZ(?, 'YYYY-MM-DD"T"HH24:MI:SS.FF3TZH:TZM'), TO_TIMESTAMP_TZ(?, 'YYYY-MM-DD"T"HH24:MI:SS.FF3TZH:TZM'))`,
    );
    expect(s.binds).toEqual([
      'r',
      'e',
      'orders',
      'merge',
      2,
      10,
      '1970-01-01T00:00:00.000+00:00',
      '1970-01-01T00:00:01.500+00:00',
    ]);
  });

  it('creates schema, stage, ledger and state idempotently', () => {
    for (const s of [q.createSchema(T), q.createStage(T), q.createLedger(T), q.createState(T)])
      expect(s.sql).toMatch(/^CREATE \w+ IF NOT EXISTS /);
    expect(q.createStage(T).sql).toBe('CREATE STAGE IF NOT EXISTS "RAW"."REST_API"."_FLOE_STAGE"');
  });

  it('reads columns from INFORMATION_SCHEMA with binds', () => {
    expect(q.selectColumns(T, 'ORDERS')).toEqual({
      sql: 'SELECT "COLUMN_NAME", "DATA_TYPE" FROM "RAW".INFORMATION_SCHEMA.COLUMNS WHERE "TABLE_SCHEMA" = ? AND "TABLE_NAME" = ? ORDER BY "ORDINAL_POSITION"',
      binds: ['REST_API', 'ORDERS'],
    });
  });

  it('builds a JSON query tag capped at 2000 characters', () => {
    expect(JSON.parse(q.queryTag('nightly', 'r1', 'users'))).toEqual({
      app: 'floe',
      tag: 'nightly',
      run_id: 'r1',
      endpoint: 'users',
    });
    expect(q.queryTag('x'.repeat(5000), 'r'.repeat(5000), 'e'.repeat(5000)).length).toBeLessThanOrEqual(2000);
  });
});

describe('load SQL', () => {
  it('names work tables deterministically per (run, endpoint)', () => {
    expect(l.workTables('ORDERS', 'r1', 'orders')).toEqual(l.workTables('ORDERS', 'r1', 'orders'));
    expect(l.workTables('ORDERS', 'r1', 'orders').staging).not.toBe(
      l.workTables('ORDERS', 'r2', 'orders').staging,
    );
    expect(l.workTables('ORDERS', 'r1', 'orders').staging).toMatch(/^_FLOE_STG_ORDERS_[0-9A-F]{16}$/);
  });

  it('creates a transient staging table with the metadata columns and no time travel', () => {
    expect(l.createStaging(T, 'STG', plan).sql).toBe(
      'CREATE OR REPLACE TRANSIENT TABLE "RAW"."REST_API"."STG" ("ID" NUMBER(38,0), "TAGS" VARCHAR, "_FLOE_FILE" VARCHAR, "_FLOE_FILE_ROW" NUMBER(38,0)) DATA_RETENTION_TIME_IN_DAYS = 0',
    );
  });

  it('PUTs without compression, overwriting, from a quoted file URL', () => {
    expect(l.put(T, "/tmp/it's/", 'run 1', 'ORDERS').sql).toBe(
      `PUT 'file:///tmp/it''s/part-*.parquet' @"RAW"."REST_API"."_FLOE_STAGE"/run_1-${ids.shortHash('run 1')}/ORDERS/ AUTO_COMPRESS = FALSE OVERWRITE = TRUE PARALLEL = 4`,
    );
  });

  it('COPYs listed files by column name, with file metadata, aborting on any error', () => {
    expect(l.copyInto(T, 'STG', 'r1', 'ORDERS', ['part-00000.parquet', 'part-00001.parquet']).sql).toBe(
      'COPY INTO "RAW"."REST_API"."STG" FROM @"RAW"."REST_API"."_FLOE_STAGE"/r1/ORDERS/ ' +
        "FILES = ('part-00000.parquet', 'part-00001.parquet') " +
        'FILE_FORMAT = (TYPE = PARQUET USE_LOGICAL_TYPE = TRUE BINARY_AS_TEXT = FALSE) ' +
        'MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE ' +
        'INCLUDE_METADATA = ("_FLOE_FILE" = METADATA$FILENAME, "_FLOE_FILE_ROW" = METADATA$FILE_ROW_NUMBER) ' +
        'ON_ERROR = ABORT_STATEMENT',
    );
  });

  it('MERGEs one deduplicated row per key, last written first', () => {
    expect(l.mergeFromStaging(T, 'ORDERS', 'STG', plan).sql).toBe(
      'MERGE INTO "RAW"."REST_API"."ORDERS" AS "T" USING (SELECT "ID" AS "ID", PARSE_JSON("TAGS") AS "TAGS" FROM "RAW"."REST_API"."STG" ' +
        'QUALIFY ROW_NUMBER() OVER (PARTITION BY "ID" ORDER BY "_FLOE_FILE" DESC, "_FLOE_FILE_ROW" DESC) = 1) AS "S" ' +
        'ON "T"."ID" = "S"."ID" WHEN MATCHED THEN UPDATE SET "TAGS" = "S"."TAGS" ' +
        'WHEN NOT MATCHED THEN INSERT ("ID", "TAGS") VALUES ("S"."ID", "S"."TAGS")',
    );
    const keysOnly = { ...plan, inserts: [{ name: 'ID', expr: '"ID"' }] };
    expect(l.mergeFromStaging(T, 'ORDERS', 'STG', keysOnly).sql).not.toContain('WHEN MATCHED');
  });

  it('inserts converted columns from staging', () => {
    expect(l.insertFromStaging(T, 'ORDERS', 'STG', plan).sql).toBe(
      'INSERT INTO "RAW"."REST_API"."ORDERS" ("ID", "TAGS") SELECT "ID", PARSE_JSON("TAGS") FROM "RAW"."REST_API"."STG"',
    );
  });

  it('rebuilds a table to widen types in one statement, keeping grants', () => {
    expect(l.rebuildTable(T, 'ORDERS', ['ID', 'NAME'], [{ name: 'ID', family: 'VARCHAR' }]).sql).toBe(
      'CREATE OR REPLACE TABLE "RAW"."REST_API"."ORDERS" COPY GRANTS AS SELECT CAST("ID" AS VARCHAR) AS "ID", "NAME" FROM "RAW"."REST_API"."ORDERS"',
    );
  });

  it('replaces by cloning the shadow with COPY GRANTS', () => {
    expect(l.replaceWithClone(T, 'ORDERS', 'NEW').sql).toBe(
      'CREATE OR REPLACE TABLE "RAW"."REST_API"."ORDERS" CLONE "RAW"."REST_API"."NEW" COPY GRANTS',
    );
    expect(l.createShadow(T, 'NEW', 'ORDERS', []).sql).toBe(
      'CREATE OR REPLACE TABLE "RAW"."REST_API"."NEW" LIKE "RAW"."REST_API"."ORDERS"',
    );
  });

  it('adds several columns in one ALTER', () => {
    expect(
      l.addColumns(T, 'ORDERS', [
        { name: 'A', family: 'TIMESTAMP' },
        { name: 'B', family: 'BOOLEAN' },
      ]).sql,
    ).toBe('ALTER TABLE "RAW"."REST_API"."ORDERS" ADD COLUMN "A" TIMESTAMP_TZ(6), "B" BOOLEAN');
  });
});
