/**
 * The Snowflake compiler's text, checked without a server: the type mapping and widening table,
 * explicit text formats (never a session-dependent CAST AS VARCHAR), identifier and literal
 * quoting, and the stage statements (single-quoted stage locations, unquoted INCLUDE_METADATA
 * targets). The emulator runs these statements elsewhere; this file pins what real Snowflake
 * receives.
 */
import { describe, expect, it } from 'vitest';
import { foldsSafely, literal, pathSegment, qualified, quote, storedConfigName } from '../../../src/destination/snowflake/identifiers.js';
import { alterSession, queryTag, SnowflakeSql } from '../../../src/destination/snowflake/snowflake-sql.js';
import {
  convert,
  ddlType,
  familyOf,
  familyOfDataType,
  holds,
  rebuildExpression,
  snowflakeTypes,
  widen,
  type Family,
} from '../../../src/destination/snowflake/type-mapping.js';
import type { LogicalType } from '../../../src/types.js';

describe('Snowflake type mapping', () => {
  const created: Array<[LogicalType, string]> = [
    ['string', 'VARCHAR'],
    ['json', 'VARCHAR'],
    ['integer', 'NUMBER(38,0)'],
    ['long', 'NUMBER(38,0)'],
    ['decimal', 'NUMBER(38,0)'],
    ['null', 'VARCHAR'],
    ['float', 'FLOAT'],
    ['double', 'FLOAT'],
    ['boolean', 'BOOLEAN'],
    ['date', 'DATE'],
    ['timestamp', 'TIMESTAMP_TZ(6)'],
    ['binary', 'BINARY'],
  ];
  it.each(created)('a %s column is created as %s', (t, ddl) => {
    expect(snowflakeTypes('varchar').columnType(t)).toBe(ddl);
  });

  it('json columns become VARIANT only with json_columns: variant', () => {
    expect(snowflakeTypes('variant').columnType('json')).toBe('VARIANT');
    expect(snowflakeTypes('variant').columnType('string')).toBe('VARCHAR');
  });

  it('reads INFORMATION_SCHEMA data types back into families', () => {
    const seen: Array<[string, Family]> = [
      ['TEXT', 'VARCHAR'],
      ['NUMBER(38,0)', 'NUMBER'],
      ['FLOAT', 'FLOAT'],
      ['TIMESTAMP_TZ', 'TIMESTAMP'],
      ['TIMESTAMP_NTZ(9)', 'TIMESTAMP'],
      ['VARIANT', 'VARIANT'],
      ['OBJECT', 'VARIANT'],
      ['GEOGRAPHY', 'OTHER'],
      ['binary', 'BINARY'],
    ];
    for (const [dataType, family] of seen) expect(familyOfDataType(dataType), dataType).toBe(family);
  });

  it('widens only where no value is lost, else to VARCHAR', () => {
    expect(holds('FLOAT', 'NUMBER')).toBe(true);
    expect(holds('NUMBER', 'FLOAT')).toBe(false);
    expect(holds('FLOAT', 'DECIMAL')).toBe(false); // beyond 2^53 a FLOAT would round
    expect(holds('TIMESTAMP', 'DATE')).toBe(true);
    expect(holds('NULL', 'BOOLEAN')).toBe(false); // an all-null column takes its type later
    expect(widen('NUMBER', 'FLOAT')).toBe('FLOAT');
    expect(widen('NULL', 'DATE')).toBe('DATE');
    expect(widen('BOOLEAN', 'DATE')).toBe('VARCHAR');
    expect(widen('DECIMAL', 'FLOAT')).toBe('VARCHAR');
    const types = snowflakeTypes('varchar');
    expect(types.widen('NUMBER', 'integer')).toBeUndefined();
    expect(types.widen('NUMBER', 'double')).toBe('FLOAT');
    expect(types.widen('BOOLEAN', 'string')).toBe('VARCHAR');
    expect(types.widen('TEXT', 'timestamp')).toBeUndefined();
  });

  it('turns values into text with explicit formats, never a session-dependent CAST AS VARCHAR', () => {
    expect(convert('"X"', 'timestamp', 'VARCHAR')).toBe(`TO_VARCHAR("X", 'YYYY-MM-DD"T"HH24:MI:SS.FF6TZH:TZM')`);
    expect(convert('"X"', 'date', 'VARCHAR')).toBe(`TO_VARCHAR("X", 'YYYY-MM-DD')`);
    expect(convert('"X"', 'binary', 'VARCHAR')).toBe(`TO_VARCHAR("X", 'HEX')`);
    expect(rebuildExpression('"X"', 'TIMESTAMP', 'VARCHAR')).toContain('FF6');
    for (const t of ['timestamp', 'date', 'binary', 'long', 'boolean', 'double'] as const) {
      expect(convert('"X"', t, 'VARCHAR')).not.toMatch(/AS VARCHAR/);
    }
    expect(convert('"X"', 'json', 'VARIANT')).toBe('PARSE_JSON("X")');
    expect(convert('"X"', 'long', 'VARIANT')).toBe('TO_VARIANT("X")');
    expect(convert('"X"', 'long', 'FLOAT')).toBe('CAST("X" AS FLOAT)');
    expect(ddlType(familyOf('decimal', 'varchar'))).toBe('NUMBER(38,0)');
  });
});

