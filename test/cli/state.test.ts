/** `floe state show|set|reset` as a user repairs state after an incident, through the built CLI. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runFloe } from '../support/floe-process.js';
import { useMockApi } from '../support/mock-api.js';

// Real processes, servers and databases on a shared machine: generous timeouts.
vi.setConfig({ testTimeout: 30_000 });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floe-state-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const floe = (...args: string[]): ReturnType<typeof runFloe> => runFloe([...args, '--state-dir', join(dir, 'state')]);

describe('floe state', () => {
  it('shows the committed cursor, sets it, resets it; the next run starts from it', async () => {
    const api = await useMockApi();
    const rows = [1, 2, 3].map((i) => ({ id: i, updated_at: `2024-05-0${i}T10:00:00Z` }));
    api.get('/things', (req) => ({ json: rows.filter((r) => r.updated_at >= (req.query.since ?? '')) }));
    const file = join(dir, 'c.json');
    await writeFile(
      file,
      JSON.stringify({
        name: 'st',
        base_url: api.url,
        endpoints: [
          {
            path: '/things',
            query_params: { since: '{{ incremental.start_value }}' },
            incremental: { cursor_path: '$.updated_at', initial_value: '2024-01-01T00:00:00Z' },
            write_disposition: 'merge',
            primary_key: ['id'],
          },
        ],
        destination: { type: 'duckdb', path: join(dir, 'w.duckdb') },
      }),
    );
    expect((await floe('state', 'show', file)).stdout).toContain('(none)');
    expect((await floe('run', file)).code).toBe(0);
    const shown = await floe('state', 'show', file, '--json');
    expect(JSON.parse(shown.stdout)).toMatchObject([{ endpoint: 'things', state: { kind: 'instant', cursor: '2024-05-03T10:00:00Z' } }]);

    const set = await floe('state', 'set', file, '--endpoint', 'things', '--value', '2024-05-02T00:00:00Z');
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('2024-05-02T00:00:00Z');
    const before = api.requests.length;
    expect((await floe('run', file)).code).toBe(0);
    expect(api.requests[before]!.query.since).toBe('2024-05-02T00:00:00Z');

    expect((await floe('state', 'reset', file, '--endpoint', 'things')).code).toBe(0);
    expect((await floe('state', 'show', file)).stdout).toContain('(none)');
    const after = api.requests.length;
    expect((await floe('run', file)).code).toBe(0);
    expect(api.requests[after]!.query.since).toBe('2024-01-01T00:00:00Z');
  }, 30_000);

  it('refuses a value that is not a cursor of the endpoint kind, and a missing --endpoint, with exit 2', async () => {
    const api = await useMockApi();
    const file = join(dir, 'c.json');
    await writeFile(
      file,
      JSON.stringify({
        name: 'st2',
        base_url: api.url,
        endpoints: [{ path: '/things', incremental: { cursor_path: '$.n', initial_value: 0 } }],
        destination: { type: 'duckdb', path: join(dir, 'w.duckdb') },
      }),
    );
    const bad = await floe('state', 'set', file, '--endpoint', 'things', '--value', 'yesterday');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--value');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const missing = await floe('state', 'reset', file);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--endpoint');
  }, 30_000);
});
