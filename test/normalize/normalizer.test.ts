import { describe, expect, it } from 'vitest';
import { suffixed } from '../../src/normalize/column-naming.js';
import { Normalizer } from '../../src/normalize/normalizer.js';
import { isFloeError } from '../../src/util/errors.js';
import { ENGINES, allRows, checkBatch, run } from './helpers.js';

const types = (n: Normalizer): Record<string, string> =>
  Object.fromEntries(n.columns.map((c) => [c.name, c.type]));

describe.each(ENGINES)('Normalizer (%s)', (engine) => {
  const opts = { endpoint: 'ep', batchRows: 1000, engine } as const;

  it('flattens nested objects at any depth, keeping each key spelling', () => {
    const rec = {
      id: 1,
      createdAt: '2024-01-01',
      fields: { statusCategory: { key: 'done', colorName: 'green' }, summary: 'Fix it' },
    };
    const { n, batches } = run(opts, [[rec, rec]]);
    expect(n.columns.map((c) => c.name)).toEqual([
      'id',
      'createdAt',
      'fields_statusCategory_key',
      'fields_statusCategory_colorName',
      'fields_summary',
    ]);
    expect(allRows(batches)[1]).toEqual({
      id: 1,
      createdAt: '2024-01-01',
      fields_statusCategory_key: 'done',
      fields_statusCategory_colorName: 'green',
      fields_summary: 'Fix it',
    });
  });

  it('keeps arrays as one json column of JSON text, never exploding rows', () => {
    const recs = [
      { id: 1, tags: ['a', 'é'], items: [{ x: 1 }, { x: 2 }] },
      { id: 2, tags: [], items: null },
    ];
    const { n, batches } = run(opts, [recs, recs]);
    expect(types(n)).toEqual({ id: 'long', tags: 'json', items: 'json' });
    const rows = allRows(batches);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toEqual({ id: 1, tags: '["a","é"]', items: '[{"x":1},{"x":2}]' });
    expect(rows[1]).toEqual({ id: 2, tags: '[]', items: null });
  });

  it('writes NULL to the children of a null object; a field null on every row still gets a column, {} none', () => {
    const pages = [
      [{ id: 1, address: { city: 'Genève', zip: '1200' }, meta: null, extra: {} }],
      [{ id: 2, address: null, meta: null, extra: {} }, { id: 3 }],
    ];
    const { n, batches } = run(opts, pages);
    expect(n.columns).toEqual([
      { name: 'id', type: 'long' },
      { name: 'address_city', type: 'string' },
      { name: 'address_zip', type: 'string' },
      { name: 'meta', type: 'null' },
    ]);
    expect(allRows(batches)).toEqual([
      { id: 1, address_city: 'Genève', address_zip: '1200', meta: null },
      { id: 2, address_city: null, address_zip: null, meta: null },
      { id: 3, address_city: null, address_zip: null, meta: null },
    ]);
  });

  it('gives an all-null field its real type when a value comes, and no column to a null that turns out an object', () => {
    const { n, batches } = run({ ...opts, batchRows: 2 }, [
      [{ id: 1, n: null, o: null }, { id: 2, n: null, o: { k: 'x' } }],
      [{ id: 3, n: 5, o: null }],
    ]);
    expect(batches[0]?.columns).toEqual([
      { name: 'id', type: 'long' },
      { name: 'o_k', type: 'string' },
      { name: 'n', type: 'null' },
    ]);
    expect(n.columns).toEqual([
      { name: 'id', type: 'long' },
      { name: 'o_k', type: 'string' },
      { name: 'n', type: 'long' },
    ]);
    expect(allRows(batches)[2]).toEqual({ id: 3, o_k: null, n: 5 });
  });

  it('never reads strings as numbers (ISO-8601 ones are timestamps); integers are long, other numbers double', () => {
    const { n, batches } = run(opts, [
      [{ zip: '02108', when: '2024-01-02T03:04:05Z', n: 3, x: 1.5, ok: true, big: 2 ** 53 }],
    ]);
    expect(types(n)).toEqual({
      zip: 'string',
      when: 'timestamp',
      n: 'long',
      x: 'double',
      ok: 'boolean',
      big: 'long',
    });
    expect(allRows(batches)[0]).toMatchObject({ zip: '02108', big: 9007199254740992 });
  });

  it('lands a column first seen on page 40, earlier rows NULL', () => {
    const pages = Array.from({ length: 40 }, (_, p) =>
      Array.from({ length: 10 }, (_, r) =>
        p === 39 && r === 5 ? { id: p * 10 + r, late: 'x' } : { id: p * 10 + r },
      ),
    );
    const { n, batches } = run({ ...opts, batchRows: 50 }, pages);
    batches.forEach(checkBatch);
    expect(n.columns).toEqual([
      { name: 'id', type: 'long' },
      { name: 'late', type: 'string' },
    ]);
    const rows = allRows(batches);
    expect(rows).toHaveLength(400);
    expect(rows.filter((r) => r.late === 'x').map((r) => r.id)).toEqual([395]);
    // Batches before the one where it appeared do not have it; that one and later do.
    expect(batches.map((b) => b.columns.length)).toEqual([1, 1, 1, 1, 1, 1, 1, 2]);
    expect(rows[394]).toEqual({ id: 394, late: null });
  });

  it.each([
    ['long then double', [1, 2.5], 'double', [1, 2.5]],
    ['number then string', [1, 'x'], 'string', ['1', 'x']],
    ['boolean then string', [true, 'x'], 'string', ['true', 'x']],
    ['scalar then array', [1, [1, 2]], 'json', ['1', '[1,2]']],
    ['array then string', [[1], 'x'], 'string', ['[1]', 'x']],
    ['number and boolean', [1, false], 'json', ['1', 'false']],
  ] as const)('widens %s, converting the rows already in the batch', (_, values, type, expected) => {
    const { n, batches } = run(opts, [values.map((v) => ({ v }))]);
    expect(types(n)).toEqual({ v: type });
    expect(batches).toHaveLength(1);
    batches.forEach(checkBatch);
    expect(allRows(batches).map((r) => r.v)).toEqual(expected);
  });

  it('widens to the same type whatever order the values arrive in (a lattice)', () => {
    const values = [1, 2.5, true, [1], 'x'];
    const perms = (a: unknown[]): unknown[][] =>
      a.length <= 1
        ? [a]
        : a.flatMap((x, i) => perms([...a.slice(0, i), ...a.slice(i + 1)]).map((p) => [x, ...p]));
    for (const k of [2, 3, 4, 5]) {
      for (const subset of perms(values.slice(0, k))) {
        const ref = run(opts, [[...subset].sort().map((v) => ({ v }))]).n.columns[0]?.type;
        expect(run(opts, [subset.map((v) => ({ v }))]).n.columns[0]?.type).toBe(ref);
      }
    }
  });

  it('a widening in a later batch leaves earlier batches with their own type', () => {
    const { n, batches } = run({ ...opts, batchRows: 2 }, [
      [{ v: 1 }, { v: 2 }, { v: 3.5 }, { v: 'x' }, { v: 5 }],
    ]);
    batches.forEach(checkBatch);
    expect(batches.map((b) => b.columns[0]?.type)).toEqual(['long', 'string', 'string']);
    expect(allRows(batches).map((r) => r.v)).toEqual([1, 2, '3.5', 'x', '5']);
    expect(types(n)).toEqual({ v: 'string' });
  });

  it("collisions: a record's own key keeps the name in any key or record order; the nested path gets a stable suffix", () => {
    const names = (pages: unknown[][]): Record<string, unknown>[] => allRows(run(opts, pages).batches);
    const want = [
      { head_repository_id: 1, head_repository_id__a12c4b: 2 },
      { head_repository_id: 4, head_repository_id__a12c4b: 3 },
    ];
    const suffix = suffixed('head_repository_id', ['head_repository', 'id']);
    const expected = want.map((r) => ({ head_repository_id: r.head_repository_id, [suffix]: r.head_repository_id__a12c4b }));
    expect(names([[{ head_repository: { id: 2 }, head_repository_id: 1 }, { head_repository_id: 4, head_repository: { id: 3 } }]])).toEqual(expected);
    expect(names([[{ head_repository_id: 1, head_repository: { id: 2 } }, { head_repository: { id: 3 }, head_repository_id: 4 }]])).toEqual(expected);
    // The nested path seen alone first gives way when the top-level key arrives (same batch).
    const late = run(opts, [[{ head_repository: { id: 2 } }], [{ head_repository_id: 4, head_repository: { id: 3 } }]]);
    expect(late.n.columns.map((c) => c.name).sort()).toEqual(['head_repository_id', suffix].sort());
    expect(allRows(late.batches)).toEqual([
      { [suffix]: 2, head_repository_id: null },
      { [suffix]: 3, head_repository_id: 4 },
    ]);
    expect(late.n.warnings).toEqual([
      `columns collide on "head_repository_id" (names are case-insensitive; a record's own key keeps the name, another path gets a stable suffix): "head_repository_id" → head_repository_id, "head_repository.id" → ${suffix}`,
    ]);
  });

  it("case-only collisions, empty keys and floe's reserved prefix go through the same rule", () => {
    const a = run(opts, [[{ userid: 1, userId: 2, '': 3, _floe_file: 4, _FLOE_x: 5 }]]);
    const b = run(opts, [[{ _FLOE_x: 5, _floe_file: 4, '': 3, userId: 2, userid: 1 }]]);
    const want = { userId: 2, [suffixed('userid', ['userid'])]: 1, _empty: 3, __floe_file: 4, __FLOE_x: 5 };
    expect(allRows(a.batches)).toEqual([want]);
    expect(allRows(b.batches)).toEqual([want]);
    expect(a.n.warnings.sort()).toEqual(b.n.warnings.sort());
  });

  it('keeps a scalar and an object at the same key as separate columns (no data loss)', () => {
    const { batches } = run(opts, [[{ a: 5 }, { a: { b: 1 } }, { a: null }]]);
    expect(allRows(batches)).toEqual([
      { a: 5, a_b: null },
      { a: null, a_b: 1 },
      { a: null, a_b: null },
    ]);
  });

  it('cuts batches at batchRows and flushes the remainder', () => {
    const n = new Normalizer({ ...opts, batchRows: 3 });
    const recs = Array.from({ length: 7 }, (_, i) => ({ i }));
    expect(n.push(recs).map((b) => b.length)).toEqual([3, 3]);
    expect(n.rows).toBe(7);
    expect(n.flush()?.length).toBe(1);
    expect(n.flush()).toBeUndefined();
    expect(n.push([]).length).toBe(0);
  });

  it.each([
    ['numbers', [1, 2]],
    ['arrays', [[1], [2]]],
    ['nulls', [null]],
    ['strings', ['a']],
  ])('rejects records that are %s with RECORDS_NOT_OBJECTS', (_, recs) => {
    const n = new Normalizer(opts);
    try {
      n.push([{ ok: 1 }, ...recs]);
      expect.unreachable();
    } catch (e) {
      expect(isFloeError(e) && e.code).toBe('RECORDS_NOT_OBJECTS');
      expect(isFloeError(e) && e.details).toMatchObject({
        endpoint: 'ep',
        record: 1,
        sample: JSON.stringify(recs[0]),
      });
      expect(String(e)).toContain('"ep"');
    }
  });

  it('uses the generated fast path for a stable schema', () => {
    const recs = Array.from({ length: 5000 }, (_, i) => ({
      id: i,
      a: { b: i % 2 === 0 ? null : 'x' },
      t: [i],
    }));
    const n = new Normalizer(opts);
    n.push(recs);
    if (engine === 'auto') expect(n.fastRows).toBeGreaterThan(4950);
    else expect(n.fastRows).toBe(0);
  });

  it('is not fooled by keys that Object.prototype also has', () => {
    const recs = [
      { id: 1, constructor: 'c' },
      { id: 2 },
      JSON.parse('{"id":3,"__proto__":{"x":1}}') as unknown,
      { id: 4 },
    ];
    const { batches } = run(opts, [recs]);
    expect(allRows(batches)).toEqual([
      { id: 1, constructor: 'c', __proto___x: null },
      { id: 2, constructor: null, __proto___x: null },
      { id: 3, constructor: null, __proto___x: 1 },
      { id: 4, constructor: null, __proto___x: null },
    ]);
  });
});