describe('Snowflake identifiers and literals', () => {
  it('quotes every identifier and doubles embedded quotes', () => {
    expect(quote('ORDERS')).toBe('"ORDERS"');
    expect(quote('A"B')).toBe('"A""B"');
    expect(qualified('RAW', 'My Schema', 'T')).toBe('"RAW"."My Schema"."T"');
  });

  it('keeps a config name written in double quotes exactly, and upper-cases any other', () => {
    expect(storedConfigName('raw')).toBe('RAW');
    expect(storedConfigName('"My Db"')).toBe('My Db');
    expect(storedConfigName('"a""b"')).toBe('a"b');
  });

  it('escapes quotes and backslashes in string literals', () => {
    expect(literal("it's")).toBe("'it''s'");
    expect(literal('C:\\x')).toBe("'C:\\\\x'");
  });

  it('makes stage path segments safe and keeps altered ones distinct', () => {
    expect(pathSegment('run-20260101T000000Z_ab12')).toBe('run-20260101T000000Z_ab12');
    const a = pathSegment('a b');
    const b = pathSegment('a/b');
    expect(a).toMatch(/^a_b-[0-9A-F]{10}$/);
    expect(a).not.toBe(b);
    expect(pathSegment('..')).not.toMatch(/^\./);
  });

  it('accepts names that upper-case one to one, refuses ß, ﬁ and dotless i', () => {
    expect(foldsSafely('created_at')).toBe(true);
    expect(foldsSafely('größe_é')).toBe(false);
    expect(foldsSafely('café')).toBe(true);
    expect(foldsSafely('ﬁle')).toBe(false);
    expect(foldsSafely('ı')).toBe(false);
  });
});

describe('Snowflake statements', () => {
  const sql = new SnowflakeSql({ database: 'My Db', schema: 'S', stage: 'STG' });

  it('single-quotes stage locations in PUT, COPY and REMOVE', () => {
    const location = `'@"My Db"."S"."STG"/run/T/'`;
    expect(sql.put('/tmp/x/', 'run/T').sql).toBe(
      `PUT 'file:///tmp/x/part-*.parquet' ${location} AUTO_COMPRESS = FALSE OVERWRITE = TRUE PARALLEL = 4`,
    );
    const copy = sql.copyInto('_FLOE_STG', 'run/T', ['part-0.parquet', "o'k.parquet"]).sql;
    expect(copy).toContain(`FROM ${location} FILES = ('part-0.parquet', 'o''k.parquet')`);
    expect(copy).toContain('MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE');
    expect(copy).toMatch(/INCLUDE_METADATA = \(_FLOE_FILE = METADATA\$FILENAME, _FLOE_FILE_ROW = METADATA\$FILE_ROW_NUMBER\)/);
    expect(copy).toContain('ON_ERROR = ABORT_STATEMENT');
    expect(sql.removeStagedFiles('run/T').sql).toBe(`REMOVE ${location}`);
  });

  it('pins time zone and output formats in one ALTER SESSION', () => {
    const s = alterSession({ lockTimeoutSeconds: 60.7, statementTimeoutSeconds: 3600 }).sql;
    expect(s).toMatch(/^ALTER SESSION SET TIMEZONE = 'UTC' /);
    expect(s).toContain('LOCK_TIMEOUT = 60 ');
    expect(s).toContain("TIMESTAMP_OUTPUT_FORMAT = 'YYYY-MM-DD\"T\"HH24:MI:SS.FF3TZH:TZM'");
    expect(s).toContain("BINARY_OUTPUT_FORMAT = 'HEX'");
  });

  it('caps the query tag and keeps it JSON', () => {
    const tag = queryTag('x'.repeat(5000), 'run-1', 'orders');
    expect(tag.length).toBeLessThanOrEqual(2000);
    expect(JSON.parse(tag)).toMatchObject({ app: 'floe', run_id: 'run-1', endpoint: 'orders' });
  });
});
