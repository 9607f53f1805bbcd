import { describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../support/mock-api.js';
import { cursorPages, dataset, offsetPages, reply, useMockApi } from '../../support/mock-api.js';
import { allRecords, collect, endpointOf, floeErrorOf, harness, makeConfig } from './helpers.js';

const TS = '2024-01-01T00:00:00+02:00';
const VARS = {
  'incremental.start_value': TS,
  'incremental.end_value': '2024-02-01T00:00:00Z',
  dt: '2024-01-01',
};
const OFFSET = { type: 'offset', limit_value: 10 } as const;

/** Everything the server received of a request, to look for leftovers. */
const wire = (r: RecordedRequest): string =>
  JSON.stringify({ url: r.rawUrl, headers: r.headers, body: r.body });

describe('RestSource runtime templates (real local server)', () => {
  it('query params: rendered once, URL-encoded like all query params, paginator params untouched', async () => {
    const api = await useMockApi();
    api.get('/users', offsetPages(dataset(25), { recordsKey: 'data' }));
    const config = makeConfig({
      base_url: api.url,
      endpoints: [
        {
          name: 'users',
          path: '/users',
          records_path: '$.data',
          query_params: {
            updated_since: '{{ incremental.start_value }}',
            updated_before: "{{ incremental.end_value | default('') }}",
            state: 'open',
            n: 5,
          },
          pagination: OFFSET,
        },
      ],
    });
    const vars = { 'incremental.start_value': TS };
    const pages = await collect(harness(config).source.pages(endpointOf(config), { vars }));
    expect(allRecords(pages)).toHaveLength(25);
    const q = 'updated_since=2024-01-01T00%3A00%3A00%2B02%3A00&updated_before=&state=open&n=5';
    expect(api.requests.map((r) => r.rawUrl)).toEqual([
      `/users?${q}&limit=10&offset=0`,
      `/users?${q}&limit=10&offset=10`,
      `/users?${q}&limit=10&offset=20`,
    ]);
    for (const r of api.requests) {
      expect(r.query['updated_since']).toBe(TS);
      // An empty rendered value is still sent: the API sees the parameter, with an empty value.
      expect(r.searchParams.has('updated_before')).toBe(true);
      expect(r.query['updated_before']).toBe('');
    }
  });

  it('path: a value is one path segment; an ISO timestamp survives; the path’s query string is query-encoded', async () => {
    const api = await useMockApi();
    api.get(/^\/events\//, { json: [{ id: 1 }] });
    const config = makeConfig({
      base_url: api.url,
      endpoints: [
        { name: 'ev', path: '/events/{{ incremental.start_value }}/{{ dt }}?to={{ incremental.end_value }}' },
      ],
    });
    await collect(harness(config).source.pages(endpointOf(config), { vars: { ...VARS, dt: 'a/b c' } }));
    const [r] = api.requests;
    expect(r?.rawUrl).toBe('/events/2024-01-01T00:00:00%2B02:00/a%2Fb%20c?to=2024-02-01T00%3A00%3A00Z');
    expect(r?.path.split('/').map(decodeURIComponent)).toEqual(['', 'events', TS, 'a/b c']);
    expect(r?.query).toEqual({ to: '2024-02-01T00:00:00Z' });
  });

  it('headers: connector and endpoint values, on every page', async () => {
    const api = await useMockApi();
    api.get('/users', offsetPages(dataset(15), { recordsKey: 'data' }));
    const config = makeConfig({
      base_url: api.url,
      headers: { 'X-Day': 'day {{ dt }}' },
      endpoints: [
        {
          name: 'users',
          path: '/users',
          records_path: '$.data',
          headers: {
            'X-Since': '{{ incremental.start_value }}',
            'X-Until': "{{ incremental.end_value | default('open') }}",
          },
          pagination: OFFSET,
        },
      ],
    });
    const vars = { 'incremental.start_value': TS, dt: '2024-01-01' };
    await collect(harness(config).source.pages(endpointOf(config), { vars }));
    expect(api.requests).toHaveLength(2);
    for (const r of api.requests) {
      expect(r.headers['x-day']).toBe('day 2024-01-01');
      expect(r.headers['x-since']).toBe(TS);
      expect(r.headers['x-until']).toBe('open');
    }
  });

  it('body: string leaves at any depth, the same JSON on every page', async () => {
    const api = await useMockApi();
    api.post('/search', offsetPages(dataset(25), { recordsKey: 'hits' }));
    const body = {
      filter: {
        updated: {
          gte: '{{ incremental.start_value }}',
          lt: "{{ incremental.end_value | default('9999') }}",
        },
        tags: ['a', '{{ dt }}'],
        size: 10,
        exact: true,
        none: null,
      },
      label: 'since {{ incremental.start_value }}!',
    };
    const config = makeConfig({
      base_url: api.url,
      endpoints: [
        { name: 's', path: '/search', method: 'POST', body, records_path: '$.hits', pagination: OFFSET },
      ],
    });
    const vars = { 'incremental.start_value': TS, dt: '2024-01-01' };
    await collect(harness(config).source.pages(endpointOf(config), { vars }));
    expect(api.requests).toHaveLength(3);
    for (const r of api.requests) {
      expect(JSON.parse(r.body)).toEqual({
        filter: {
          updated: { gte: TS, lt: '9999' },
          tags: ['a', '2024-01-01'],
          size: 10,
          exact: true,
          none: null,
        },
        label: `since ${TS}!`,
      });
    }
  });

  it('a variable without value or default fails before any request, naming the field', async () => {
    const api = await useMockApi();
    const config = makeConfig({
      base_url: api.url,
      endpoints: [
        { name: 'users', path: '/users', query_params: { updated_since: '{{ incremental.start_value }}' } },
      ],
    });
    const err = await floeErrorOf(() =>
      collect(harness(config).source.pages(endpointOf(config), { vars: {} })),
    );
    expect(err).toMatchObject({ code: 'CONFIG_INVALID', kind: 'config' });
    expect(err.message).toBe(
      'endpoints[users].query_params.updated_since: {{ incremental.start_value }} has no value in this run; ' +
        "set incremental.initial_value or add | default('…')",
    );
    expect(api.requests).toHaveLength(0);
  });

  it('no template reaches the wire; API-provided cursors are sent as given, never rendered', async () => {
    const api = await useMockApi();
    api.post(
      '/d/2024-01-01/items',
      cursorPages(dataset(25), { pageSize: 10, cursorFor: (o) => `{{ dt }}-${o}` }),
    );
    const config = makeConfig({
      base_url: api.url,
      headers: { 'X-A': '{{ dt }}' },
      endpoints: [
        {
          name: 'items',
          path: '/d/{{ dt }}/items',
          method: 'POST',
          headers: { 'X-B': "{{ incremental.start_value | default('x') }}" },
          query_params: {
            since: '{{ incremental.start_value }}',
            until: "{{ incremental.end_value | default('') }}",
          },
          body: { q: ['{{ dt }}', { w: '{{ incremental.end_value }}' }] },
          records_path: '$.data',
          pagination: { type: 'cursor', cursor_param: 'cursor', cursor_path: '$.meta.next_cursor' },
        },
      ],
    });
    const pages = await collect(harness(config).source.pages(endpointOf(config), { vars: VARS }));
    expect(allRecords(pages)).toHaveLength(25);
    expect(api.requests).toHaveLength(3);
    for (const r of api.requests) {
      // The API's own cursor is the only `{{` allowed on the wire.
      const ours = wire(r).replaceAll(encodeURIComponent('{{ dt }}-'), '');
      expect(ours).not.toMatch(/\{\{|%7B%7B/i);
      expect(r.query).toMatchObject({ since: TS, until: '2024-02-01T00:00:00Z' });
      expect(r.headers).toMatchObject({ 'x-a': '2024-01-01', 'x-b': TS });
      expect(JSON.parse(r.body)).toEqual({ q: ['2024-01-01', { w: '2024-02-01T00:00:00Z' }] });
    }
    expect(api.requests.map((r) => r.query['cursor'])).toEqual([undefined, '{{ dt }}-10', '{{ dt }}-20']);
  });

  it('variables are read once per extraction, not per page', async () => {
    const api = await useMockApi();
    api.get('/users', offsetPages(dataset(25), { recordsKey: 'data' }));
    const config = makeConfig({
      base_url: api.url,
      endpoints: [
        {
          name: 'users',
          path: '/users',
          records_path: '$.data',
          query_params: { since: '{{ incremental.start_value }}' },
          headers: { 'X-Day': '{{ dt }}' },
          pagination: OFFSET,
        },
      ],
    });
    const reads: string[] = [];
    const vars = new Proxy(VARS, {
      get: (t, k) => {
        if (typeof k === 'string') reads.push(k);
        return Reflect.get(t, k) as unknown;
      },
    });
    await collect(harness(config).source.pages(endpointOf(config), { vars }));
    expect(api.requests).toHaveLength(3);
    expect(reads.sort()).toEqual(['dt', 'incremental.start_value']);
  });

  it('without templates, vars change nothing', async () => {
    const api = await useMockApi();
    api.get('/users', reply.json([{ id: 1 }]));
    const config = makeConfig({
      base_url: api.url,
      endpoints: [{ path: '/users', query_params: { a: 'b' } }],
    });
    await collect(harness(config).source.pages(endpointOf(config), { vars: VARS }));
    expect(api.requests.map((r) => r.rawUrl)).toEqual(['/users?a=b']);
  });
});
