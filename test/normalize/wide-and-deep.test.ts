/**
 * Issue 7, "what was seen": a 600-column endpoint loaded once, then every later load failed with
 * `could not allocate block … SET memory_limit` under the default 256MB; 10,000 distinct keys ran
 * out of memory; nesting depth ~1,000 failed with `Maximum call stack size exceeded`. Also the
 * naming option and the nesting limit.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { Normalizer } from '../../src/normalize/normalizer.js';
import { normalizerSettings } from '../../src/normalize/normalizer-settings.js';
import { catchError } from '../support/catch-error.js';
import { ENGINES, allRows, run } from './helpers.js';
import { duckQuery, runItems, serveRaw, tempDir } from './pipeline.js';
import { defaultParts } from '../../src/run/default-parts.js';
import type { Parts } from '../../src/run/parts.js';
import type { ColumnBatch } from '../../src/types.js';

const defaults = parseConfig({ name: 'x', base_url: 'http://127.0.0.1:1', endpoints: [{ path: '/items' }] }, {});
const settings = normalizerSettings(defaults.config, defaults.config.endpoints[0]!);

describe('wide records', () => {
  it('a 600-column endpoint loads on every run with the default settings (DuckDB, memory_limit 256MB)', async () => {
    const record = (i: number): Record<string, unknown> =>
      Object.fromEntries(Array.from({ length: 600 }, (_, c) => [`field_${c}`, c % 3 === 0 ? i * c : `v${i}-${c}`]));
    const page = JSON.stringify({ data: Array.from({ length: 300 }, (_, i) => record(i)) });
    const api = await serveRaw([page]);
    const tmp = await tempDir('floe-wide-');
    try {
      for (let n = 1; n <= 3; n++) {
        const r = await runItems(api.url, { type: 'duckdb', path: `${tmp.dir}/w.duckdb` }, `${tmp.dir}/state`);
        expect(r.endpoints[0]?.error?.message).toBeUndefined();
        expect(r.status).toBe('succeeded');
      }
      expect(await duckQuery(`${tmp.dir}/w.duckdb`, `SELECT count(*)::INT AS n, sum(field_3)::INT AS s FROM main.items`)).toEqual([
        { n: 900, s: 3 * 3 * ((299 * 300) / 2) },
      ]);
    } finally {
      await api.close();
      await tmp.remove();
    }
  }, 120_000);

  it('10,000 distinct keys fail with a message naming the object and the fix, under the default max_columns', () => {
    expect(settings.maxColumns).toBe(1000);
    const rates = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`id_${i}`, i]));
    const n = new Normalizer({ endpoint: 'fx', batchRows: 10, settings });
    const e = catchError(() => n.push([{ base: 'EUR', rates }]));
    expect(e).toMatchObject({ code: 'TOO_MANY_COLUMNS', kind: 'terminal' });
    expect((e as Error).message).toContain('"rates" has at least 1000 distinct keys');
    expect((e as Error).message).toContain('declare "rates" as a string in endpoints[].schema');
    expect((e as Error).message).toContain('normalize.max_table_nesting: 0');
    // The fix it names works: declared string keeps the map as one JSON-text column.
    const fixed = run({ endpoint: 'fx', batchRows: 10, settings, schema: [{ name: 'rates', type: 'string' }] }, [[{ base: 'EUR', rates }]]);
    expect(fixed.n.columns.map((c) => c.name)).toEqual(['rates', 'base']);
    expect(JSON.parse(String(allRows(fixed.batches)[0]?.rates))).toEqual(rates);
  });
});

describe('records of big values', () => {
  it('are cut into batches by the JSON text of their pages too, not only by stage.batch_rows', async () => {
    // 8 pages of 20 records of a ~200 KB map each: ~32 MB of JSON, 160 rows (far below batch_rows).
    const map = (seed: number): Record<string, number> =>
      Object.fromEntries(Array.from({ length: 12_000 }, (_, k) => [`k${k}`, (seed * 7919 + k * 104729) % 1_000_003]));
    const pages = Array.from({ length: 8 }, (_, p) =>
      JSON.stringify({ data: Array.from({ length: 20 }, (_, i) => ({ id: p * 20 + i, counts: map(p * 20 + i) })) }),
    );
    const api = await serveRaw(pages);
    const tmp = await tempDir('floe-big-values-');
    const batchRows: number[] = [];
    const parts: Parts = {
      ...defaultParts,
      createStageWriter: (opts) => {
        const w = defaultParts.createStageWriter(opts);
        const write = w.write.bind(w);
        return Object.assign(w, { write: (b: ColumnBatch) => (batchRows.push(b.length), write(b)) });
      },
    };
    try {
      const r = await runItems(api.url, { type: 'duckdb', path: `${tmp.dir}/w.duckdb` }, `${tmp.dir}/state`, { schema: [{ name: 'counts', type: 'string' }] }, parts);
      expect(r.endpoints[0]?.error?.message).toBeUndefined();
      expect(r.endpoints[0]?.rows).toBe(160);
      expect(batchRows.reduce((a, b) => a + b, 0)).toBe(160);
      // Each batch holds at most ~16 MB of pages (4 MB each): 2 batches at least, none of all 160 rows.
      expect(batchRows.length).toBeGreaterThanOrEqual(2);
      expect(Math.max(...batchRows)).toBeLessThanOrEqual(100);
      expect(await duckQuery(`${tmp.dir}/w.duckdb`, `SELECT count(*)::INT AS n, count(DISTINCT counts)::INT AS d FROM main.items`)).toEqual([{ n: 160, d: 160 }]);
    } finally {
      await api.close();
      await tmp.remove();
    }
  }, 120_000);
});

describe.each(ENGINES)('deep records and naming (%s)', (engine) => {
  it('nesting 1,000 deep loads with the default settings: objects below max_table_nesting stay JSON text', () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 1000; i++) deep = { x: deep };
    const { n, batches } = run({ endpoint: 'deep', batchRows: 10, settings, engine }, [[{ id: 1, deep }], [{ id: 2, deep }]]);
    const name = ['deep', ...Array.from({ length: settings.maxNesting }, () => 'x')].join('_');
    expect(n.columns).toEqual([
      { name: 'id', type: 'long' },
      { name, type: 'json' },
    ]);
    let inner: unknown = deep;
    for (let i = 0; i < settings.maxNesting; i++) inner = (inner as { x: unknown }).x;
    expect(JSON.parse(String(allRows(batches)[1]?.[name]))).toEqual(inner);
  });

  it('max_table_nesting: 1 flattens one level; 0 keeps every object as JSON', () => {
    const rec = { id: 1, a: { b: { c: 1 }, d: 2 } };
    const one = run({ endpoint: 'e', batchRows: 10, settings: { maxNesting: 1 }, engine }, [[rec, rec]]);
    expect(allRows(one.batches)[1]).toEqual({ id: 1, a_b: '{"c":1}', a_d: 2 });
    const zero = run({ endpoint: 'e', batchRows: 10, settings: { maxNesting: 0 }, engine }, [[rec, rec]]);
    expect(allRows(zero.batches)[1]).toEqual({ id: 1, a: '{"b":{"c":1},"d":2}' });
  });

  it("naming: snake_case follows dlt's convention (createdAt → created_at, nested keys joined with __)", () => {
    const rec = { createdAt: 1, reactions: { '+1': 2, '-1': 0 }, 'User Name': 'x', '2fa': true, a__b: 3, HTTPStatus: 200 };
    const { n } = run({ endpoint: 'e', batchRows: 10, settings: { naming: 'snake_case' }, engine }, [[rec, rec]]);
    expect(n.columns.map((c) => c.name)).toEqual(['created_at', 'reactions__x1', 'reactions___1', 'user_name', '_2fa', 'a_b', 'http_status']);
  });
});
