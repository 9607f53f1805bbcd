/**
 * One contract suite over every destination (kysely-style: the same cases loop over dialects):
 * DuckDB and the Snowflake emulator here; a real Snowflake account with `npm run snowflake:contract`.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { CONTRACT_CASES } from './cases.js';
import { duckdbTarget, emulatorTarget, type OwnedTarget } from './targets.js';

const TARGETS: readonly [string, () => Promise<OwnedTarget>][] = [
  ['duckdb', () => Promise.resolve(duckdbTarget())],
  ['snowflake emulator', () => emulatorTarget()],
];

describe.each(TARGETS)('%s', (_name, make) => {
  let target: OwnedTarget;
  beforeAll(async () => {
    target = await make();
  }, 60_000);
  afterAll(async () => {
    await target?.dispose();
  }, 60_000);
  for (const c of CONTRACT_CASES) it(c.name, () => c.run(target), 60_000);
});
