/** Type mapping, widening rules and load planning, as pure functions. */
import { describe, expect, it } from 'vitest';
import { planLoad, type PlanRequest } from '../../../src/destination/snowflake/load-plan.js';
import {
  convert,
  ddlType,
  familyOf,
  familyOfDataType,
  holds,
  widen,
  type Family,
} from '../../../src/destination/snowflake/type-mapping.js';
import { COLUMN_TYPES } from '../../../src/config/schema.js';
import type { LogicalType } from '../../../src/types.js';

const MAPPING: Record<LogicalType, string> = {
  string: 'VARCHAR',
  json: 'VARCHAR',
  integer: 'NUMBER(38,0)',
  long: 'NUMBER(38,0)',
  decimal: 'NUMBER(38,0)',
  null: 'VARCHAR',
  float: 'FLOAT',
  double: 'FLOAT',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP_TZ(6)',
  binary: 'BINARY',
};

describe('type mapping', () => {
  it.each([...COLUMN_TYPES, 'json' as const, 'decimal' as const, 'null' as const])('%s has a documented Snowflake type', (t) => {
    expect(ddlType(familyOf(t, 'varchar'))).toBe(MAPPING[t]);
  });

  it('types JSON columns as VARIANT on request', () => {
    expect(familyOf('json', 'variant')).toBe('VARIANT');
  });

  it.each([
    ['TEXT', 'VARCHAR'],
    ['NUMBER', 'NUMBER'],
    ['FLOAT', 'FLOAT'],
    ['TIMESTAMP_NTZ', 'TIMESTAMP'],
    ['TIMESTAMP_LTZ', 'TIMESTAMP'],
    ['OBJECT', 'VARIANT'],
    ['GEOGRAPHY', 'OTHER'],
  ])('INFORMATION_SCHEMA type %s is family %s', (dataType, family) => {
    expect(familyOfDataType(dataType)).toBe(family);
  });

  it.each<[Family, Family, Family]>([
    ['NUMBER', 'NUMBER', 'NUMBER'],
    ['NUMBER', 'FLOAT', 'FLOAT'],
    ['FLOAT', 'NUMBER', 'FLOAT'],
    ['NUMBER', 'VARCHAR', 'VARCHAR'],
    ['VARCHAR', 'NUMBER', 'VARCHAR'],
    ['DATE', 'TIMESTAMP', 'TIMESTAMP'],
    ['BOOLEAN', 'NUMBER', 'VARCHAR'],
    ['VARIANT', 'NUMBER', 'VARIANT'],
    ['BINARY', 'VARCHAR', 'VARCHAR'],
  ])('widen(%s, %s) = %s', (a, b, out) => {
    expect(widen(a, b)).toBe(out);
    expect(holds(out, a) && holds(out, b)).toBe(true);
  });

  it.each<[LogicalType, Family, string]>([
    ['long', 'NUMBER', '"X"'],
    ['long', 'VARCHAR', 'CAST("X" AS VARCHAR)'],
    ['json', 'VARCHAR', '"X"'],
    ['json', 'VARIANT', 'PARSE_JSON("X")'],
    ['string', 'VARIANT', 'TO_VARIANT("X")'],
    ['date', 'TIMESTAMP', 'CAST("X" AS TIMESTAMP_TZ(6))'],
    ['long', 'OTHER', '"X"'],
  ])('converts staged %s into a %s column as %s', (t, family, expr) => {
    expect(convert('"X"', t, family)).toBe(expr);
  });
});

const req = (over: Partial<PlanRequest> = {}): PlanRequest => ({
  table: 'orders',
  columns: [
    { name: 'id', type: 'long' },
    { name: 'tags', type: 'json' },
  ],
  writeDisposition: 'append',
  ...over,
});

describe('planLoad', () => {
  it('plans a new table from the request', () => {
    const p = planLoad(req(), undefined, 'variant');
    expect(p).toMatchObject({
      table: 'ORDERS',
      exists: false,
      columns: [
        { name: 'ID', family: 'NUMBER' },
        { name: 'TAGS', family: 'VARIANT' },
      ],
      staging: [
        { name: 'ID', type: 'NUMBER(38,0)' },
        { name: 'TAGS', type: 'VARCHAR' },
      ],
      inserts: [
        { name: 'ID', expr: '"ID"' },
        { name: 'TAGS', expr: 'PARSE_JSON("TAGS")' },
      ],
      widened: [],
    });
  });

  it('adds new columns after the existing ones and widens what cannot hold the new type', () => {
    const p = planLoad(
      req({
        columns: [
          { name: 'id', type: 'string' },
          { name: 'email', type: 'string' },
        ],
      }),
      [
        { name: 'ID', dataType: 'NUMBER' },
        { name: 'LEGACY', dataType: 'DATE' },
      ],
      'varchar',
    );
    expect(p.columns.map((c) => `${c.name}:${c.family}`)).toEqual([
      'ID:VARCHAR',
      'LEGACY:DATE',
      'EMAIL:VARCHAR',
    ]);
    expect(p.widened).toEqual([{ name: 'ID', from: 'NUMBER', family: 'VARCHAR' }]);
    expect(p.added).toEqual([{ name: 'EMAIL', family: 'VARCHAR' }]);
  });

  it('keeps a wider existing column and casts into it', () => {
    const p = planLoad(
      req({ columns: [{ name: 'id', type: 'long' }] }),
      [{ name: 'ID', dataType: 'TEXT' }],
      'varchar',
    );
    expect(p.widened).toEqual([]);
    expect(p.inserts).toEqual([{ name: 'ID', expr: 'CAST("ID" AS VARCHAR)' }]);
  });

  it.each([
    [req({ writeDisposition: 'merge' }), 'CONFIG_INVALID'],
    [req({ writeDisposition: 'merge', primaryKey: ['nope'] }), 'SCHEMA_MISMATCH'],
    [
      req({
        columns: [
          { name: 'A', type: 'long' },
          { name: 'a', type: 'long' },
        ],
      }),
      'SCHEMA_MISMATCH',
    ],
    [req({ columns: [{ name: '_floe_file', type: 'string' }] }), 'SCHEMA_MISMATCH'],
    [req({ table: '_FLOE_LOADS' }), 'SCHEMA_MISMATCH'],
    [req({ columns: [] }), 'SCHEMA_MISMATCH'],
  ])('refuses %# with %s', (r, code) => {
    expect(() => planLoad(r, undefined, 'varchar')).toThrow(expect.objectContaining({ code }));
  });

  it('upper-cases merge keys', () => {
    expect(
      planLoad(req({ writeDisposition: 'merge', primaryKey: ['id'] }), undefined, 'varchar').primaryKey,
    ).toEqual(['ID']);
  });
});
