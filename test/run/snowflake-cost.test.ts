/**
 * What one load costs in Snowflake, counted on the statements the real snowflake-sdk sends to the
 * project's emulator during `runConnector`: per endpoint one PUT (all files, one wildcard), one
 * COPY (up to 1,000 files), one COMMIT, and a fixed number of other statements that does not
 * grow with the number of files; a later load costs no more than the first; an idle run sends
 * nothing. The README's "Snowflake cost" section lists the statements.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { runConnector } from '../../src/run/runner.js';
import { FakeClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { dataset, offsetPages, useMockApi } from '../support/mock-api.js';
import {
  startSnowflakeEmulator,
  type RecordedRequest,
  type SnowflakeEmulator,
} from '../support/snowflake-emulator/index.js';

vi.setConfig({ testTimeout: 60_000 });

let emu: SnowflakeEmulator;
let dir: string;
beforeAll(async () => {
  emu = await startSnowflakeEmulator();
  dir = await mkdtemp(join(tmpdir(), 'floe-sf-cost-'));
});
afterAll(async () => {
  await emu.close();
  await rm(dir, { recursive: true, force: true });
});

const ROWS = 6000;
const record = (i: number): Record<string, unknown> => ({
  id: i,
  name: `customer ${i} ${'x'.repeat(i % 50)}`,
  amount: i * 1.25,
  city: `c${i % 97}`,
});

/** One run of two endpoints into schema `schema`; returns the statements it sent, by endpoint tag. */
async function load(
  schema: string,
  fileMaxMb: number,
  runDir: string,
): Promise<{ byEndpoint: Map<string, string[]>; untagged: string[]; files: number[] }> {
  const api = await useMockApi();
  api.get('/a', offsetPages(dataset(ROWS, record), { recordsKey: 'data' }));
  api.get('/b', offsetPages(dataset(ROWS, record), { recordsKey: 'data' }));
  const loaded = parseConfig({
    name: 'cost',
    base_url: api.url,
    stage: { file_max_mb: fileMaxMb, batch_rows: 500 },
    endpoints: ['/a', '/b'].map((path) => ({
      path,
      records_path: '$.data',
      pagination: { type: 'offset', limit_value: 500, total_path: '$.total' },
    })),
    destination: {
      type: 'snowflake',
      account: emu.account,
      user: 'FLOE',
      password: 'floe',
      database: 'FLOE_TEST',
      schema,
      access_url: emu.url,
    },
  });
  const before = emu.requests.length;
  const run = await runConnector(
    loaded,
    { stateDir: join(dir, runDir) },
    { clock: new FakeClock(), logger: silentLogger },
  );
  expect(run.status).toBe('succeeded');
  expect(run.endpoints.map((e) => e.rows)).toEqual([ROWS, ROWS]);
  const sent: RecordedRequest[] = emu.requests.slice(before);
  const byEndpoint = new Map<string, string[]>();
  const untagged: string[] = [];
  for (const r of sent) {
    const tag =
      typeof r.parameters.QUERY_TAG === 'string'
        ? (JSON.parse(r.parameters.QUERY_TAG) as { endpoint?: string })
        : {};
    const kind = r.sqlText.replace(/^\s+/, '').split(/\s+/).slice(0, 2).join(' ');
    if (tag.endpoint === undefined) untagged.push(kind);
    else byEndpoint.set(tag.endpoint, [...(byEndpoint.get(tag.endpoint) ?? []), kind]);
  }
  return { byEndpoint, untagged, files: run.endpoints.map((e) => e.files ?? 0) };
}

const count = (kinds: readonly string[], prefix: string): number =>
  kinds.filter((k) => k.startsWith(prefix)).length;

describe('what a Snowflake load costs', () => {
  it('one PUT, one COPY and one COMMIT per endpoint, whatever the number of files; a later load costs no more', async () => {
    const many = await load('COST_MANY', 0.02, 'many');
    const one = await load('COST_ONE', 128, 'one');
    expect(many.files.every((n) => n >= 3)).toBe(true); // small file_max_mb: several files per endpoint
    expect(one.files).toEqual([1, 1]);
    for (const run of [many, one]) {
      expect([...run.byEndpoint.keys()].sort()).toEqual(['a', 'b']);
      for (const kinds of run.byEndpoint.values()) {
        expect(count(kinds, 'PUT')).toBe(1);
        expect(count(kinds, 'COPY INTO')).toBe(1);
        expect(count(kinds, 'COMMIT')).toBe(1);
      }
    }
    // The statements per endpoint do not depend on how many files it staged.
    // (the bookkeeping setup of a new schema goes with whichever endpoint loads first)
    const total = (run: typeof one): number =>
      run.untagged.length + [...run.byEndpoint.values()].reduce((n, k) => n + k.length, 0);
    expect(total(many)).toBe(total(one));

    // A later load into the same tables: no table to create, and the load itself is the same statements.
    const again = await load('COST_ONE', 128, 'one');
    const loadPart = (kinds: readonly string[]): string[] =>
      kinds.slice(kinds.findIndex((k) => k.startsWith('PUT'))).map((k) => k.split(' ')[0]!);
    for (const [endpoint, kinds] of again.byEndpoint) {
      const first = one.byEndpoint.get(endpoint)!;
      expect(count(kinds, 'CREATE TABLE')).toBe(0);
      expect(count(first, 'CREATE TABLE')).toBeGreaterThanOrEqual(1);
      expect(loadPart(kinds)).toEqual(loadPart(first));
    }
    for (const endpoint of ['a', 'b'])
      expect(loadPart(many.byEndpoint.get(endpoint)!)).toEqual(loadPart(one.byEndpoint.get(endpoint)!));
    // One session setup per run, not per endpoint or file.
    expect(one.untagged).toEqual(['ALTER SESSION']);
    expect(many.untagged).toEqual(['ALTER SESSION']);
  });
});
