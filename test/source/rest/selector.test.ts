import { describe, expect, it } from 'vitest';
import { compileSelector } from '../../../src/source/rest/selector.js';
import { FloeError } from '../../../src/util/errors.js';

const origin = { endpoint: 'users', url: 'http://h/users?api_key=***', status: 200 };

describe('compileSelector', () => {
  it.each([
    { name: 'no path, top-level array', path: undefined, body: [{ id: 1 }], want: [{ id: 1 }] },
    { name: 'no path, null body (204)', path: undefined, body: null, want: [] },
    { name: '$.data with a null body (204)', path: '$.data', body: null, want: [] },
    {
      name: '$.data array',
      path: '$.data',
      body: { data: [{ id: 1 }, { id: 2 }] },
      want: [{ id: 1 }, { id: 2 }],
    },
    { name: '$.data empty array', path: '$.data', body: { data: [] }, want: [] },
    { name: '$.data null', path: '$.data', body: { data: null }, want: [] },
    {
      name: '$.data single object → one record',
      path: '$.data',
      body: { data: { id: 1 } },
      want: [{ id: 1 }],
    },
    { name: 'nested path', path: '$.a.b', body: { a: { b: [{ id: 1 }] } }, want: [{ id: 1 }] },
    {
      name: '$.items[*]',
      path: '$.items[*]',
      body: { items: [{ id: 1 }, { id: 2 }] },
      want: [{ id: 1 }, { id: 2 }],
    },
    { name: '$.items[*] of an empty array', path: '$.items[*]', body: { items: [] }, want: [] },
    { name: '$.items[*] of null', path: '$.items[*]', body: { items: null }, want: [] },
    { name: '$[*] on a top-level array', path: '$[*]', body: [{ id: 1 }], want: [{ id: 1 }] },
    {
      name: 'several matching arrays are concatenated',
      path: '$.groups[*].items',
      body: { groups: [{ items: [{ id: 1 }] }, { items: [{ id: 2 }, { id: 3 }] }] },
      want: [{ id: 1 }, { id: 2 }, { id: 3 }],
    },
    {
      name: 'filter that matches nothing → no records',
      path: '$.data[?(@.id > 5)]',
      body: { data: [{ id: 1 }] },
      want: [],
    },
    {
      name: 'filter',
      path: '$.data[?(@.id > 1)]',
      body: { data: [{ id: 1 }, { id: 2 }] },
      want: [{ id: 2 }],
    },
  ])('$name', ({ path, body, want }) => {
    expect(compileSelector(path)(body, origin)).toEqual(want);
  });

  it('fails with RECORDS_PATH_NO_MATCH naming endpoint, path, URL and the top-level keys', () => {
    const select = compileSelector('$.dta');
    let err: unknown;
    try {
      select({ data: [], meta: {} }, origin);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FloeError);
    const e = err as FloeError;
    expect(e.code).toBe('RECORDS_PATH_NO_MATCH');
    expect(e.kind).toBe('terminal');
    expect(e.message).toContain('"users"');
    expect(e.message).toContain('$.dta');
    expect(e.message).toContain('top-level keys: data, meta');
    expect(e.message).toContain('$.data');
    expect(e.message).toContain(origin.url);
  });

  it('a wildcard path whose parent is missing is still an error', () => {
    expect(() => compileSelector('$.itmes[*]')({ items: [] }, origin)).toThrow(/matched nothing/);
  });

  it('an object body without records_path fails and suggests a path to the arrays it holds', () => {
    expect(() => compileSelector(undefined)({ results: [{ id: 1 }], count: 1 }, origin)).toThrowError(
      expect.objectContaining({
        code: 'RECORDS_PATH_NO_MATCH',
        message: expect.stringContaining('records_path to the array of records, e.g. $.results') as string,
      }),
    );
  });
});
