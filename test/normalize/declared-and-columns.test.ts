import { describe, expect, it } from 'vitest';
import type { DeclaredColumn } from '../../src/config/schema.js';
import { Normalizer, type NormalizerOptions } from '../../src/normalize/normalizer.js';
import { FloeError, isFloeError } from '../../src/util/errors.js';
import { ENGINES, allRows, checkBatch, run } from './helpers.js';

function catchErr(fn: () => unknown): FloeError {
  try {
    fn();
  } catch (e) {
    if (isFloeError(e)) return e;
    throw e;
  }
  throw new Error('expected a FloeError');
}

describe.each(ENGINES)('declared schema (%s)', (engine) => {
  const base = { endpoint: 'ep', batchRows: 100, engine } as const;
  const one = (type: DeclaredColumn['type'], v: unknown): unknown => {
    const { batches } = run({ ...base, schema: [{ name: 'v', type }] }, [[{ v }]]);
    batches.forEach(checkBatch);
    return allRows(batches)[0]?.v;
  };

  it.each([
    ['2024-03-01T10:20:30Z', '2024-03-01T10:20:30.000000Z'],
    ['2024-03-01T10:20:30.123456789+02:00', '2024-03-01T08:20:30.123456Z'],
    ['2024-03-01 10:20', '2024-03-01T10:20:00.000000Z'],
    ['2024-03-01T00:30:00-0130', '2024-03-01T02:00:00.000000Z'],
    ['2024-03-01', '2024-03-01T00:00:00.000000Z'],
    [1709288430, '2024-03-01T10:20:30.000000Z'],
    [1709288430.5, '2024-03-01T10:20:30.500000Z'],
    [1709288430123, '2024-03-01T10:20:30.123000Z'],
    ['1709288430', '2024-03-01T10:20:30.000000Z'],
    [-1, '1969-12-31T23:59:59.000000Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000000Z'],
    ['2000-02-29T23:59:59.999999Z', '2000-02-29T23:59:59.999999Z'],
  ])('timestamp %j → %s', (v, expected) => {
    expect(one('timestamp', v)).toBe(expected);
  });

  it.each([
    ['2024-03-01', '2024-03-01'],
    ['2024-03-01T23:30:00-02:00', '2024-03-02'],
    [1709288430, '2024-03-01'],
  ])('date %j → %s', (v, expected) => {
    expect(one('date', v)).toBe(expected);
  });

  it.each([
    ['boolean', 'true', true],
    ['boolean', 'FALSE', false],
    ['boolean', 0, false],
    ['boolean', 1, true],
    ['integer', '42', 42],
    ['integer', -7, -7],
    ['long', '9007199254740993', 9007199254740993n],
    ['long', '-12', -12],
    ['long', 2 ** 53, 2 ** 53],
    ['double', '1.5e3', 1500],
    ['float', 2, 2],
    ['string', 2108, '2108'],
    ['string', { a: [1] }, '{"a":[1]}'],
    ['string', [1, 'x'], '[1,"x"]'],
  ] as const)('%s from %j', (type, v, expected) => {
    expect(one(type, v)).toEqual(expected);
  });

  it('decodes binary from base64 (standard and URL-safe)', () => {
    expect(one('binary', 'AP8Q')).toEqual(new Uint8Array([0, 255, 16]));
    expect(one('binary', 'AP-_')).toEqual(new Uint8Array([0, 255, 191]));
    expect(one('binary', '')).toEqual(new Uint8Array([]));
  });

  it.each([
    ['timestamp', 'yesterday'],
    ['timestamp', '2024-02-30T00:00:00Z'],
    ['timestamp', '2024-01-01T25:00:00Z'],
    ['date', '2024-13-01'],
    ['integer', 1.5],
    ['integer', 2 ** 31],
    ['integer', 'x1'],
    ['long', '99999999999999999999'],
    ['long', true],
    ['double', ''],
    ['double', 'abc'],
    ['boolean', 'yes'],
    ['boolean', 2],
    ['binary', 'not base64!'],
    ['binary', 12],
    ['timestamp', { at: 1 }],
  ] as const)('declared %s rejects %j with SCHEMA_MISMATCH', (type, v) => {
    const n = new Normalizer({ ...base, schema: [{ name: 'col_x', type }] });
    const e = catchErr(() => n.push([{ col_x: null }, { col_x: v }]));
    expect(e.code).toBe('SCHEMA_MISMATCH');
    expect(e.kind).toBe('terminal');
    expect(e.details).toMatchObject({ endpoint: 'ep', column: 'col_x', declared_type: type, record: 1 });
    expect(e.message).toContain('"ep"');
    expect(e.message).toContain('col_x');
    expect(e.message).toContain(type);
    expect(e.message).toContain(JSON.stringify(v).slice(0, 20));
  });

  it('shows declared columns even when no record has them, first and as NULL', () => {
    const { n, batches } = run({ ...base, schema: [{ name: 'ghost', type: 'date' }] }, [[{ id: 1 }]]);
    expect(n.columns).toEqual([
      { name: 'ghost', type: 'date' },
      { name: 'id', type: 'long' },
    ]);
    expect(allRows(batches)).toEqual([{ ghost: null, id: 1 }]);
    expect(new Normalizer({ ...base, schema: [{ name: 'g', type: 'long' }] }).columns).toEqual([
      { name: 'g', type: 'long' },
    ]);
  });

  it('declares nested paths by flattened name; a declared string keeps an object as JSON text', () => {
    const schema: DeclaredColumn[] = [
      { name: 'user_createdAt', type: 'timestamp' },
      { name: 'meta', type: 'string' },
    ];
    const recs = [
      { user: { createdAt: 0, name: 'a' }, meta: { k: [1] } },
      { user: { createdAt: '1970-01-02' }, meta: 'plain' },
    ];
    const { n, batches } = run({ ...base, schema }, [recs]);
    expect(n.columns.map((c) => c.name)).toEqual(['user_createdAt', 'meta', 'user_name']);
    expect(allRows(batches)).toEqual([
      { user_createdAt: '1970-01-01T00:00:00.000000Z', meta: '{"k":[1]}', user_name: 'a' },
      { user_createdAt: '1970-01-02T00:00:00.000000Z', meta: 'plain', user_name: null },
    ]);
  });

  it('a declared type never widens', () => {
    const { n, batches } = run({ ...base, schema: [{ name: 'v', type: 'double' }] }, [
      [{ v: 1 }, { v: '2.5' }],
    ]);
    expect(n.columns).toEqual([{ name: 'v', type: 'double' }]);
    expect(allRows(batches).map((r) => r.v)).toEqual([1, 2.5]);
  });
});

