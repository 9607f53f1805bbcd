/**
 * Issue 7, "what was seen": head_repository_id held head_repository.id while the real top-level
 * field landed in head_repository_id__2; userId/userid, "" and floe's own names failed with raw
 * SQL errors; a field null on every row had no column. The same rules on DuckDB and Snowflake,
 * and the same names in a second run whatever its records hold.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suffixed } from '../../src/normalize/column-naming.js';
import { startSnowflakeEmulator, type SnowflakeEmulator } from '../support/snowflake-emulator/index.js';
import { duckQuery, runItems, serveRaw, tempDir, type Target } from './pipeline.js';

const RUN_1 = JSON.stringify({
  data: [
    { head_repository: { id: 20 }, head_repository_id: 10, userId: 'U', userid: 'u', '': 'e', _floe_file: 'f', filename: 'n', 'reactions_+1': 3, always_null: null },
    { head_repository_id: 11, head_repository: { id: 21 }, userid: 'v', userId: 'V', always_null: null },
  ],
});
// The top-level key is missing from the first records of run 2: the nested path keeps its name.
const RUN_2 = JSON.stringify({ data: [{ head_repository: { id: 30 }, always_null: 5 }, { head_repository_id: 40, always_null: 6 }] });

const NESTED = suffixed('head_repository_id', ['head_repository', 'id']);
const CASE = suffixed('userid', ['userid']);

describe.each(['duckdb', 'snowflake'] as const)('column rules end to end (%s)', (kind) => {
  let emu: SnowflakeEmulator | undefined;
  beforeAll(async () => {
    if (kind === 'snowflake') emu = await startSnowflakeEmulator();
  });
  afterAll(async () => {
    await emu?.close();
  });

  it('keeps the top-level key on the plain name, suffixes the nested path, loads every odd name, types a null column later', async () => {
    const tmp = await tempDir('floe-columns-');
    const target: Target =
      kind === 'duckdb' ? { type: 'duckdb', path: `${tmp.dir}/w.duckdb` } : { type: 'snowflake', emu: emu!, schema: 'COLS' };
    const query = (sql: string): Promise<Record<string, unknown>[]> =>
      kind === 'duckdb' ? duckQuery(`${tmp.dir}/w.duckdb`, sql.replace('{t}', 'main.items')) : emu!.query(sql.replace('{t}', '"FLOE_TEST"."COLS"."ITEMS"'));
    const id = (name: string): string => `"${kind === 'duckdb' ? name : name.toUpperCase()}"`;
    const types = async (): Promise<Record<string, string>> => {
      const rows = await query(
        kind === 'duckdb'
          ? `SELECT column_name AS c, data_type AS t FROM information_schema.columns WHERE table_name = 'items'`
          : `SELECT column_name AS c, data_type AS t FROM information_schema.columns WHERE table_catalog = 'FLOE_TEST' AND table_schema = 'COLS' AND table_name = 'ITEMS'`,
      );
      return Object.fromEntries(rows.map((r) => [String(r.c).toLowerCase(), String(r.t)]));
    };
    try {
      const api1 = await serveRaw([RUN_1]);
      const run1 = await runItems(api1.url, target, `${tmp.dir}/state`);
      await api1.close();
      expect(run1.endpoints[0]?.error).toBeUndefined();
      expect(run1.status).toBe('succeeded');
      expect(run1.endpoints[0]?.warnings?.join('\n')).toContain(`"head_repository.id" → ${NESTED}`);
      expect(run1.endpoints[0]?.warnings?.join('\n')).toContain(`"userid" → ${CASE}`);
      expect(Object.keys(await types()).sort()).toEqual(
        ['head_repository_id', NESTED, 'userid', CASE, '_empty', '__floe_file', 'filename', 'reactions_+1', 'always_null'].sort(),
      );
      expect((await types()).always_null).toBe('VARCHAR');
      const rows1 = await query(
        `SELECT ${id('head_repository_id')} AS top, ${id(NESTED)} AS nested, ${id('userId')} AS u1, ${id(CASE)} AS u2, ${id('_empty')} AS e, ${id('__floe_file')} AS f FROM {t} ORDER BY 1`,
      );
      expect(rows1.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k.toLowerCase(), Number(v) || v])))).toEqual([
        { top: 10, nested: 20, u1: 'U', u2: 'u', e: 'e', f: 'f' },
        { top: 11, nested: 21, u1: 'V', u2: 'v', e: null, f: null },
      ]);

      const api2 = await serveRaw([RUN_2]);
      const run2 = await runItems(api2.url, target, `${tmp.dir}/state`);
      await api2.close();
      expect(run2.endpoints[0]?.error).toBeUndefined();
      const rows2 = await query(`SELECT ${id('head_repository_id')} AS top, ${id(NESTED)} AS nested, ${id('always_null')} AS n FROM {t} ORDER BY 2`);
      expect(rows2.slice(2).map((r) => Object.values(r).map((v) => (v === null ? null : Number(v))))).toEqual([
        [null, 30, 5],
        [40, null, 6],
      ]);
      expect((await types()).always_null).toMatch(kind === 'duckdb' ? /^BIGINT$/ : /^(DECIMAL\(38,0\)|NUMBER)/);
    } finally {
      await tmp.remove();
    }
  }, 60_000);
});
