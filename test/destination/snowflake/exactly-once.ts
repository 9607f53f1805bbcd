/**
 * The kill-at-every-step scenario, shared by one test file per write disposition (so they run in
 * parallel). For every statement an uninterrupted load sends, the loader's session is killed just
 * before it and just after it (the statement then ran, and committed if it commits, but the
 * client never heard back). A new destination then re-runs `load` with the same run id and the
 * same stage files, as the runner does when it resumes a crashed run. The table must end up with
 * exactly the rows of the uninterrupted run, with one ledger row and the new state.
 */
import { expect } from 'vitest';
import type { LoadRequest, StageFile, WriteDisposition } from '../../../src/types.js';
import type { EmulatorFaults, SnowflakeEmulator } from '../../support/snowflake-emulator/index.js';
import { orderFiles, request } from './fixtures.js';
import { DB, destinationFor, SCHEMA, tableRows, tempDir } from './helpers.js';

const q = (table: string): string => `"${DB}"."${SCHEMA}"."${table}"`;

/** Existing rows 1..3, written straight into DuckDB (the seed is not what is under test). */
async function seed(emu: SnowflakeEmulator, table: string): Promise<void> {
  await emu.query(`CREATE SCHEMA IF NOT EXISTS "${DB}"."${SCHEMA}"`);
  await emu.query(
    `CREATE TABLE ${q(table)} ("ID" DECIMAL(38,0), "NAME" VARCHAR, "AMOUNT" DOUBLE, "TAGS" VARCHAR, "CREATED_AT" TIMESTAMPTZ)`,
  );
  await emu.query(`INSERT INTO ${q(table)} SELECT i, 'v0-' || i, i, NULL, NULL FROM range(1, 4) t(i)`);
}

export interface Scenario {
  readonly emu: SnowflakeEmulator;
  readonly disposition: WriteDisposition;
  readonly files: readonly StageFile[];
}

/** Files overlapping the seed (ids 2..5) with a key repeated across files (4), for merge. */
export async function scenarioFiles(): Promise<StageFile[]> {
  return orderFiles(tempDir(), [
    { first: 2, n: 3, version: 'v1' },
    { first: 4, n: 2, version: 'v2' },
  ]);
}

function req(s: Scenario, table: string): LoadRequest {
  return request(s.files, {
    runId: 'run-crash',
    table,
    endpoint: table,
    disposition: s.disposition,
    primaryKey: ['id'],
    state: { cursor: `after-${table}` },
  });
}

/** Loads without faults; returns the number of statements the load sent and the final rows. */
export async function baseline(
  s: Scenario,
): Promise<{ statements: number; rows: Record<string, unknown>[] }> {
  const table = `${s.disposition.toUpperCase()}_BASELINE`;
  await seed(s.emu, table);
  const d = await destinationFor(s.emu);
  const before = s.emu.requests.length;
  await d.load(req(s, table));
  await d.close();
  return { statements: s.emu.requests.length - before, rows: await tableRows(s.emu, table, 'ID, NAME') };
}

/**
 * Arms a fault (`arm`), runs the load until the fault kills its session, then resumes with a new
 * destination and checks the outcome. `label` names the scenario (and its table).
 */
export async function killAndResume(
  s: Scenario,
  label: string,
  arm: (faults: EmulatorFaults) => void,
  expected: Record<string, unknown>[],
): Promise<void> {
  const table = `${s.disposition.toUpperCase()}_${label.toUpperCase()}`;
  await seed(s.emu, table);
  const crashed = await destinationFor(s.emu);
  arm(s.emu.faults);
  const first = await crashed.load(req(s, table)).then(
    () => 'completed',
    (e: { code?: string }) => e.code ?? 'error',
  );
  await crashed.close();
  s.emu.faults.clear();
  const killed = s.emu.requests.findLast((r) => r.errorCode === '390111');
  const committedBeforeKill = (await ledgerRows(s.emu, table)) === 1;

  const resumed = await destinationFor(s.emu);
  try {
    const r = await resumed.load(req(s, table));
    if (process.env.FLOE_TRACE_KILLS) {
      console.log(`${label} ${first} already=${r.alreadyLoaded} :: ${killed?.sqlText.slice(0, 70)}`);
    }
    const context = `${label} (killed at ${killed?.sqlText.slice(0, 60) ?? '?'}), first attempt: ${first}`;
    expect(await tableRows(s.emu, table, 'ID, NAME'), context).toEqual(expected);
    expect(r.alreadyLoaded, context).toBe(committedBeforeKill);
    expect(await ledgerRows(s.emu, table), context).toBe(1);
    expect(await resumed.readState({ connector: 'test', endpoint: table }), context).toEqual({
      endpoint: table,
      value: { cursor: `after-${table}` },
    });
  } finally {
    await resumed.close();
  }
}

async function ledgerRows(emu: SnowflakeEmulator, endpoint: string): Promise<number> {
  const [row] = await emu.query(
    `SELECT count(*)::INTEGER AS n FROM ${q('_FLOE_LOADS')} WHERE "RUN_ID" = 'run-crash' AND "ENDPOINT" = '${endpoint}'`,
  );
  return Number(row?.n ?? 0);
}

/** The crash points named in the issue, each with the fault that produces it. */
export const NAMED_CRASHES: readonly [label: string, arm: (f: EmulatorFaults) => void][] = [
  ['after_put', (f) => f.dropConnectionAfterPut()],
  ['mid_copy', (f) => f.killSession({ match: 'COPY', phase: 'after' })],
  ['before_commit', (f) => f.killSession({ match: 'COMMIT', phase: 'before' })],
  ['after_commit', (f) => f.killSession({ match: 'COMMIT', phase: 'after' })],
];
