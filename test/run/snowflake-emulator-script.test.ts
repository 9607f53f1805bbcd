/**
 * The standalone emulator as a user runs it for a dry run: `npm run snowflake-emulator` prints one
 * line with its URL, and `floe run` loads into it through the real snowflake-sdk.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it, vi } from 'vitest';
import { startDemoApi } from '../../scripts/demo-api.js';
import { runFloe } from '../support/floe-process.js';

// Real servers, processes and databases on a shared machine: generous timeouts.
vi.setConfig({ testTimeout: 30_000 });

const script = join(import.meta.dirname, '..', '..', 'dist', 'scripts', 'snowflake-emulator.js');

describe('scripts/snowflake-emulator', () => {
  it('prints exactly SNOWFLAKE_EMULATOR_URL=… and serves floe run until killed', async () => {
    const child = spawn(process.execPath, [script, '--port', '0'], { env: { ...process.env, SNOWFLAKE_DISABLE_PLATFORM_DETECTION: 'true' } });
    const api = await startDemoApi({ fail503Every: 0, fail429At: 0, users: 40 });
    const dir = await mkdtemp(join(tmpdir(), 'floe-emu-script-'));
    try {
      const lines = createInterface({ input: child.stdout });
      const first = await new Promise<string>((resolve) => lines.once('line', resolve));
      expect(first).toMatch(/^SNOWFLAKE_EMULATOR_URL=http:\/\/127\.0\.0\.1:\d+$/);
      const url = first.split('=')[1]!;
      const file = join(dir, 'c.json');
      await writeFile(
        file,
        JSON.stringify({
          name: 'dry',
          base_url: api.url,
          auth: { type: 'api_key', key_name: 'X-API-Key', key_value: api.key },
          endpoints: [{ path: '/users', records_path: '$.data', pagination: { type: 'offset', limit_param: 'limit', limit_value: 25, offset_param: 'offset' } }],
          destination: { type: 'snowflake', account: 'floeemu', user: 'FLOE', password: 'floe', database: 'FLOE_TEST', schema: 'DRY', access_url: url },
        }),
      );
      const r = await runFloe(['run', file, '--json', '--state-dir', join(dir, 'state')], { SNOWFLAKE_DISABLE_PLATFORM_DETECTION: 'true' });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ status: 'succeeded', endpoints: [{ rows: 40, rows_loaded: 40 }] });
    } finally {
      child.kill('SIGTERM');
      await api.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
