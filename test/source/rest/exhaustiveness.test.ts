import { describe, expect, it } from 'vitest';
import { AUTH_TYPES, PAGINATION_TYPES } from '../../../src/config/schema.js';
import { AUTH_FACTORIES } from '../../../src/source/rest/auth/create-auth.js';
import { PAGINATOR_FACTORIES } from '../../../src/source/rest/paginators/create-paginator.js';
import { AUTH_CASES } from './auth-cases.js';
import { PAGINATION_CASES } from './pagination-cases.js';

// A new `type` in the schema must come with a factory and an integration case, or this fails.
describe('every schema type is implemented and tested', () => {
  it.each(PAGINATION_TYPES)('pagination type %s has a factory and integration cases', (type) => {
    expect(PAGINATOR_FACTORIES[type]).toBeTypeOf('function');
    expect(PAGINATION_CASES[type]?.length ?? 0).toBeGreaterThan(0);
  });

  it.each(AUTH_TYPES)('auth type %s has a factory and integration cases', (type) => {
    expect(AUTH_FACTORIES[type]).toBeTypeOf('function');
    expect(AUTH_CASES[type]?.length ?? 0).toBeGreaterThan(0);
  });

  it('no factory or case exists for a type the schema does not know', () => {
    expect(Object.keys(PAGINATOR_FACTORIES).sort()).toEqual([...PAGINATION_TYPES].sort());
    expect(Object.keys(PAGINATION_CASES).sort()).toEqual([...PAGINATION_TYPES].sort());
    expect(Object.keys(AUTH_FACTORIES).sort()).toEqual([...AUTH_TYPES].sort());
    expect(Object.keys(AUTH_CASES).sort()).toEqual([...AUTH_TYPES].sort());
  });
});
