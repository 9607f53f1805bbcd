/**
 * A corpus of malformed configs, generated from valid ones by walking every field: an unknown key
 * in every object, every required key missing, every field given each wrong type, out-of-range
 * numbers, unknown enum values; plus the hand-written cases a reliability audit found (schemes,
 * rename collisions, duplicate columns, unparsable incremental values, env internals, unclosed
 * templates, YAML tags, timers). Every one must exit 2 at `floe validate`, naming the field's
 * path: never a runtime failure, an internal error or a stack trace.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/cli.js';
import { formatPath } from '../../src/config/format-issues.js';
import { floeConfig } from '../../src/config/schema.js';
import { schemaAt } from '../../src/config/schema-walk.js';

const endpoint = (extra: object): object => ({ path: '/items', records_path: '$.data', ...extra });

/** Valid configs that together use every field and every type of every union. */
const BASES: Record<string, object> = {
  duckdb_api_key_offset: {
    name: 'corpus',
    base_url: 'https://api.example.com/v1',
    auth: { type: 'api_key', key_name: 'X-Key', key_value: 'k-123456', location: 'header' },
    headers: { Accept: 'application/json' },
    rate_limit: { requests_per_second: 5, requests_per_minute: 100, respect_retry_after: true },
    retry: { max_retries: 3, initial_delay_seconds: 1, max_delay_seconds: 60 },
    timeout_seconds: 30,
    endpoints: [
      endpoint({
        name: 'items',
        method: 'GET',
        headers: { 'X-Trace': 'yes' },
        query_params: { since: '{{ incremental.start_value }}', limit: 100, active: true },
        table_name: 'items',
        pagination: { type: 'offset', limit_param: 'limit', limit_value: 100, offset_param: 'offset', start_offset: 0, max_pages: 10 },
        columns: { include: ['id', 'name'], exclude: ['secret'], rename: { name: 'title' } },
        schema: [{ name: 'id', type: 'long' }],
        write_disposition: 'merge',
        primary_key: ['id'],
        incremental: { cursor_path: '$.updated_at', initial_value: '2024-01-01T00:00:00Z', end_value: '2025-01-01T00:00:00Z', lookback: '2h', on_missing: 'fail' },
      }),
    ],
    destination: { type: 'duckdb', path: 'w.duckdb', schema: 'main', write_disposition: 'append', memory_limit: '256MB', threads: 2 },
    stage: { file_max_mb: 64, checkpoint_pages: 100, batch_rows: 8192 },
  },
  snowflake_bearer_cursor: {
    name: 'corpus',
    base_url: 'https://api.example.com',
    auth: { type: 'bearer', token: 't-123456' },
    endpoints: [endpoint({ method: 'POST', body: { q: 1 }, pagination: { type: 'cursor', cursor_param: 'c', cursor_path: '$.next', max_pages: 5 } })],
    destination: {
      type: 'snowflake', connection: 'prod', account: 'xy12345', user: 'FLOE', authenticator: 'snowflake', password: 'pw-123456', token: 'tk-123456',
      private_key_path: 'k.p8', private_key_passphrase: 'pp-123456', role: 'LOADER', warehouse: 'WH', database: 'RAW', schema: 'API', stage: 'STG',
      write_disposition: 'append', query_tag: 'floe', access_url: 'https://xy12345.snowflakecomputing.com', json_columns: 'variant',
    },
  },
  basic_page_number: {
    name: 'corpus',
    base_url: 'https://api.example.com',
    auth: { type: 'basic', username: 'u', password: 'p-123456' },
    endpoints: [endpoint({ pagination: { type: 'page_number', page_param: 'page', page_size_param: 'size', page_size_value: 50, start_page: 1, max_pages: 3 } })],
  },
  oauth_link_header: {
    name: 'corpus',
    base_url: 'https://api.example.com',
    auth: { type: 'oauth2_client_credentials', token_url: 'https://auth.example.com/token', client_id: 'id', client_secret: 's-123456', scopes: 'read', client_auth: 'body', refresh_skew_seconds: 30 },
    endpoints: [endpoint({ pagination: { type: 'link_header', max_pages: 2 } }), endpoint({ path: '/other', pagination: { type: 'next_link', next_link_path: '$.next' } })],
  },
  single_page: {
    name: 'corpus',
    base_url: 'https://api.example.com',
    endpoints: [endpoint({ pagination: { type: 'single_page' } })],
  },
};

