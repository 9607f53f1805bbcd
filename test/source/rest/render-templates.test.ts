import { describe, expect, it } from 'vitest';
import { renderRequestConfig } from '../../../src/source/rest/render-templates.js';
import { encodePathSegment } from '../../../src/source/rest/url.js';
import { endpointOf, makeConfig } from './helpers.js';

const VARS = { 'incremental.start_value': '2024-01-01T00:00:00Z', dt: '2024-01-01' };

const render = (endpoint: Record<string, unknown>, vars: Record<string, string> = VARS, input = {}) => {
  const config = makeConfig({
    base_url: 'http://h/api',
    ...input,
    endpoints: [{ name: 'users', path: '/users', ...endpoint }],
  });
  return renderRequestConfig(config, endpointOf(config), vars);
};

describe('encodePathSegment', () => {
  it.each([
    { value: '2024-01-01T00:00:00Z', want: '2024-01-01T00:00:00Z' },
    { value: '2024-01-01T00:00:00+02:00', want: '2024-01-01T00:00:00%2B02:00' },
    { value: 'a/b c?d#e%f', want: 'a%2Fb%20c%3Fd%23e%25f' },
    { value: 'me@x.org', want: 'me@x.org' },
    { value: 'é', want: '%C3%A9' },
    { value: '', want: '' },
  ])('$value → $want', ({ value, want }) => {
    expect(encodePathSegment(value)).toBe(want);
    expect(decodeURIComponent(encodePathSegment(value))).toBe(value);
  });
});

