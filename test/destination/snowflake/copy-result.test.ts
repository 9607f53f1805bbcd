/** COPY result checking, error classification, and stage file naming, as pure pieces. */
import { existsSync, lstatSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkCopyResult,
  fileFromCopyError,
  type ExpectedFile,
} from '../../../src/destination/snowflake/copy-result.js';
import { kindOf, snowflakeError } from '../../../src/destination/snowflake/errors.js';
import { SnowflakeDriverError } from '../../../src/destination/snowflake/snowflake-client.js';
import { linkStageFiles, stageNames } from '../../../src/destination/snowflake/stage-files.js';
import { FloeError } from '../../../src/util/errors.js';
import { Redactor } from '../../../src/util/redact.js';
import { cleanupTempDirs, tempDir } from './helpers.js';

afterAll(cleanupTempDirs);

const files: ExpectedFile[] = [
  { name: 'part-00000.parquet', rows: 3, source: '/s/a.parquet' },
  { name: 'part-00001.parquet', rows: 2, source: '/s/b.parquet' },
];
const row = (
  file: string,
  rows: number,
  status = 'LOADED',
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  file,
  status,
  rows_parsed: rows,
  rows_loaded: rows,
  errors_seen: 0,
  first_error: null,
  ...extra,
});

describe('checkCopyResult', () => {
  it('accepts every file LOADED with exactly its rows (stage-relative names, any column case)', () => {
    expect(
      checkCopyResult(
        [
          row('r/T/part-00000.parquet', 3),
          { FILE: 'r/T/part-00001.parquet', STATUS: 'LOADED', ROWS_LOADED: 2, ERRORS_SEEN: 0 },
        ],
        files,
      ),
    ).toBeUndefined();
  });

  it.each([
    [
      '0 files processed',
      [{ status: 'Copy executed with 0 files processed.' }],
      'part-00000.parquet',
      /0 files processed/,
    ],
    ['a missing file', [row('part-00000.parquet', 3)], 'part-00001.parquet', /no result row/],
    [
      'a partial load',
      [
        row('part-00000.parquet', 3, 'PARTIALLY_LOADED', { first_error: 'bad value', errors_seen: 1 }),
        row('part-00001.parquet', 2),
      ],
      'part-00000.parquet',
      /PARTIALLY_LOADED: bad value/,
    ],
    [
      'a failed file',
      [row('part-00000.parquet', 3), row('part-00001.parquet', 0, 'LOAD_FAILED')],
      'part-00001.parquet',
      /LOAD_FAILED/,
    ],
    [
      'a short file',
      [row('part-00000.parquet', 2), row('part-00001.parquet', 2)],
      'part-00000.parquet',
      /loaded 2 rows, but the file was written with 3/,
    ],
  ])('reports %s', (_, rows, file, message) => {
    const p = checkCopyResult(rows, files);
    expect(p?.file.name).toBe(file);
    expect(p?.firstError).toMatch(message);
  });

  it('finds the file a COPY error names', () => {
    expect(
      fileFromCopyError(
        "Numeric value 'x' is not recognized\n  File 'run/T/part-00001.parquet', line 2, character 1",
      ),
    ).toBe('part-00001.parquet');
    expect(fileFromCopyError('something else')).toBeUndefined();
  });
});

const driver = (
  code: string | undefined,
  sqlState: string | undefined,
  stage: 'connect' | 'query' = 'query',
  errno?: string,
): SnowflakeDriverError => new SnowflakeDriverError('boom', stage, code, sqlState, 'qid', errno);

describe('error kinds', () => {
  it.each<[string | undefined, string | undefined, 'connect' | 'query', string | undefined, string]>([
    ['390100', '08004', 'connect', undefined, 'terminal'],
    ['390144', '08004', 'connect', undefined, 'terminal'],
    [undefined, undefined, 'connect', 'ECONNREFUSED', 'transient'],
    ['401001', undefined, 'connect', undefined, 'transient'],
    ['390111', '08001', 'query', undefined, 'transient'],
    ['407002', '08003', 'query', undefined, 'transient'],
    ['000625', '57014', 'query', undefined, 'transient'],
    ['000625', '40001', 'query', undefined, 'transient'],
    ['002003', '42S02', 'query', undefined, 'terminal'],
    ['100038', '22018', 'query', undefined, 'terminal'],
    ['003001', '42501', 'query', undefined, 'terminal'],
  ])('code %s sqlState %s at %s (errno %s) is %s', (code, sqlState, stage, errno, kind) => {
    expect(kindOf(driver(code, sqlState, stage, errno))).toBe(kind);
  });

  it('wraps driver errors with context, redacts secrets, and keeps FloeErrors as they are', () => {
    const r = new Redactor();
    r.add('s3cret-token');
    const e = snowflakeError(
      new SnowflakeDriverError(
        'bad token s3cret-token\nmore',
        'query',
        '390303',
        '08004',
        undefined,
        undefined,
      ),
      'SNOWFLAKE_QUERY_FAILED',
      { step: 'read ledger', endpoint: 'users' },
      r,
    );
    expect(e.message).toBe('read ledger failed (endpoint users): bad token *** [Snowflake 390303/08004]');
    expect(e.details).toMatchObject({ endpoint: 'users', step: 'read ledger', snowflake_code: '390303' });
    const connect = snowflakeError(
      driver('390100', '08004', 'connect'),
      'SNOWFLAKE_QUERY_FAILED',
      { step: 'x' },
      r,
    );
    expect(connect.code).toBe('SNOWFLAKE_CONNECT_FAILED');
    const f = new FloeError('LOAD_FAILED', 'terminal', 'x');
    expect(snowflakeError(f, 'SNOWFLAKE_QUERY_FAILED', { step: 'x' }, r)).toBe(f);
  });
});

describe('stage file names', () => {
  it('numbers files with rows in order, zero-padded to a common width', () => {
    const sf = (path: string, rows: number) => ({ path, rows, bytes: 1, columns: [] });
    expect(stageNames([sf('/a', 1), sf('/empty', 0), sf('/b', 2)]).map((f) => f.name)).toEqual([
      'part-00000.parquet',
      'part-00001.parquet',
    ]);
    const many = Array.from({ length: 100_001 }, (_, i) => sf(`/f${i}`, 1));
    expect(stageNames(many).at(-1)?.name).toBe('part-100000.parquet');
    expect(stageNames(many)[0]?.name).toBe('part-000000.parquet');
  });

  it('links files into a private directory and removes it on cleanup', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'x.parquet'), 'x');
    const linked = linkStageFiles([{ path: join(dir, 'x.parquet'), rows: 1, bytes: 1, columns: [] }]);
    expect(lstatSync(join(linked.dir, 'part-00000.parquet')).isSymbolicLink()).toBe(true);
    linked.cleanup();
    expect(existsSync(linked.dir)).toBe(false);
    expect(() =>
      linkStageFiles([{ path: join(dir, 'missing.parquet'), rows: 1, bytes: 1, columns: [] }]),
    ).toThrow(/does not exist/);
  });
});
