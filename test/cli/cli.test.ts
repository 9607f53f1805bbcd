/**
 * The CLI as a user runs it: the built `dist/src/cli/main.js` in a child process (`npm test`
 * builds first), against the demo API on loopback.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startDemoApi, type DemoApi } from '../../scripts/demo-api.js';
import { FLOE_BIN, runFloe } from '../support/floe-process.js';

// Real processes, servers and databases on a shared machine: generous timeouts.
vi.setConfig({ testTimeout: 30_000 });

const floe = (args: string[], env: Record<string, string> = {}): ReturnType<typeof runFloe> => runFloe(args, env, root);

const root = join(import.meta.dirname, '..', '..');

let api: DemoApi;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  if (!existsSync(FLOE_BIN)) throw new Error(`${FLOE_BIN} is missing: run \`npm run build\` (npm test does)`);
  api = await startDemoApi({ fail503Every: 0, fail429At: 0, users: 120, orders: 60, events: 90, tickets: 40 });
  dir = await mkdtemp(join(tmpdir(), 'floe-cli-'));
  env = { DEMO_PORT: String(api.port), DEMO_KEY: api.key };
});

afterAll(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});

async function demoConfig(overrides: string): Promise<string> {
  const file = join(dir, `c${Math.random().toString(16).slice(2)}.yaml`);
  await writeFile(
    file,
    `name: cli-test
base_url: "http://127.0.0.1:{{ env.DEMO_PORT }}/v2"
auth: { type: api_key, key_name: X-API-Key, key_value: "{{ env.DEMO_KEY }}" }
retry: { max_retries: 1, initial_delay_seconds: 0.01 }
destination: { type: duckdb, path: ${join(dir, 'w.duckdb')} }
${overrides}`,
  );
  return file;
}

const TWO_ENDPOINTS = `endpoints:
  - path: /users
    records_path: $.data
    pagination: { type: offset, limit_param: limit, limit_value: 50, offset_param: offset }
  - path: /orders
    records_path: $.orders
    pagination: { type: cursor, cursor_param: cursor, cursor_path: $.meta.next_cursor }
`;

describe('floe CLI', { timeout: 30_000 }, () => {
  it('validate: a valid config exits 0 and lists the endpoints', async () => {
    const r = await floe(['validate', join(root, 'config', 'demo.yaml')], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('valid');
    expect(r.stdout).toMatch(/open_tickets\s+tickets\s+POST \/tickets\/search\s+next_link/);
  });

  it('validate: an invalid config exits 2 with the field path and no stack trace', async () => {
    const file = await demoConfig(`endpoints:\n  - path: /users\n    pagination: { type: cursor, cursor_param: c }\n`);
    const r = await floe(['validate', file], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('endpoints[0].pagination.cursor_path: required');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('validate: a floe push config exits 0 and lists its outputs; an invalid one names the field at file:line:col', async () => {
    const ok = await floe(['validate', join(root, 'config', 'demo-push.yaml'), '--json'], env);
    expect(ok.code).toBe(0);
    const summary = JSON.parse(ok.stdout) as { kind: string; outputs: { name: string; batch_size: number }[] };
    expect(summary.kind).toBe('push');
    expect(summary.outputs).toEqual([expect.objectContaining({ name: 'contacts', batch_size: 100 })]);
    expect(ok.stdout).not.toContain(api.key);

    const file = join(dir, 'bad-push.yaml');
    await writeFile(file, 'name: p\noutputs:\n  - name: o\n    table: users\n    url: "http://127.0.0.1:1/x"\n    batch_sise: 10\n');
    const bad = await floe(['validate', file], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad-push\.yaml:6:\d+: outputs\[0\]/);
    expect(bad.stderr).toContain('did you mean "batch_size"');
  });

  it('validate: a rest_api pipeline YAML checks both its inputs (floe run) and its outputs (floe push)', async () => {
    const file = join(dir, 'pipeline.yaml');
    await writeFile(
      file,
      `CONFIG:
  inputs:
    users:
      format: rest_api
      url: "http://127.0.0.1:{{ env.DEMO_PORT }}/v2/users"
      response: { root_key: data }
  outputs:
    back:
      format: rest_api
      url: "http://127.0.0.1:{{ env.DEMO_PORT }}/v2/contacts/batch"
      batch_size: 50
`,
    );
    const r = await floe(['validate', file], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/floe push config "pipeline", 1 output\(s\); 1 rest_api input\(s\) for floe run/);
    expect(r.stdout).toMatch(/back\s+table users/);
  });

  it('validate: an unset env variable exits 2 naming it', async () => {
    const r = await floe(['validate', join(root, 'config', 'demo.yaml')], { DEMO_PORT: '1' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('auth.key_value: environment variable DEMO_KEY is not set');
  });

  it('run --json: exactly one JSON object on stdout, exit 0, logs on stderr; runs lists it', async () => {
    const file = await demoConfig(TWO_ENDPOINTS);
    const state = join(dir, 'state-ok');
    const r = await floe(['run', file, '--json', '--state-dir', state], env);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(out).toMatchObject({
      status: 'succeeded',
      endpoints: [
        { name: 'users', table: 'users', status: 'succeeded', rows: 120, pages: 3, files: 1 },
        { name: 'orders', table: 'orders', status: 'succeeded', rows: 60, pages: 1, files: 1 },
      ],
    });
    expect(Object.keys(out)).toEqual(['run_id', 'status', 'started_at', 'finished_at', 'endpoints']);
    expect(r.stderr).toContain('run finished');

    const runs = await floe(['runs', '--json', '--state-dir', state], env);
    expect(runs.code).toBe(0);
    expect(JSON.parse(runs.stdout)).toMatchObject([{ run_id: out.run_id, status: 'succeeded', rows: 180 }]);
    const show = await floe(['runs', 'show', String(out.run_id), '--state-dir', state], env);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/users\s+users\s+succeeded\s+3\s+120/);
  });

  it('run: one endpoint failing exits 3 (partially failed); --endpoint selects; all failing exits 1', async () => {
    const file = await demoConfig(TWO_ENDPOINTS + `  - path: /missing\n`);
    const state = join(dir, 'state-partial');
    const r = await floe(['run', file, '--json', '--state-dir', state], env);
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout) as { status: string; endpoints: { name: string; status: string; error?: { code: string; status: number } }[] };
    expect(out.status).toBe('partially_failed');
    expect(out.endpoints.find((e) => e.name === 'missing')).toMatchObject({ status: 'failed', error: { code: 'HTTP_STATUS', status: 404 } });
    const show = await floe(['runs', 'show', (JSON.parse(r.stdout) as { run_id: string }).run_id, '--state-dir', state], env);
    expect(show.stdout).toContain('missing: HTTP_STATUS');
    expect(show.stdout).toContain('status: 404');

    const only = await floe(['run', file, '--endpoint', 'missing', '--state-dir', state], env);
    expect(only.code).toBe(1);
    expect(only.stdout).toMatch(/missing\s+missing\s+failed/);
  });

  it('run: the summary says where the data went; floe runs counts the rows loaded', async () => {
    const file = await demoConfig(TWO_ENDPOINTS);
    const state = join(dir, 'state-where');
    const r = await floe(['run', file, '--state-dir', state], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`data: duckdb ${join(dir, 'w.duckdb')}, schema main; tables users, orders`);
    expect(r.stdout).toMatch(/users\s+users\s+succeeded\s+3\s+120\s+120/);
    const runs = await floe(['runs', '--state-dir', state], env);
    expect(runs.stdout).toMatch(/rows loaded/);
    expect(runs.stdout).toMatch(/succeeded .* 2\/2 ok\s+180$/m);
  });

  it('run: an unknown --endpoint exits 2 and lists the known ones', async () => {
    const file = await demoConfig(TWO_ENDPOINTS);
    const r = await floe(['run', file, '--endpoint', 'nope', '--state-dir', join(dir, 's3')], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown endpoint "nope"; known: users, orders');
  });

  it('preview: inferred columns with types and 5 sample rows from the first page only', async () => {
    const before = api.requests.length;
    const r = await floe(['preview', join(root, 'config', 'demo.yaml'), '--endpoint', 'users'], env);
    expect(r.code).toBe(0);
    expect(api.requests.length - before).toBe(1);
    expect(r.stdout).toMatch(/address_postal_code\s+string/);
    expect(r.stdout).toMatch(/\bid\s+long/);
    expect(r.stdout).toMatch(/\bscore\s+double/);
    expect(r.stdout).toMatch(/\btags\s+json/);
    expect(r.stdout).toContain('city'); // renamed from address_city by the demo config
    expect(r.stdout.match(/^-- row \d$/gm)).toHaveLength(5);
  });

  it('unknown command and missing argument exit 2 with usage', async () => {
    expect((await floe(['frobnicate'])).code).toBe(2);
    const r = await floe(['run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing <config>');
  });
});