describe('renderRequestConfig', () => {
  it('leaves a config without templates unchanged', () => {
    const out = render({
      path: '/users',
      query_params: { a: 'b', n: 1 },
      headers: { X: 'y' },
      body: { q: [1] },
    });
    expect(out.endpoint).toMatchObject({
      path: '/users',
      query_params: { a: 'b', n: 1 },
      headers: { X: 'y' },
    });
    expect(out.endpoint.body).toEqual({ q: [1] });
  });

  it('renders path segments as path segments and the path’s own query string as query values', () => {
    const out = render(
      { path: '/d/{{ dt }}/{{ incremental.start_value }}?since={{ incremental.start_value }}&x={{ dt }}' },
      { ...VARS, dt: 'a/b +c' },
    );
    expect(out.endpoint.path).toBe(
      '/d/a%2Fb%20%2Bc/2024-01-01T00:00:00Z?since=2024-01-01T00%3A00%3A00Z&x=a%2Fb%20%2Bc',
    );
  });

  it('a "?" inside a default does not split the path', () => {
    const out = render({ path: "/d/{{ incremental.end_value | default('a?b') }}" });
    expect(out.endpoint.path).toBe('/d/a%3Fb');
  });

  it('renders query values raw (encoded later with the others); non-strings pass through', () => {
    const out = render({ query_params: { since: '{{ incremental.start_value }}', n: 5, b: true } });
    expect(out.endpoint.query_params).toEqual({ since: '2024-01-01T00:00:00Z', n: 5, b: true });
  });

  it('renders connector and endpoint header values', () => {
    const out = render({ headers: { 'X-Since': 'since {{ incremental.start_value }}' } }, VARS, {
      headers: { 'X-Day': '{{ dt }}' },
    });
    expect(out.config.headers).toEqual({ 'X-Day': '2024-01-01' });
    expect(out.endpoint.headers).toEqual({ 'X-Since': 'since 2024-01-01T00:00:00Z' });
  });

  it('renders string leaves of the body at any depth; keys, numbers, booleans and nulls stay', () => {
    const body = {
      '{{ dt }}': 1,
      f: { gte: '{{ incremental.start_value }}', in: ['x', '{{ dt }}', 3, null, false] },
    };
    const out = render({ method: 'POST', body });
    expect(out.endpoint.body).toEqual({
      '{{ dt }}': 1,
      f: { gte: '2024-01-01T00:00:00Z', in: ['x', '2024-01-01', 3, null, false] },
    });
    expect(body.f.gte).toBe('{{ incremental.start_value }}');
  });

  it.each([
    { name: 'a value wins over the default', tpl: "{{ dt | default('x') }}", vars: VARS, want: '2024-01-01' },
    {
      name: 'no value → the default',
      tpl: "{{ incremental.end_value | default('open') }}",
      vars: VARS,
      want: 'open',
    },
    { name: 'an empty default', tpl: "a{{ incremental.end_value | default('') }}b", vars: VARS, want: 'ab' },
    {
      name: 'double-quoted default',
      tpl: '{{ incremental.end_value | default("z") }}',
      vars: VARS,
      want: 'z',
    },
    { name: 'an empty value is a value', tpl: "{{ dt | default('x') }}", vars: { dt: '' }, want: '' },
  ])('defaults: $name', ({ tpl, vars, want }) => {
    expect(render({ query_params: { q: tpl } }, vars).endpoint.query_params).toEqual({ q: want });
  });

  it.each([
    {
      where: 'query',
      endpoint: { query_params: { updated_since: '{{ incremental.start_value }}' } },
      message:
        'endpoints[users].query_params.updated_since: {{ incremental.start_value }} has no value in this run; ' +
        "set incremental.initial_value or add | default('…')",
    },
    {
      where: 'path',
      endpoint: { path: '/x/{{ incremental.end_value }}' },
      message:
        'endpoints[users].path: {{ incremental.end_value }} has no value in this run; ' +
        "set incremental.end_value or add | default('…')",
    },
    {
      where: 'endpoint header',
      endpoint: { headers: { 'X-Day': '{{dt}}' } },
      message:
        'endpoints[users].headers.X-Day: {{ dt }} has no value in this run; bind it (a backfill window does) ' +
        "or add | default('…')",
    },
    {
      where: 'deep body',
      endpoint: { method: 'POST', body: { f: { in: ['a', '{{ incremental.start_value }}'] } } },
      message:
        'endpoints[users].body.f.in[1]: {{ incremental.start_value }} has no value in this run; ' +
        "set incremental.initial_value or add | default('…')",
    },
  ])(
    'a variable without value or default is CONFIG_INVALID naming the field ($where)',
    ({ endpoint, message }) => {
      expect(() => render(endpoint, {})).toThrowError(
        expect.objectContaining({ code: 'CONFIG_INVALID', kind: 'config', message }) as Error,
      );
    },
  );

  it('the missing-variable message names the field, the variable and the fixes', () => {
    let err: unknown;
    try {
      render({ query_params: { updated_since: '{{ incremental.start_value }}' } }, {});
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({
      code: 'CONFIG_INVALID',
      message:
        'endpoints[users].query_params.updated_since: {{ incremental.start_value }} has no value in this run; ' +
        "set incremental.initial_value or add | default('…')",
      details: { path: 'endpoints[users].query_params.updated_since', variable: 'incremental.start_value' },
    });
  });

  it('connector headers are named from the root', () => {
    expect(() => render({}, {}, { headers: { 'X-Day': '{{ dt }}' } })).toThrow(
      /^headers\.X-Day: \{\{ dt \}\} has no value/,
    );
  });

  it('an unknown variable (config not loaded by loadConfig) is CONFIG_INVALID, even with a default', () => {
    expect(() => render({ query_params: { q: "{{ foo | default('x') }}" } })).toThrow(
      /endpoints\[users\]\.query_params\.q: unknown template variable \{\{ foo \| default\('x'\) \}\}/,
    );
  });

  it('a rendered header value with a line break is refused', () => {
    expect(() => render({ headers: { 'X-Since': '{{ dt }}' } }, { dt: 'a\r\nX-Evil: 1' })).toThrow(
      /endpoints\[users\]\.headers\.X-Since: the rendered value contains a line break/,
    );
  });
});