describe.each(ENGINES)('columns include/exclude/rename (%s)', (engine) => {
  const base = { endpoint: 'ep', batchRows: 100, engine } as const;
  const rec = { id: 1, address: { city: 'Zürich', zip: '8000' }, address_line: 'x', tags: ['a'] };

  it('include of a parent includes its children, not a sibling key sharing the prefix', () => {
    const { n } = run({ ...base, columns: { include: ['id', 'address'] } }, [[rec]]);
    expect(n.columns.map((c) => c.name)).toEqual(['id', 'address_city', 'address_zip']);
  });

  it('include and exclude match flattened names; exclude wins', () => {
    const { n, batches } = run(
      { ...base, columns: { include: ['address', 'tags'], exclude: ['address_zip'] } },
      [[rec]],
    );
    expect(allRows(batches)).toEqual([{ address_city: 'Zürich', tags: '["a"]' }]);
    expect(n.columns.map((c) => c.name)).toEqual(['address_city', 'tags']);
  });

  it('exclude of a parent drops its whole subtree', () => {
    const { batches } = run({ ...base, columns: { exclude: ['address'] } }, [
      [rec, { ...rec, address: { new: 1 } }],
    ]);
    expect(allRows(batches)).toEqual([
      { id: 1, address_line: 'x', tags: '["a"]' },
      { id: 1, address_line: 'x', tags: '["a"]' },
    ]);
  });

  it('renames after include/exclude, by flattened name', () => {
    const { n, batches } = run(
      { ...base, columns: { exclude: ['tags'], rename: { address_city: 'city', id: 'user_id' } } },
      [[rec]],
    );
    expect(n.columns.map((c) => c.name)).toEqual(['user_id', 'city', 'address_zip', 'address_line']);
    expect(allRows(batches)[0]).toMatchObject({ user_id: 1, city: 'Zürich' });
  });

  it('a rename onto an existing column is a config error', () => {
    const n = new Normalizer({ ...base, columns: { rename: { address_city: 'id' } } });
    const e = catchErr(() => n.push([rec]));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.kind).toBe('config');
    expect(e.message).toContain('"id"');
    expect(e.message).toContain('address_city');
  });

  const bad: [string, Partial<NormalizerOptions>][] = [
    ['two renames onto one name', { columns: { rename: { a: 'x', b: 'x' } } }],
    [
      'a declared column that is excluded',
      { columns: { exclude: ['address'] }, schema: [{ name: 'address_city', type: 'string' }] },
    ],
    [
      'a column declared twice',
      {
        schema: [
          { name: 'a', type: 'string' },
          { name: 'a', type: 'long' },
        ],
      },
    ],
  ];
  it.each(bad)('rejects %s at construction', (_, extra) => {
    const e = catchErr(() => new Normalizer({ ...base, ...extra }));
    expect(e.code).toBe('CONFIG_INVALID');
  });

  it('declared columns are included even when include does not list them', () => {
    const { n } = run(
      { ...base, columns: { include: ['id'] }, schema: [{ name: 'address_zip', type: 'integer' }] },
      [[rec]],
    );
    expect(n.columns).toEqual([
      { name: 'address_zip', type: 'integer' },
      { name: 'id', type: 'long' },
    ]);
  });

  it('a declared name can be a rename target', () => {
    const { batches } = run(
      { ...base, columns: { rename: { address_zip: 'zip' } }, schema: [{ name: 'zip', type: 'integer' }] },
      [[rec]],
    );
    expect(allRows(batches)[0]).toMatchObject({ zip: 8000 });
  });
});
