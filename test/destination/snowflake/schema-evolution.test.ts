/**
 * Tables follow the data: new columns are added, widened types rebuild the table (never a silent
 * failure or truncation), JSON columns can be VARIANT, and name collisions fail loudly.
 */
import { expect, it } from 'vitest';
import type { Column, Destination } from '../../../src/types.js';
import { request } from './fixtures.js';
import {
  captureLogger,
  DB,
  parquet,
  SCHEMA,
  tableRows,
  tempDir,
  useEmulatorDestinations,
} from './helpers.js';

const sf = useEmulatorDestinations();
const dest = (...a: Parameters<typeof sf.dest>): Promise<Destination> => sf.dest(...a);

async function dataTypes(table: string): Promise<Record<string, string>> {
  const rows = await sf.emu.query(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_catalog = '${DB}' AND table_schema = '${SCHEMA}' AND table_name = '${table}' ORDER BY ordinal_position`,
  );
  return Object.fromEntries(rows.map((r) => [String(r.column_name), String(r.data_type)]));
}

async function load(
  d: Destination,
  table: string,
  runId: string,
  select: string,
  columns: readonly Column[],
): Promise<void> {
  const f = await parquet(tempDir(), `${table}-${runId}.parquet`, select, columns);
  await d.load(request([f], { table, runId, columns }));
}

it('creates tables with the documented type mapping', async () => {
  const d = await dest();
  const columns: Column[] = [
    { name: 's', type: 'string' },
    { name: 'i', type: 'integer' },
    { name: 'l', type: 'long' },
    { name: 'f', type: 'float' },
    { name: 'x', type: 'double' },
    { name: 'b', type: 'boolean' },
    { name: 't', type: 'timestamp' },
    { name: 'd', type: 'date' },
    { name: 'bin', type: 'binary' },
    { name: 'j', type: 'json' },
  ];
  await load(
    d,
    'types',
    'r1',
    `SELECT 's' AS s, 1::INTEGER AS i, 2::BIGINT AS l, 1.5::FLOAT AS f, 2.5::DOUBLE AS x, true AS b, TIMESTAMPTZ '2024-01-01 00:00:00+00' AS t, DATE '2024-02-29' AS d, '\\xAB'::BLOB AS bin, '{"k":1}' AS j`,
    columns,
  );
  expect(await dataTypes('TYPES')).toEqual({
    S: 'VARCHAR',
    I: 'DECIMAL(38,0)',
    L: 'DECIMAL(38,0)',
    F: 'DOUBLE',
    X: 'DOUBLE',
    B: 'BOOLEAN',
    T: 'TIMESTAMP WITH TIME ZONE',
    D: 'DATE',
    BIN: 'BLOB',
    J: 'VARCHAR',
  });
  const [row] = await tableRows(sf.emu, 'TYPES');
  expect(row).toMatchObject({
    S: 's',
    I: 1,
    L: 2,
    F: 1.5,
    X: 2.5,
    B: true,
    T: '2024-01-01T00:00:00.000Z',
    D: '2024-02-29T00:00:00.000Z',
    J: '{"k":1}',
  });
});

it('adds new columns with ALTER TABLE … ADD COLUMN; earlier rows read NULL', async () => {
  const d = await dest();
  const v1: Column[] = [{ name: 'id', type: 'long' }];
  const v2: Column[] = [...v1, { name: 'email', type: 'string' }, { name: 'score', type: 'double' }];
  await load(d, 'grow', 'r1', `SELECT 1::BIGINT AS id`, v1);
  await load(d, 'grow', 'r2', `SELECT 2::BIGINT AS id, 'a@b' AS email, 0.5 AS score`, v2);
  expect(
    sf.emu.requests.some((r) =>
      /^ALTER TABLE "FLOE_TEST"\."RAW"\."GROW" ADD COLUMN "EMAIL" VARCHAR, "SCORE" FLOAT$/.test(r.sqlText),
    ),
  ).toBe(true);
  expect(await tableRows(sf.emu, 'GROW', 'ID')).toEqual([
    { ID: 1, EMAIL: null, SCORE: null },
    { ID: 2, EMAIL: 'a@b', SCORE: 0.5 },
  ]);
});

it('widens NUMBER to VARCHAR by rebuilding the table atomically, keeping rows and grants, and says so', async () => {
  const { logger, lines } = captureLogger();
  const d = await dest({}, { logger });
  await load(d, 'widen', 'r1', `SELECT 7::BIGINT AS code, 'x' AS name`, [
    { name: 'code', type: 'long' },
    { name: 'name', type: 'string' },
  ]);
  sf.emu.grant([DB, SCHEMA, 'WIDEN'], 'SELECT TO ROLE ANALYST');
  await load(d, 'widen', 'r2', `SELECT 'A-1' AS code, 'y' AS name`, [
    { name: 'code', type: 'string' },
    { name: 'name', type: 'string' },
  ]);
  expect(await dataTypes('WIDEN')).toEqual({ CODE: 'VARCHAR', NAME: 'VARCHAR' });
  expect((await tableRows(sf.emu, 'WIDEN', 'NAME')).map((r) => r.CODE)).toEqual(['7', 'A-1']);
  expect(sf.emu.grants([DB, SCHEMA, 'WIDEN'])).toEqual(['SELECT TO ROLE ANALYST']);
  expect(
    lines.some((l) => l.includes('widening column types') && l.includes('CODE: NUMBER -> VARCHAR')),
  ).toBe(true);
});

it('widens NUMBER to FLOAT and DATE to TIMESTAMP; narrower data into a wider column needs no change', async () => {
  const d = await dest();
  await load(d, 'mixed', 'r1', `SELECT 1::BIGINT AS n, DATE '2024-01-02' AS d, 'text' AS s`, [
    { name: 'n', type: 'long' },
    { name: 'd', type: 'date' },
    { name: 's', type: 'string' },
  ]);
  const rebuildsBefore = sf.emu.requests.filter((r) => r.sqlText.includes('COPY GRANTS AS SELECT')).length;
  await load(
    d,
    'mixed',
    'r2',
    `SELECT 2.5::DOUBLE AS n, TIMESTAMPTZ '2024-01-03 04:05:06+00' AS d, 42::BIGINT AS s`,
    [
      { name: 'n', type: 'double' },
      { name: 'd', type: 'timestamp' },
      { name: 's', type: 'long' },
    ],
  );
  expect(sf.emu.requests.filter((r) => r.sqlText.includes('COPY GRANTS AS SELECT')).length).toBe(
    rebuildsBefore + 1,
  );
  expect(await dataTypes('MIXED')).toEqual({ N: 'DOUBLE', D: 'TIMESTAMP WITH TIME ZONE', S: 'VARCHAR' });
  expect((await tableRows(sf.emu, 'MIXED', 'N')).map((r) => [r.N, r.D, r.S])).toEqual([
    [1, '2024-01-02T00:00:00.000Z', 'text'],
    [2.5, '2024-01-03T04:05:06.000Z', '42'],
  ]);
});

it('stores JSON columns as VARIANT with json_columns: variant, parsed, not as strings', async () => {
  const d = await dest({ json_columns: 'variant' });
  const columns: Column[] = [
    { name: 'id', type: 'long' },
    { name: 'tags', type: 'json' },
  ];
  await load(d, 'variant_t', 'r1', `SELECT 1::BIGINT AS id, '["a",{"b":2}]' AS tags`, columns);
  expect(await dataTypes('VARIANT_T')).toEqual({ ID: 'DECIMAL(38,0)', TAGS: 'JSON' });
  expect(sf.emu.requests.some((r) => r.sqlText.includes('PARSE_JSON("TAGS")'))).toBe(true);
  const [row] = await sf.emu.query(
    `SELECT json_extract(TAGS, '$[1].b')::INTEGER AS b FROM "${DB}"."${SCHEMA}"."VARIANT_T"`,
  );
  expect(row).toEqual({ b: 2 });
});

it('refuses two source columns that fold to the same Snowflake name', async () => {
  const d = await dest();
  const columns: Column[] = [
    { name: 'userId', type: 'long' },
    { name: 'userid', type: 'long' },
  ];
  const f = await parquet(
    tempDir(),
    'collide.parquet',
    `SELECT 1::BIGINT AS "userId", 2::BIGINT AS "userid2"`,
    columns,
  );
  await expect(d.load(request([f], { table: 'collide', columns }))).rejects.toMatchObject({
    code: 'SCHEMA_MISMATCH',
  });
});
