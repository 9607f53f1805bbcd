/**
 * The emulator's Snowflake semantics, through the real snowflake-sdk: identifier folding, COPY
 * load metadata and result shape, ON_ERROR=ABORT_STATEMENT atomicity, MERGE's duplicate-row error,
 * transactions, session endpoints, faults, and loud refusal of anything floe does not emit.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnowflakeClient } from '../../../src/destination/snowflake/snowflake-client.js';
import { compiled as sql } from '../../../src/destination/compiled-statement.js';
import type { SnowflakeEmulator } from '../../support/snowflake-emulator/index.js';
import { cleanupTempDirs, clientFor, DB, emulator, parquet, tempDir } from './helpers.js';

let emu: SnowflakeEmulator;
let c: SnowflakeClient;
const run = async (
  text: string,
  binds: (string | number | null)[] = [],
): Promise<Record<string, unknown>[]> => [...(await c.execute(sql(text, binds))).rows];
const fails = async (text: string): Promise<{ code?: string; sqlState?: string; message: string }> => {
  const e = (await c.execute(sql(text)).then(
    () => new Error('statement succeeded'),
    (err: unknown) => err,
  )) as { code?: string; sqlState?: string; message: string };
  return e;
};

beforeAll(async () => {
  emu = await emulator();
  c = clientFor(emu);
  await run(`CREATE SCHEMA IF NOT EXISTS "${DB}"."EMU"`);
  await run(`CREATE STAGE IF NOT EXISTS "${DB}"."EMU"."S"`);
});
afterAll(async () => {
  await c.close();
  await emu.close();
  cleanupTempDirs();
});

const cols = [
  { name: 'id', type: 'long' as const },
  { name: 'v', type: 'string' as const },
];
async function put(
  file: string,
  path: string,
  options = 'AUTO_COMPRESS = FALSE',
): Promise<Record<string, unknown>[]> {
  return run(`PUT 'file://${file}' @"${DB}"."EMU"."S"/${path}/ ${options}`);
}

describe('identifiers', () => {
  it('folds unquoted identifiers to upper case and keeps quoted ones', async () => {
    await run(`create table floe_test.emu.lower_t (a number, "Mixed" varchar)`);
    await run(`insert into floe_test.emu.lower_t (a, "Mixed") values (?, ?)`, [1, 'x']);
    expect(await run(`select a, "Mixed" from floe_test.emu.LOWER_T`)).toEqual([{ A: 1, Mixed: 'x' }]);
    const [t] = await emu.query(`SELECT table_name FROM duckdb_tables() WHERE table_name ILIKE 'lower_t'`);
    expect(t).toEqual({ table_name: 'LOWER_T' });
  });
});

describe('COPY INTO from Parquet', () => {
  it('reports Snowflake result columns, skips files in load metadata, FORCE reloads, TRUNCATE clears the metadata', async () => {
    await run(`CREATE TABLE "${DB}"."EMU"."META" ("ID" NUMBER(38,0), "V" VARCHAR)`);
    const f = await parquet(
      tempDir(),
      'm.parquet',
      `SELECT i::BIGINT AS id, 'v' || i AS v FROM range(3) t(i)`,
      cols,
    );
    expect(await put(f.path, 'm')).toMatchObject([
      { source: 'm.parquet', target: 'm.parquet', status: 'UPLOADED' },
    ]);
    const copy = `COPY INTO "${DB}"."EMU"."META" FROM @"${DB}"."EMU"."S"/m/ FILE_FORMAT = (TYPE = PARQUET) MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE`;
    expect(await run(copy)).toEqual([
      {
        file: 'm/m.parquet',
        status: 'LOADED',
        rows_parsed: 3,
        rows_loaded: 3,
        error_limit: 1,
        errors_seen: 0,
        first_error: null,
        first_error_line: null,
        first_error_character: null,
        first_error_column_name: null,
      },
    ]);
    expect(emu.loadMetadata([DB, 'EMU', 'META'])).toEqual(['m/m.parquet']);
    expect(await run(copy)).toEqual([{ status: 'Copy executed with 0 files processed.' }]);
    expect(await run(`${copy} FORCE = TRUE`)).toMatchObject([{ status: 'LOADED', rows_loaded: 3 }]);
    await run(`TRUNCATE TABLE "${DB}"."EMU"."META"`);
    expect(emu.loadMetadata([DB, 'EMU', 'META'])).toEqual([]);
    expect(await run(copy)).toMatchObject([{ status: 'LOADED', rows_loaded: 3 }]);
    // Same name, new content: a new checksum, so it loads again.
    const changed = await parquet(tempDir(), 'm.parquet', `SELECT 9::BIGINT AS id, 'new' AS v`, cols);
    await put(changed.path, 'm');
    expect(await run(copy)).toMatchObject([{ status: 'LOADED', rows_loaded: 1 }]);
    expect(await run(`SELECT COUNT(*) AS "N" FROM "${DB}"."EMU"."META"`)).toEqual([{ N: 4 }]);
  });

  it('is atomic under ON_ERROR = ABORT_STATEMENT: one bad file, nothing loaded, the error names file and row', async () => {
    await run(`CREATE TABLE "${DB}"."EMU"."ATOMIC" ("ID" NUMBER(38,0), "V" VARCHAR)`);
    const dir = tempDir();
    await put((await parquet(dir, 'a.parquet', `SELECT 1::BIGINT AS id, 'ok' AS v`, cols)).path, 'atomic');
    await put(
      (await parquet(dir, 'b.parquet', `SELECT * FROM (VALUES ('2', 'ok'), ('x2', 'bad')) t(id, v)`, cols))
        .path,
      'atomic',
    );
    const e = await fails(
      `COPY INTO "${DB}"."EMU"."ATOMIC" FROM @"${DB}"."EMU"."S"/atomic/ FILE_FORMAT = (TYPE = PARQUET) MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE ON_ERROR = ABORT_STATEMENT`,
    );
    expect(e).toMatchObject({ code: '100038', sqlState: '22018' });
    expect(e.message).toContain(
      'Numeric value \'x2\' is not recognized\n  File \'atomic/b.parquet\', line 2, character 1\n  Row 2, column "ATOMIC"["ID":1]',
    );
    expect(await run(`SELECT COUNT(*) AS "N" FROM "${DB}"."EMU"."ATOMIC"`)).toEqual([{ N: 0 }]);
    expect(emu.loadMetadata([DB, 'EMU', 'ATOMIC'])).toEqual([]);
  });

  it('reads gzipped Parquet (PUT with the default AUTO_COMPRESS=TRUE) and fills INCLUDE_METADATA columns', async () => {
    await run(`CREATE TABLE "${DB}"."EMU"."GZ" ("ID" NUMBER(38,0), "F" VARCHAR, "R" NUMBER(38,0))`);
    const f = await parquet(tempDir(), 'g.parquet', `SELECT i::BIGINT AS id FROM range(2) t(i)`, cols);
    expect(await put(f.path, 'gz', '')).toMatchObject([
      { target: 'g.parquet.gz', targetCompression: 'GZIP' },
    ]);
    await run(
      `COPY INTO "${DB}"."EMU"."GZ" FROM @"${DB}"."EMU"."S"/gz/ FILE_FORMAT = (TYPE = PARQUET) MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE INCLUDE_METADATA = (F = METADATA$FILENAME, R = METADATA$FILE_ROW_NUMBER)`,
    );
    expect(await run(`SELECT "ID", "F", "R" FROM "${DB}"."EMU"."GZ" ORDER BY "ID"`)).toEqual([
      { ID: 0, F: 'gz/g.parquet.gz', R: 1 },
      { ID: 1, F: 'gz/g.parquet.gz', R: 2 },
    ]);
  });

  it('needs MATCH_BY_COLUMN_NAME for a multi-column table, as Snowflake does', async () => {
    expect(
      await fails(`COPY INTO "${DB}"."EMU"."GZ" FROM @"${DB}"."EMU"."S"/gz/ FILE_FORMAT = (TYPE = PARQUET)`),
    ).toMatchObject({ code: '002019' });
  });
});

describe('MERGE', () => {
  it('fails with 100090 when two source rows update the same target row, and counts actions otherwise', async () => {
    await run(`CREATE TABLE "${DB}"."EMU"."MT" ("ID" NUMBER(38,0), "V" VARCHAR)`);
    await run(`INSERT INTO "${DB}"."EMU"."MT" ("ID", "V") VALUES (1, 'a')`);
    const merge = (source: string): string =>
      `MERGE INTO "${DB}"."EMU"."MT" AS "T" USING (${source}) AS "S" ON "T"."ID" = "S"."ID" ` +
      `WHEN MATCHED THEN UPDATE SET "V" = "S"."V" WHEN NOT MATCHED THEN INSERT ("ID", "V") VALUES ("S"."ID", "S"."V")`;
    expect(await fails(merge(`SELECT 1 AS "ID", 'x' AS "V" UNION ALL SELECT 1, 'y'`))).toMatchObject({
      code: '100090',
      sqlState: '42P18',
    });
    expect(await run(merge(`SELECT 1 AS "ID", 'b' AS "V" UNION ALL SELECT 2, 'c'`))).toEqual([
      { 'number of rows inserted': 1, 'number of rows updated': 1 },
    ]);
    expect(await run(`SELECT "ID", "V" FROM "${DB}"."EMU"."MT" ORDER BY "ID"`)).toEqual([
      { ID: 1, V: 'b' },
      { ID: 2, V: 'c' },
    ]);
  });
});

describe('transactions', () => {
  it('rolls back and commits; refuses DDL inside a transaction (Snowflake would commit it implicitly)', async () => {
    await run(`CREATE TABLE "${DB}"."EMU"."TX" ("ID" NUMBER(38,0))`);
    await run('BEGIN');
    await run(`INSERT INTO "${DB}"."EMU"."TX" ("ID") VALUES (1)`);
    await run('ROLLBACK');
    await run('BEGIN');
    await run(`INSERT INTO "${DB}"."EMU"."TX" ("ID") VALUES (2)`);
    expect(await fails(`CREATE TABLE "${DB}"."EMU"."TX2" ("ID" NUMBER(38,0))`)).toMatchObject({
      code: '000002',
      sqlState: '0A000',
    });
    await run('COMMIT');
    expect(await run(`SELECT "ID" FROM "${DB}"."EMU"."TX"`)).toEqual([{ ID: 2 }]);
  });
});

describe('refusals', () => {
  it.each([
    ['UPDATE "FLOE_TEST"."EMU"."TX" T SET "ID" = 3', /UPDATE with an alias/],
    [`SELECT CAST("ID" AS VARCHAR) FROM "FLOE_TEST"."EMU"."TX"`, /CAST to VARCHAR/],
    [`COPY INTO "FLOE_TEST"."EMU"."TX" FROM @"FLOE_TEST"."EMU"."S"/x/ FILE_FORMAT = (TYPE = PARQUET) MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE INCLUDE_METADATA = ("F" = METADATA$FILENAME)`, /quoted target/],
    ['CREATE VIEW "FLOE_TEST"."EMU"."V" AS SELECT 1', /expected SCHEMA or STAGE or TABLE/],
    [
      `COPY INTO "FLOE_TEST"."EMU"."TX" FROM @"FLOE_TEST"."EMU"."S"/x/ FILE_FORMAT = (TYPE = PARQUET) MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE ON_ERROR = CONTINUE`,
      /ON_ERROR=CONTINUE/,
    ],
    [
      `COPY INTO "FLOE_TEST"."EMU"."TX" FROM @"FLOE_TEST"."EMU"."S"/x/ FILE_FORMAT = (TYPE = CSV)`,
      /FILE_FORMAT/,
    ],
    [`PUT 'file:///tmp/x' @"FLOE_TEST"."EMU"."S"/x/ SOURCE_COMPRESSION = NONE`, /SOURCE_COMPRESSION=NONE/],
    [`PUT 'file:///tmp/x' @~/x`, /user and table stages/],
    [`ALTER SESSION SET TIMEZONE = 'Europe/Paris'`, /TIMEZONE/],
    [`ALTER TABLE "FLOE_TEST"."EMU"."TX" ADD COLUMN IF NOT EXISTS "Y" VARCHAR`, /IF NOT EXISTS/],
  ])('%s', async (statement, pattern) => {
    const e = await fails(statement);
    expect(e.message).toMatch(pattern);
    expect(['000002', '001003']).toContain(e.code);
  });

  it('names a missing stage or table like Snowflake', async () => {
    expect(await fails(`REMOVE @"FLOE_TEST"."EMU"."NOPE"/x/`)).toMatchObject({ code: '002003' });
    expect(await fails(`SELECT * FROM "FLOE_TEST"."EMU"."NOPE"`)).toMatchObject({
      code: '002003',
      sqlState: '42S02',
    });
  });
});

describe('faults and sessions', () => {
  it('dropConnectionAfterPut: the upload completes, then the session is gone', async () => {
    const own = clientFor(emu);
    const f = join(tempDir(), 'x.parquet');
    writeFileSync(f, 'not really parquet');
    emu.faults.dropConnectionAfterPut();
    const rows = (await own.execute(sql(`PUT 'file://${f}' @"${DB}"."EMU"."S"/drop/ AUTO_COMPRESS = FALSE`)))
      .rows;
    expect(rows).toMatchObject([{ status: 'UPLOADED' }]);
    expect(emu.stageFiles([DB, 'EMU', 'S'])).toContain('drop/x.parquet');
    // The emulator answers 390111 (session gone); the driver turns it into "disconnected" (407002).
    await expect(own.execute(sql('SELECT 1 AS "X"'))).rejects.toMatchObject({ code: '407002' });
    expect(emu.requests.at(-1)).toMatchObject({ sqlText: 'SELECT 1 AS "X"', errorCode: '390111' });
    await own.close();
  });

  it('answers heartbeat and deletes the session on destroy', async () => {
    process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION ??= 'true';
    const sdk = (await import('snowflake-sdk')).default;
    const conn = sdk.createConnection({
      account: emu.account,
      username: 'floe',
      password: 'floe',
      accessUrl: emu.url,
    });
    await new Promise<void>((resolve, reject) => conn.connect((err) => (err ? reject(err) : resolve())));
    expect(await conn.isValidAsync()).toBe(true);
    await new Promise<void>((resolve) => conn.destroy(() => resolve()));
    expect(conn.isUp()).toBe(false);
  });
});
