/**
 * A COPY that does not load exactly what floe wrote fails the endpoint with SNOWFLAKE_COPY_FAILED
 * naming the file and the first error, and leaves the table and the ledger untouched.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { Column, Destination } from '../../../src/types.js';
import { FloeError } from '../../../src/util/errors.js';
import type { SnowflakeEmulator } from '../../support/snowflake-emulator/index.js';
import { orderFiles, request } from './fixtures.js';
import { cleanupTempDirs, destinationFor, emulator, parquet, tableRows, tempDir } from './helpers.js';

let emu: SnowflakeEmulator;
const open: Destination[] = [];
const dest = async (): Promise<Destination> => {
  const d = await destinationFor(emu);
  open.push(d);
  return d;
};

beforeAll(async () => {
  emu = await emulator();
});
afterEach(async () => {
  emu.faults.clear();
  for (const d of open.splice(0)) await d.close();
});
afterAll(async () => {
  await emu.close();
  cleanupTempDirs();
});

async function rejection(p: Promise<unknown>): Promise<FloeError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(FloeError);
  return e as FloeError;
}

const COLUMNS: Column[] = [
  { name: 'id', type: 'long' },
  { name: 'v', type: 'string' },
];

it('names the file and the first error when a value does not convert, and loads nothing', async () => {
  const d = await dest();
  const dir = tempDir();
  await d.load(
    request([await parquet(dir, 'seed.parquet', `SELECT 1::BIGINT AS id, 'seed' AS v`, COLUMNS)], {
      table: 'bad_values',
      runId: 'r0',
    }),
  );
  const good = await parquet(dir, 'good.parquet', `SELECT 2::BIGINT AS id, 'ok' AS v`, COLUMNS);
  // The file claims `id` is a long, but holds text: the stage and the table disagree.
  const bad = await parquet(
    dir,
    'bad.parquet',
    `SELECT * FROM (VALUES ('3', 'ok'), ('abc', 'bad')) t(id, v)`,
    COLUMNS,
  );
  const e = await rejection(d.load(request([good, bad], { table: 'bad_values', runId: 'r1' })));
  expect(e.code).toBe('SNOWFLAKE_COPY_FAILED');
  expect(e.kind).toBe('terminal');
  expect(e.details.file).toBe(bad.path);
  expect(e.message).toContain("Numeric value 'abc' is not recognized");
  expect(e.message).toContain(bad.path);
  expect((await tableRows(emu, 'BAD_VALUES')).map((r) => r.ID)).toEqual([1]);
  expect(await d.ledgerEntry('r1', { connector: 'test', endpoint: 'bad_values' })).toBeUndefined();

  // The same run id with fixed files loads normally.
  const fixed = await parquet(dir, 'fixed.parquet', `SELECT 3::BIGINT AS id, 'ok' AS v`, COLUMNS);
  await d.load(request([good, fixed], { table: 'bad_values', runId: 'r1' }));
  expect((await tableRows(emu, 'BAD_VALUES', 'ID')).map((r) => r.ID)).toEqual([1, 2, 3]);
});

it('fails when a file loads fewer rows than the stage wrote into it', async () => {
  const d = await dest();
  const [f] = await orderFiles(tempDir(), [{ first: 1, n: 3 }]);
  const lying = { ...f!, rows: 4 };
  const e = await rejection(d.load(request([lying], { table: 'short_file' })));
  expect(e.code).toBe('SNOWFLAKE_COPY_FAILED');
  expect(e.details.file).toBe(f!.path);
  expect(e.message).toContain('loaded 3 rows, but the file was written with 4');
});

it('surfaces a COPY error reported by Snowflake (injected) with the file it names', async () => {
  const d = await dest();
  const files = await orderFiles(tempDir(), [
    { first: 1, n: 2 },
    { first: 3, n: 2 },
  ]);
  emu.faults.failNextCopy({
    code: '100071',
    sqlState: '22000',
    message: 'Failed to cast variant value to NUMBER',
  });
  const e = await rejection(d.load(request(files, { table: 'injected' })));
  expect(e.code).toBe('SNOWFLAKE_COPY_FAILED');
  expect(e.details).toMatchObject({
    file: files[0]!.path,
    snowflake_code: '100071',
    sql_state: '22000',
    step: 'COPY INTO',
  });
  expect(e.message).toContain('Failed to cast variant value to NUMBER');
  await expect(emu.query(`SELECT * FROM "FLOE_TEST"."RAW"."INJECTED"`)).resolves.toEqual([]);
});

it('re-runs a load whose COPY committed into staging: the fresh staging table has no load metadata to skip files', async () => {
  const d = await dest();
  const files = await orderFiles(tempDir(), [{ first: 1, n: 2 }]);
  emu.faults.killSession({ match: 'COPY', phase: 'after' });
  await rejection(d.load(request(files, { table: 'meta_skip' })));
  const again = await destinationFor(emu);
  open.push(again);
  // The staging table is recreated on re-run, so load metadata starts empty and the file loads.
  await again.load(request(files, { table: 'meta_skip' }));
  expect((await tableRows(emu, 'META_SKIP', 'ID')).map((r) => r.ID)).toEqual([1, 2]);
});
