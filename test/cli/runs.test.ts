/** `floe runs` lists backfills beside runs, with the rows loaded (not extracted). In-process CLI. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/cli.js';
import { useMockApi } from '../support/mock-api.js';

vi.setConfig({ testTimeout: 30_000 });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floe-runs-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function floe(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: { write: (s) => void (stdout += s) }, stderr: { write: (s) => void (stderr += s) }, env: {} });
  return { code, stdout, stderr };
}

describe('floe runs', () => {
  it('lists backfills with their windows and rows loaded; merge duplicates count once', async () => {
    const api = await useMockApi();
    // Every record twice in each window's response: extracted 2×, loaded (merged on id) once.
    api.get('/events', (req) => {
      const day = Date.parse(req.query.since!);
      const rows = [0, 1].map((i) => ({ id: day / 86_400_000 + i, at: new Date(day + i * 3_600_000).toISOString() }));
      return { json: [...rows, ...rows] };
    });
    const file = join(dir, 'bf.json');
    await writeFile(
      file,
      JSON.stringify({
        name: 'bf',
        base_url: api.url,
        endpoints: [
          {
            path: '/events',
            query_params: { since: '{{ incremental.start_value }}', until: '{{ incremental.end_value }}' },
            incremental: { cursor_path: '$.at', initial_value: '2024-01-01T00:00:00Z' },
            write_disposition: 'merge',
            primary_key: ['id'],
          },
        ],
        destination: { type: 'duckdb', path: join(dir, 'w.duckdb') },
      }),
    );
    const state = join(dir, 'state');
    const bf = await floe(['backfill', file, '--from', '2024-03-01', '--to', '2024-03-04', '--step', '1d', '--state-dir', state]);
    expect(bf.code, bf.stderr).toBe(0);
    expect(bf.stdout).toContain('6 rows loaded this time');
    const listed = await floe(['runs', '--state-dir', state]);
    expect(listed.stdout).toContain('backfills:');
    expect(listed.stdout).toMatch(/bf-bf-\w+\s+bf\s+succeeded\s+\[2024-03-01, 2024-03-04\)\s+1d\s+3\/3 ok\s+6$/m);
    const json = JSON.parse((await floe(['runs', '--json', '--state-dir', state])).stdout) as Record<string, unknown>[];
    expect(json).toMatchObject([{ kind: 'backfill', status: 'succeeded', windows: 3, failed_windows: 0, rows_loaded: 6 }]);
  });
});
