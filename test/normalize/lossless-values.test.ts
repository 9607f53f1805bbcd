/**
 * Issue 7, "what was seen": 1234567890123456789 stored as …768, 9007199254740993 as …992,
 * 12345678901234567891 as a DOUBLE, 1e400 as inf, invalid UTF-8 replaced — all silently. Every
 * value must arrive exactly (or be reported), on both destinations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSnowflakeEmulator, type SnowflakeEmulator } from '../support/snowflake-emulator/index.js';
import { parseExactJson, hasUnsafeNumber } from '../../src/source/rest/exact-json.js';
import { ExactNumber, exactJsonText } from '../../src/util/exact-number.js';
import { duckQuery, runItems, serveRaw, tempDir, type Target } from './pipeline.js';

const PAGE_1 =
  '{"data":[{"id":1234567890123456789,"b":9007199254740993,"big":12345678901234567891,' +
  '"huge":123456789012345678901234567890123456789012,"inf":1e400,"f":0.30000000000000004,' +
  '"arr":[12345678901234567891,1.5],"neg":-9223372036854775808}]}';
const PAGE_2 = Buffer.concat([
  Buffer.from('{"data":[{"id":1,"b":2,"big":3,"huge":4,"inf":2.5,"f":2,"arr":[],"neg":0,"name":"caf'),
  Buffer.from([0xff]),
  Buffer.from('"}]}'),
]);

describe('lossless JSON parse', () => {
  it('keeps JSON.parse for pages without unsafe numbers, and finds the unsafe ones', () => {
    expect(hasUnsafeNumber('{"a":1,"b":"12345678901234567890","c":0.30000000000000004,"d":1e300}')).toBe(false);
    expect(hasUnsafeNumber('{"a": 9007199254740991, "u":"3e123"}')).toBe(false);
    expect(hasUnsafeNumber('{"a": 9007199254740993}')).toBe(true);
    expect(hasUnsafeNumber('[1, -1E+400]')).toBe(true);
    expect(hasUnsafeNumber('12345678901234567890')).toBe(true);
    const counts = { exactNumbers: 0, nonFiniteNumbers: 0 };
    const v = parseExactJson('[9007199254740993, 1e400, 1.5, 7]', counts) as unknown[];
    expect(v[0]).toBeInstanceOf(ExactNumber);
    expect(String(v[0])).toBe('9007199254740993');
    expect((v[0] as ExactNumber).big).toBe(9007199254740993n);
    expect((v[1] as ExactNumber).kind).toBe('json');
    expect(v.slice(2)).toEqual([1.5, 7]);
    expect(counts).toEqual({ exactNumbers: 1, nonFiniteNumbers: 1 });
    expect(exactJsonText(v)).toBe('[9007199254740993,1e400,1.5,7]');
  });
});

/** The first implementation, one regex over the whole text: the reference for the fast pre-check. */
function referenceHasUnsafe(text: string): boolean {
  const all = /(?:^|[:,[])\s*(-?(?:\d{16}|\d+(?:\.\d+)?[eE]\+?\d{3})[\d.eE+-]*)/g;
  for (let m = all.exec(text); m !== null; m = all.exec(text)) {
    const n = Number(m[1]);
    if (!Number.isFinite(n) || (!Number.isSafeInteger(n) && /^-?\d+$/.test(m[1]!))) return true;
  }
  return false;
}

describe('the pre-check before the exact parse', () => {
  it('agrees with a whole-text regex on 3,000 random pages (digit runs of every length at every offset, hex ids, exponents)', () => {
    let seed = 7;
    const rand = (k: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % k;
    };
    const digits = (n: number): string => Array.from({ length: n }, (_, i) => String((i === 0 ? 1 : 0) + rand(i === 0 ? 9 : 10))).join('');
    const value = (): string => {
      switch (rand(10)) {
        case 0:
          return digits(1 + rand(22)); // around 2^53 and 2^64
        case 1:
          return `"${digits(1 + rand(22))}"`; // long digit runs inside strings
        case 2:
          return `${rand(2) ? '-' : ''}${digits(1 + rand(3))}${rand(2) ? `.${digits(1 + rand(3))}` : ''}${['e', 'E'][rand(2)]}${rand(2) ? '+' : ''}${digits(1 + rand(4))}`;
        case 3:
          return `"${rand(16).toString(16)}e${digits(3)}-${digits(rand(20))}"`; // hex ids with e + digits
        case 4:
          return `${rand(2) ? ' ' : ''}${digits(15 + rand(3))}`;
        case 6:
          return `${rand(2) ? '-' : ''}9007199254740${990 + rand(10)}`; // 16 digits at 2^53: 9007199254740992 and up are unsafe
        case 5:
          return `[${value()},${rand(2) ? ' ' : ''}${value()}]`;
        default:
          return String(rand(1000));
      }
    };
    let unsafePages = 0;
    for (let i = 0; i < 3000; i++) {
      // Shifts every token across the 16-byte stride (é is two bytes in UTF-8, € three).
      const pad = Array.from({ length: rand(40) }, () => ['x', 'é', '€'][rand(3)]).join('');
      const page = `{"p":"${pad}","a":${value()},"b":${value()},"c":${value()}}`;
      const expected = referenceHasUnsafe(page);
      if (expected) unsafePages++;
      expect(hasUnsafeNumber(page), page).toBe(expected);
      expect(hasUnsafeNumber(page, Buffer.from(page, 'utf8')), page).toBe(expected);
    }
    expect(unsafePages).toBeGreaterThan(300);
    expect(unsafePages).toBeLessThan(2700);
    for (const top of ['9007199254740993', '1e400', ' -1E+400', '9007199254740991']) expect(hasUnsafeNumber(top), top).toBe(referenceHasUnsafe(top));
  });
});

describe.each(['duckdb', 'snowflake'] as const)('exact values end to end (%s)', (kind) => {
  let emu: SnowflakeEmulator | undefined;
  beforeAll(async () => {
    if (kind === 'snowflake') emu = await startSnowflakeEmulator();
  });
  afterAll(async () => {
    await emu?.close();
  });

  it('loads integers beyond 2^53 exactly, keeps 1e400 as text, and reports what it changed', async () => {
    const api = await serveRaw([PAGE_1, PAGE_2]);
    const tmp = await tempDir('floe-lossless-');
    try {
      const target: Target =
        kind === 'duckdb' ? { type: 'duckdb', path: `${tmp.dir}/w.duckdb` } : { type: 'snowflake', emu: emu!, schema: 'LOSSLESS' };
      const run = await runItems(api.url, target, `${tmp.dir}/state`);
      expect(run.status).toBe('succeeded');
      expect(run.endpoints[0]?.warnings).toEqual([
        '1 invalid UTF-8 byte sequence(s) in the responses were loaded as U+FFFD (\ufffd)',
        '1 number(s) beyond the double range (such as 1e400) were loaded as their JSON text',
      ]);
      const cols = 'id, b, big, huge, inf, f, arr, neg, name';
      const text = (c: string): string => `CAST(${c} AS VARCHAR) AS ${c}`;
      const select = `SELECT ${cols.split(', ').map(text).join(', ')}`;
      const rows =
        kind === 'duckdb'
          ? await duckQuery(target.type === 'duckdb' ? target.path : '', `${select} FROM main.items ORDER BY b DESC`)
          : await emu!.query(`${select.toUpperCase().replaceAll(' AS VARCHAR', ' AS VARCHAR')} FROM "FLOE_TEST"."LOSSLESS"."ITEMS" ORDER BY B DESC`);
      const lower = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k.toLowerCase(), v])));
      expect(lower[0]).toEqual({
        id: '1234567890123456789',
        b: '9007199254740993',
        big: '12345678901234567891',
        huge: '123456789012345678901234567890123456789012',
        inf: '1e400',
        f: '0.30000000000000004',
        arr: '[12345678901234567891,1.5]',
        neg: '-9223372036854775808',
        name: null,
      });
      expect(lower[1]).toMatchObject({ id: '1', big: '3', inf: '2.5', name: 'caf\ufffd' });
      const types =
        kind === 'duckdb'
          ? await duckQuery(target.type === 'duckdb' ? target.path : '', `SELECT column_name AS c, data_type AS t FROM information_schema.columns WHERE table_name = 'items'`)
          : await emu!.query(`SELECT column_name AS c, data_type AS t FROM information_schema.columns WHERE table_catalog = 'FLOE_TEST' AND table_schema = 'LOSSLESS' AND table_name = 'ITEMS'`);
      const byName = Object.fromEntries(types.map((r) => [String(r.c).toLowerCase(), String(r.t)]));
      // The emulator keeps Snowflake's NUMBER(38,0) as DuckDB's DECIMAL(38,0).
      expect(byName).toMatchObject(
        kind === 'duckdb'
          ? { id: 'BIGINT', b: 'BIGINT', big: 'DECIMAL(38,0)', huge: 'VARCHAR', inf: 'VARCHAR', f: 'DOUBLE' }
          : { id: 'DECIMAL(38,0)', b: 'DECIMAL(38,0)', big: 'DECIMAL(38,0)', huge: 'VARCHAR', inf: 'VARCHAR', f: 'DOUBLE' },
      );
    } finally {
      await api.close();
      await tmp.remove();
    }
  }, 60_000);
});
