/**
 * Issue 7, "what was seen": ISO-8601 strings stayed VARCHAR (dlt types them as timestamps).
 * Inferred on by default, switchable off, widening to string (keeping the text) when a later value
 * is not one; "02108" stays a string.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSnowflakeEmulator, type SnowflakeEmulator } from '../support/snowflake-emulator/index.js';
import { ENGINES, allRows, checkBatch, run } from './helpers.js';
import { duckQuery, runItems, serveRaw, tempDir, type Target } from './pipeline.js';

const RECORDS = [
  { id: 1, created_at: '2024-03-05T10:11:12.123456789Z', day: '2024-03-05', zip: '02108', local: '2024-03-05 10:11', later: '2024-01-01T00:00:00Z' },
  { id: 2, created_at: '2024-03-05T12:00:00+02:00', day: '2024-02-29', zip: '10001', local: '2024-03-05 10:11:00', later: 'not a date' },
];

describe.each(ENGINES)('timestamp inference (%s)', (engine) => {
  it('types ISO-8601 strings as timestamp/date, keeps "02108" a string, widens to string keeping the text', () => {
    const { n, batches } = run({ endpoint: 'e', batchRows: 10, engine }, [RECORDS.slice(0, 1), RECORDS.slice(0, 1), RECORDS.slice(1)]);
    batches.forEach(checkBatch);
    expect(Object.fromEntries(n.columns.map((c) => [c.name, c.type]))).toEqual({
      id: 'long',
      created_at: 'timestamp',
      day: 'date',
      zip: 'string',
      local: 'timestamp',
      later: 'string',
    });
    expect(allRows(batches).map((r) => r.later)).toEqual(['2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', 'not a date']);
  });

  it('infer_timestamps: false keeps every string a string', () => {
    const { n } = run({ endpoint: 'e', batchRows: 10, engine, settings: { inferTimestamps: false } }, [RECORDS]);
    expect(n.columns.filter((c) => c.type !== 'long').map((c) => c.type)).toEqual(['string', 'string', 'string', 'string', 'string']);
  });
});

describe.each(['duckdb', 'snowflake'] as const)('timestamps end to end (%s)', (kind) => {
  let emu: SnowflakeEmulator | undefined;
  beforeAll(async () => {
    if (kind === 'snowflake') emu = await startSnowflakeEmulator();
  });
  afterAll(async () => {
    await emu?.close();
  });

  it('loads inferred timestamps and dates as TIMESTAMPTZ / DATE, exact to the microsecond', async () => {
    const api = await serveRaw([JSON.stringify({ data: RECORDS })]);
    const tmp = await tempDir('floe-ts-');
    try {
      const target: Target =
        kind === 'duckdb' ? { type: 'duckdb', path: `${tmp.dir}/w.duckdb` } : { type: 'snowflake', emu: emu!, schema: 'TS' };
      const r = await runItems(api.url, target, `${tmp.dir}/state`);
      expect(r.endpoints[0]?.error).toBeUndefined();
      const query = (sql: string): Promise<Record<string, unknown>[]> =>
        kind === 'duckdb' ? duckQuery(`${tmp.dir}/w.duckdb`, sql.replace('{t}', 'main.items')) : emu!.query(sql.replace('{t}', '"FLOE_TEST"."TS"."ITEMS"'));
      const c = (name: string): string => (kind === 'duckdb' ? name : name.toUpperCase());
      const rows = await query(
        `SELECT epoch_us(${c('created_at')})::VARCHAR AS us, ${c('day')}::VARCHAR AS d, ${c('zip')} AS zip, typeof(${c('created_at')}) AS t, typeof(${c('day')}) AS dt FROM {t} ORDER BY ${c('id')}`,
      );
      expect(rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k.toLowerCase(), v])))).toEqual([
        { us: '1709633472123456', d: '2024-03-05', zip: '02108', t: 'TIMESTAMP WITH TIME ZONE', dt: 'DATE' },
        { us: '1709632800000000', d: '2024-02-29', zip: '10001', t: 'TIMESTAMP WITH TIME ZONE', dt: 'DATE' },
      ]);
    } finally {
      await api.close();
      await tmp.remove();
    }
  }, 60_000);
});