interface Case {
  readonly name: string;
  /** The config file's text (JSON, or YAML for YAML-level cases). */
  readonly text: string;
  /** The field path the error must name. */
  readonly path: string;
  readonly env?: Record<string, string>;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const clone = <T>(v: T): T => structuredClone(v);

function setAt(tree: Json, path: (string | number)[], value: Json | undefined): Json {
  const copy = clone(tree);
  let cur = copy as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return copy;
}

const WRONG_TYPES: Json[] = ['text', 42, true, [], { a: 1 }];
const OUT_OF_RANGE: Json[] = [-1, 0, 0.5, 1e15];

/** Every mutation of every field of `base`. */
function mutations(baseName: string, base: Json): Case[] {
  const cases: Case[] = [];
  const add = (kind: string, path: (string | number)[], tree: Json, expectPath = formatPath(path)): void => {
    cases.push({ name: `${baseName}: ${kind} at ${formatPath(path)}`, text: JSON.stringify(tree), path: expectPath });
  };
  const walk = (value: Json, path: (string | number)[]): void => {
    const schema = schemaAt(floeConfig, base, path);
    if (!schema) return;
    const type = (schema._zod.def as { type: string }).type;
    if (type === 'object' && value && typeof value === 'object' && !Array.isArray(value)) {
      add('unknown key', [...path, 'zz_unknown'], setAt(base, [...path, 'zz_unknown'], 'x'), formatPath(path));
      const shape = (schema._zod.def as unknown as { shape: Record<string, { safeParse(v: unknown): { success: boolean } }> }).shape;
      for (const [k, field] of Object.entries(shape)) {
        if (k in value && !field.safeParse(undefined).success && k !== 'type') add('missing', [...path, k], setAt(base, [...path, k], undefined));
      }
      for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
      return;
    }
    if (type === 'array' && Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
    if (type === 'record' || type === 'unknown') return; // free-form maps and bodies take anything
    const wrong = WRONG_TYPES.filter((w) => typeof w !== typeof value || Array.isArray(w) !== Array.isArray(value)).filter((w) => !schema.safeParse(w).success);
    for (const w of wrong.slice(0, 2)) add(`wrong type ${JSON.stringify(w)}`, path, setAt(base, path, w));
    if (typeof value === 'number') {
      for (const n of OUT_OF_RANGE.filter((x) => !schema.safeParse(x).success).slice(0, 2)) add(`out of range ${JSON.stringify(n)}`, path, setAt(base, path, n));
    }
    if (type === 'enum' || type === 'literal') add('unknown value', path, setAt(base, path, 'nonsense_value'), formatPath(path));
  };
  walk(base, []);
  return cases;
}

const yaml = (body: string): string => `name: corpus\nbase_url: https://api.example.com\n${body}`;
const HAND: Case[] = [
  { name: 'base_url ftp://', text: yaml('endpoints: [{ path: /a }]').replace('https://api.example.com', 'ftp://files.example.com'), path: 'base_url' },
  { name: 'base_url file://', text: yaml('endpoints: [{ path: /a }]').replace('https://api.example.com', 'file:///etc/passwd'), path: 'base_url' },
  { name: 'base_url javascript:', text: yaml('endpoints: [{ path: /a }]').replace('https://api.example.com', '"javascript:alert(1)"'), path: 'base_url' },
  { name: 'token_url ftp://', text: yaml('auth: { type: oauth2_client_credentials, token_url: "ftp://h/t", client_id: i, client_secret: s }\nendpoints: [{ path: /a }]'), path: 'auth.token_url' },
  { name: 'columns.rename collision', text: yaml('endpoints: [{ path: /a, columns: { rename: { a: x, b: x } } }]'), path: 'endpoints[0].columns.rename.b' },
  { name: 'duplicate schema columns', text: yaml('endpoints: [{ path: /a, schema: [{ name: id, type: long }, { name: id, type: string }] }]'), path: 'endpoints[0].schema[1].name' },
  { name: 'unparsable lookback', text: yaml('endpoints: [{ path: /a, incremental: { cursor_path: $.u, initial_value: "2024-01-01T00:00:00Z", lookback: "two hours" } }]'), path: 'endpoints[0].incremental.lookback' },
  { name: 'duration lookback on a numeric cursor', text: yaml('endpoints: [{ path: /a, incremental: { cursor_path: $.u, initial_value: 5, lookback: 2h } }]'), path: 'endpoints[0].incremental.lookback' },
  { name: 'unparsable initial_value', text: yaml('endpoints: [{ path: /a, incremental: { cursor_path: $.u, initial_value: "last tuesday" } }]'), path: 'endpoints[0].incremental.initial_value' },
  { name: 'end_value of another kind', text: yaml('endpoints: [{ path: /a, incremental: { cursor_path: $.u, initial_value: "2024-01-01", end_value: 17 } }]'), path: 'endpoints[0].incremental.end_value' },
  { name: '{{ env.__proto__ }}', text: yaml('headers: { X: "{{ env.__proto__ }}" }\nendpoints: [{ path: /a }]'), path: 'headers.X' },
  { name: '{{ env.constructor }}', text: yaml('endpoints: [{ path: "/{{ env.constructor }}" }]'), path: 'endpoints[0].path' },
  { name: '{{ env.hasOwnProperty }}', text: yaml('endpoints: [{ path: /a, query_params: { q: "{{ env.hasOwnProperty }}" } }]'), path: 'endpoints[0].query_params.q' },
  { name: 'unclosed {{ env.X', text: yaml('auth: { type: bearer, token: "{{ env.TOKEN" }\nendpoints: [{ path: /a }]'), path: 'auth.token', env: { TOKEN: 'tok-123456' } },
  { name: 'YAML !!js/function', text: yaml('endpoints: [{ path: !!js/function "function(){ return 1 }" }]'), path: ':3:' },
  { name: 'YAML custom tag', text: yaml('endpoints: [{ path: !include other.yaml }]'), path: ':3:' },
  { name: 'YAML syntax error', text: yaml('endpoints: [{ path: /a }\n'), path: ':4:' },
  { name: 'YAML duplicate key', text: yaml('name: again\nendpoints: [{ path: /a }]'), path: ':3:' },
  { name: 'timeout beyond a timer', text: yaml('timeout_seconds: 3000000\nendpoints: [{ path: /a }]'), path: 'timeout_seconds' },
  { name: 'retry delay beyond a timer', text: yaml('retry: { max_delay_seconds: 1e10 }\nendpoints: [{ path: /a }]'), path: 'retry.max_delay_seconds' },
  { name: 'timeout .inf', text: yaml('timeout_seconds: .inf\nendpoints: [{ path: /a }]'), path: 'timeout_seconds' },
  { name: 'top level is a list', text: '- a\n- b\n', path: 'expected a mapping' },
  { name: 'empty file', text: '', path: 'expected a mapping' },
];

const CASES: Case[] = [...Object.entries(BASES).flatMap(([n, b]) => mutations(n, b as Json)), ...HAND];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floe-corpus-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function validate(c: Case, i: number): Promise<{ code: number; stderr: string; stdout: string }> {
  const file = join(dir, `case-${i}.yaml`);
  await writeFile(file, c.text);
  let stdout = '';
  let stderr = '';
  const code = await main(['validate', file], { stdout: { write: (s) => void (stdout += s) }, stderr: { write: (s) => void (stderr += s) }, env: c.env ?? {} });
  return { code, stdout, stderr };
}

describe('malformed configs', () => {
  it('the valid bases are valid (so each mutation is what makes a case invalid)', async () => {
    for (const [name, base] of Object.entries(BASES)) {
      const r = await validate({ name, text: JSON.stringify(base), path: '' }, -1);
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
    }
  });

  it(`the corpus has 150+ cases, from every field of every base`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(150);
  });

  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s: exit 2 naming the field', async (_name, c, i) => {
    const r = await validate(c, i);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(c.path);
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });
});
