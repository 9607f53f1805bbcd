/**
 * The CLI's surface in-process (`main()` with captured streams): per-command help, suggestions for
 * typos, `--env-file`, exit codes and usage errors. End-to-end runs through the built binary are
 * in cli.test.ts.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/cli.js';

const root = join(import.meta.dirname, '..', '..');
const demo = join(root, 'config', 'demo.yaml');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floe-cmd-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function floe(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: { write: (s) => void (stdout += s) }, stderr: { write: (s) => void (stderr += s) }, env });
  return { code, stdout, stderr };
}

describe('floe CLI (commander)', () => {
  it.each([
    ['floe run --help', ['run', '--help']],
    ['floe help run', ['help', 'run']],
  ])('%s: the command\'s own options and examples, exit 0', async (_name, args) => {
    const r = await floe(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: floe run [options] <config>');
    for (const flag of ['--endpoint <name>', '--state-dir <dir>', '--concurrency <n>', '--no-resume', '--log-format <format>']) expect(r.stdout).toContain(flag);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).not.toContain('floe backfill'); // not the global usage
  });

  it.each([
    ['backfill', '--step <duration>'],
    ['preview', '--rows <n>'],
    ['validate', '<config>'],
    ['runs', '--limit <n>'],
    ['state', 'reset'],
  ])('floe help %s shows that command', async (command, expected) => {
    const r = await floe(['help', command]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: floe ${command}`);
    expect(r.stdout).toContain(expected);
  });

  it('an unknown command suggests the closest one, exit 2', async () => {
    const r = await floe(['rnu', demo]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'rnu'");
    expect(r.stderr).toContain('Did you mean run?');
  });

  it('an unknown option suggests the closest one and names the command, exit 2', async () => {
    const r = await floe(['run', demo, '--jsno']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("floe run: unknown option '--jsno'");
    expect(r.stderr).toContain('Did you mean --json?');
    expect(r.stdout).toBe('');
  });

  it.each([
    [['run', demo, '--concurrency', '0'], 'expected a positive whole number, got "0"'],
    [['run', demo, '--log-format', 'xml'], 'Allowed choices are text, json'],
    [['backfill', demo, '--from', '2024-01-01'], "required option '--to <value>' not specified"],
    [['run'], 'missing <config> argument'],
    [['runs', 'show'], 'missing <run_id> argument'],
    [['state', 'set', demo, '--endpoint', 'users'], "required option '--value <cursor>' not specified"],
    [[], 'Usage: floe'],
  ])('usage error %j exits 2', async (args, message) => {
    const r = await floe(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('--version prints the version, exit 0', async () => {
    const r = await floe(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('--env-file supplies {{ env.X }}; the real environment wins over it', async () => {
    const envFile = join(dir, '.env');
    await writeFile(envFile, 'DEMO_KEY=from-file\nDEMO_PORT=4999\n# a comment\n');
    const fromFile = await floe(['--env-file', envFile, 'validate', demo, '--json']);
    expect(fromFile.code).toBe(0);
    expect(JSON.parse(fromFile.stdout)).toMatchObject({ valid: true, name: 'demo' });
    const after = await floe(['validate', demo, '--env-file', envFile]); // accepted after the command too
    expect(after.code).toBe(0);
    const without = await floe(['validate', demo]);
    expect(without.code).toBe(2);
    expect(without.stderr).toContain('DEMO_KEY is not set');
    const missing = await floe(['--env-file', join(dir, 'nope.env'), 'validate', demo]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.env: no such file');
  });

  it('a directory given as the config says so and lists the configs in it', async () => {
    const r = await floe(['validate', join(root, 'config', 'examples')], { DEMO_KEY: 'k' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/config\/examples is a directory, not a config file; configs in it: \S+\.yaml/);
    expect(r.stderr).not.toContain('EISDIR');
  });

  it('a misspelt config key: file:line:col, a suggestion and a code frame', async () => {
    const file = join(dir, 'typo.yaml');
    await writeFile(file, 'name: c\nbase_url: https://x\nendpoints:\n  - path: /a\n    paginaton: { type: single_page }\n');
    const r = await floe(['validate', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:5:5: endpoints[0]: unknown key "paginaton" (did you mean "pagination"?)`);
    expect(r.stderr).toContain('  5 |     paginaton: { type: single_page }\n    |     ^');
  });

  it('a YAML syntax error: file:line:col and the lines around it', async () => {
    const file = join(dir, 'broken.yaml');
    await writeFile(file, 'name: c\nbase_url: https://x\nendpoints: [{ path: /a }\n');
    const r = await floe(['validate', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${file.replace(/[/.]/g, '\\$&')}:4:1: not valid YAML: Flow sequence`));
    expect(r.stderr).toContain('  3 | endpoints: [{ path: /a }');
  });

  it('a semantic error names file:line:col of the field', async () => {
    const file = join(dir, 'sem.yaml');
    await writeFile(file, 'name: c\nbase_url: https://x\nendpoints:\n  - path: /a\n    write_disposition: merge\n');
    const r = await floe(['validate', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:4:5: endpoints[0].primary_key: write_disposition merge needs primary_key`);
  });
});
