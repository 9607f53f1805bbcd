/** Kill-at-every-step for write_disposition append (see exactly-once.ts). */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SnowflakeEmulator } from '../../support/snowflake-emulator/index.js';
import { baseline, killAndResume, NAMED_CRASHES, scenarioFiles, type Scenario } from './exactly-once.js';
import { cleanupTempDirs, emulator } from './helpers.js';

let emu: SnowflakeEmulator;
let scenario: Scenario;
let expected: { statements: number; rows: Record<string, unknown>[] };

beforeAll(async () => {
  emu = await emulator();
  scenario = { emu, disposition: 'append', files: await scenarioFiles() };
  expected = await baseline(scenario);
});
afterAll(async () => {
  await emu.close();
  cleanupTempDirs();
});

it.each(NAMED_CRASHES)(
  'append: crash %s, then re-run: exactly the rows of an uninterrupted run',
  async (label, arm) => {
    await killAndResume(scenario, label, arm, expected.rows);
  },
);

it('append: a crash before or after any statement, then a re-run with the same run id, loads exactly once', async () => {
  expect(expected.statements).toBeGreaterThan(15);
  for (let nth = 1; nth <= expected.statements; nth++) {
    for (const phase of ['before', 'after'] as const) {
      await killAndResume(scenario, `k${nth}_${phase}`, (f) => f.killSession({ nth, phase }), expected.rows);
    }
  }
}, 60_000);
