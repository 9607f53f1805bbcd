import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { endpointName, loadConfigFile, parseConfig, tableName } from '../../src/config/load-config.js';
import { AUTH_TYPES, PAGINATION_TYPES } from '../../src/config/schema.js';
import { FloeError } from '../../src/util/errors.js';
import { floeJsonSchema } from '../../scripts/generate-schema.js';

const root = join(import.meta.dirname, '..', '..');
const base = { name: 'x', base_url: 'http://127.0.0.1:1/v2' };

function configError(raw: unknown, env: Record<string, string> = {}): FloeError {
  try {
    parseConfig(raw, env);
  } catch (e) {
    expect(e).toBeInstanceOf(FloeError);
    return e as FloeError;
  }
  throw new Error('expected a config error');
}

describe('config loading', () => {
  const examples = readdirSync(join(root, 'config', 'examples')).filter((f) => f.endsWith('.yaml'));

  it.each(examples)('example %s validates with its env variables set', async (file) => {
    const text = readFileSync(join(root, 'config', 'examples', file), 'utf8');
    const env = Object.fromEntries([...text.matchAll(/env\.(\w+)/g)].map((m) => [m[1]!, `value-of-${m[1]!}`]));
    const loaded = await loadConfigFile(join(root, 'config', 'examples', file), env);
    expect(loaded.config.endpoints.length).toBeGreaterThan(0);
  });

  it('ships an example for every pagination type and every auth type', () => {
    const all = examples.map((f) => readFileSync(join(root, 'config', 'examples', f), 'utf8')).join('\n');
    for (const t of PAGINATION_TYPES.filter((t) => t !== 'single_page')) expect(all).toContain(`type: ${t}`);
    for (const t of AUTH_TYPES) expect(all).toContain(`type: ${t}`);
  });

  it('the demo config validates', async () => {
    const loaded = await loadConfigFile(join(root, 'config', 'demo.yaml'), { DEMO_KEY: 'k-123456' });
    expect(loaded.config.base_url).toBe('http://127.0.0.1:4010/v2');
    expect(loaded.config.endpoints.map(endpointName)).toEqual(['users', 'orders', 'events', 'open_tickets']);
  });

  it('config/floe.schema.json is generated from the zod schemas and up to date', () => {
    const committed = JSON.parse(readFileSync(join(root, 'config', 'floe.schema.json'), 'utf8')) as unknown;
    expect(committed).toEqual(floeJsonSchema());
  });

  it.each([
    ['an unknown key', { ...base, endpoints: [{ path: '/a', bogus: 1 }] }, 'endpoints[0]: unknown key "bogus"'],
    [
      'an unknown pagination type',
      { ...base, endpoints: [{ path: '/a', pagination: { type: 'offest' } }] },
      'endpoints[0].pagination.type: unknown type "offest"; known: offset, cursor, header_cursor, page_number, link_header, next_link, single_page',
    ],
    [
      'a missing cursor_path',
      { ...base, endpoints: [{ path: '/a', pagination: { type: 'cursor', cursor_param: 'c' } }] },
      'endpoints[0].pagination.cursor_path: required',
    ],
    ['a bad base_url', { ...base, base_url: 'api.example.com', endpoints: [{ path: '/a' }] }, 'base_url: expected an http:// or https:// URL'],
    ['no endpoints', { ...base, endpoints: [] }, 'endpoints: needs at least 1 item'],
    ['a wrong type', { ...base, timeout_seconds: 'slow', endpoints: [{ path: '/a' }] }, 'timeout_seconds: expected number, got string "slow"'],
    [
      'basic auth without a password',
      { ...base, auth: { type: 'basic', username: 'u' }, endpoints: [{ path: '/a' }] },
      'auth.password: required',
    ],
    [
      'merge without primary_key',
      { ...base, endpoints: [{ path: '/a', write_disposition: 'merge' }] },
      'endpoints[0].primary_key: write_disposition merge needs primary_key',
    ],
    [
      'two endpoints into one table',
      { ...base, endpoints: [{ path: '/a/users' }, { path: '/b/users', name: 'b' }] },
      'endpoints[1].table_name: table "users" is also loaded by endpoints[0]',
    ],
    ['a body on GET', { ...base, endpoints: [{ path: '/a', body: { q: 1 } }] }, 'endpoints[0].body: a request body is only sent with method: POST'],
    [
      'an unknown template variable',
      { ...base, endpoints: [{ path: '/a', query_params: { x: '{{ nope }}' } }] },
      'endpoints[0].query_params.x: unknown template variable "nope"',
    ],
  ])('rejects %s with a message naming the field', (_name, raw, expected) => {
    const e = configError(raw);
    expect(e.kind).toBe('config');
    expect(e.message).toContain(expected);
    expect(e.stack).toBeDefined(); // the CLI prints the message only; see test/cli
  });

  it('names the unset environment variable and the field using it', () => {
    const e = configError({ ...base, auth: { type: 'bearer', token: '{{ env.API_TOKEN }}' }, endpoints: [{ path: '/a' }] });
    expect(e.code).toBe('CONFIG_ENV_MISSING');
    expect(e.message).toBe('auth.token: environment variable API_TOKEN is not set (referenced as {{ env.API_TOKEN }})');
  });

  it('resolves {{ env.X }} in any string field and registers secrets for redaction', () => {
    const loaded = parseConfig(
      {
        ...base,
        auth: { type: 'basic', username: 'svc', password: '{{ env.PW }}' },
        headers: { 'X-Tenant': '{{ env.TENANT }}' },
        endpoints: [{ path: '/{{ env.SEGMENT }}/users', query_params: { token: '{{ env.QTOKEN }}' } }],
      },
      { PW: 'hunter2-secret', TENANT: 'tenant-abc', SEGMENT: 'eu', QTOKEN: 'qtok-999' },
    );
    expect(loaded.config.endpoints[0]!.path).toBe('/eu/users');
    const text = loaded.redactor.text('pw=hunter2-secret q=qtok-999 t=tenant-abc segment=eu basic=' + Buffer.from('svc:hunter2-secret').toString('base64'));
    expect(text).not.toContain('hunter2-secret');
    expect(text).not.toContain('qtok-999');
    expect(text).not.toContain('tenant-abc');
    expect(text).not.toContain(Buffer.from('svc:hunter2-secret').toString('base64'));
    expect(text).toContain('segment=eu'); // a path segment from env is not a secret
  });

  it('keeps runtime templates (and their defaults) for the run', () => {
    const loaded = parseConfig({ ...base, endpoints: [{ path: '/a', query_params: { since: "{{ dt | default('2025-01-01') }}" } }] }, {});
    expect(loaded.config.endpoints[0]!.query_params).toEqual({ since: "{{ dt | default('2025-01-01') }}" });
  });

  it('accepts an empty basic-auth password (Stripe style)', () => {
    const loaded = parseConfig({ ...base, auth: { type: 'basic', username: 'sk_test_123', password: '' }, endpoints: [{ path: '/a' }] }, {});
    expect(loaded.config.auth).toMatchObject({ type: 'basic', password: '' });
  });

  it.each([
    ['/users', 'users'],
    ['/api/v2/tickets.json', 'tickets'],
    ['/repos/x/issues/', 'issues'],
    ['https://other.example.com/v1/orders.json?x=1', 'orders'],
  ])('default table name for %s is %s', (path, table) => {
    expect(tableName({ path, method: 'GET' })).toBe(table);
  });

  it('reports YAML syntax errors and missing files as config errors', async () => {
    await expect(loadConfigFile(join(root, 'config', 'nope.yaml'))).rejects.toMatchObject({ code: 'CONFIG_NOT_FOUND', kind: 'config' });
  });
});
