import { describe, expect, it } from 'vitest';
import { PAGINATION_TYPES, paginationConfig } from '../../../../src/config/schema.js';
import { createPaginator } from '../../../../src/source/rest/paginators/create-paginator.js';
import { RESUME_SUPPORT, canResume } from '../../../../src/source/rest/paginators/resume-support.js';

const CONFIGS = {
  offset: { type: 'offset', limit_value: 10 },
  page_number: { type: 'page_number', page_size_param: 'per_page', page_size_value: 10 },
  cursor: { type: 'cursor', cursor_param: 'cursor', cursor_path: '$.next' },
  header_cursor: { type: 'header_cursor' },
  link_header: { type: 'link_header' },
  next_link: { type: 'next_link', next_link_path: '$.next' },
  single_page: { type: 'single_page' },
  auto: { type: 'auto' },
} as const;

const paginator = (type: keyof typeof CONFIGS) => createPaginator(paginationConfig.parse(CONFIGS[type]));

/** Tokens each type really stores in `Page.next`. */
const STORED: { [K in keyof typeof CONFIGS]: unknown[] } = {
  offset: [{ offset: 0 }, { offset: 200 }],
  page_number: [{ page: 0 }, { page: 21 }],
  cursor: [{ cursor: null }, { cursor: 'c+10/=' }, { cursor: '' }],
  header_cursor: [{ cursor: null }, { cursor: 'abc' }],
  link_header: [{ url: null }, { url: 'https://api.x/items?page=2&per_page=10' }],
  next_link: [{ url: 'http://127.0.0.1:9/items?after=10' }],
  single_page: [{}],
  auto: [{ auto: null }, { auto: { type: 'link_header' }, token: { url: 'https://api.x/items?page=2' } }, { auto: { type: 'offset', limit_value: 10 }, token: { offset: 20 } }],
};

const REJECTED: { [K in keyof typeof CONFIGS]: unknown[] } = {
  offset: [
    null,
    7,
    '200',
    [],
    { offset: -1 },
    { offset: 1.5 },
    { offset: '10' },
    { page: 2 },
    { offset: 1, x: 2 },
  ],
  page_number: [null, { page: -1 }, { page: '2' }, { offset: 10 }, { page: 2, size: 10 }],
  cursor: [null, {}, { cursor: 5 }, { cursor: {} }, { url: 'x' }, { cursor: 'a', extra: 1 }],
  header_cursor: [null, {}, { cursor: 5 }, { url: 'x' }],
  link_header: [null, {}, { url: 'ftp://x/y' }, { url: '/relative?page=2' }, { url: 5 }, { offset: 2 }],
  next_link: [{ url: 'javascript:alert(1)' }, { cursor: 'a' }, 'https://api.x/items'],
  single_page: [],
  auto: [null, 7, { auto: { type: 'bogus' } }, { auto: { type: 'link_header' }, token: { offset: 1 } }, { auto: { type: 'auto' }, token: {} }],
};

describe('Paginator.restore: stored Page.next values come back as tokens', () => {
  it.each(PAGINATION_TYPES)(
    '%s: JSON round trip of every stored token restores the same token and target',
    (type) => {
      const p = paginator(type);
      for (const stored of STORED[type]) {
        const back: unknown = JSON.parse(JSON.stringify(stored));
        const token = p.restore(back);
        expect(token).toEqual(stored);
        expect(p.target(token)).toEqual(p.target(stored));
      }
    },
  );

  it.each(PAGINATION_TYPES)('%s: a token of another shape is rejected (undefined)', (type) => {
    const p = paginator(type);
    for (const bad of REJECTED[type]) expect(p.restore(bad), JSON.stringify(bad)).toBeUndefined();
  });

  it('single_page restarts from anything: there is no position to lose', () => {
    const p = paginator('single_page');
    expect(p.restore({ offset: 10 })).toEqual({});
    expect(p.restore(null)).toEqual({});
  });
});

describe('RESUME_SUPPORT', () => {
  it('has an entry for every pagination type; all but single_page resume', () => {
    expect(Object.keys(RESUME_SUPPORT).sort()).toEqual([...PAGINATION_TYPES].sort());
    const resumable = PAGINATION_TYPES.filter((t) => RESUME_SUPPORT[t].resumable);
    expect(resumable.sort()).toEqual(['auto', 'cursor', 'header_cursor', 'link_header', 'next_link', 'offset', 'page_number']);
  });

  it('canResume: by type; no pagination is one page', () => {
    expect(canResume(paginationConfig.parse(CONFIGS.offset))).toBe(true);
    expect(canResume(paginationConfig.parse(CONFIGS.single_page))).toBe(false);
    expect(canResume(undefined)).toBe(false);
  });
});
