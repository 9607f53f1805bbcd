/**
 * Destination behaviour around its one Snowflake session: loads are serialized (Snowflake
 * transactions belong to the session), aborts roll back, and state is read and written.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Destination } from '../../../src/types.js';
import type { SnowflakeEmulator } from '../../support/snowflake-emulator/index.js';
import { orderFiles, request } from './fixtures.js';
import { captureLogger, cleanupTempDirs, destinationFor, emulator, tableRows, tempDir } from './helpers.js';

let emu: SnowflakeEmulator;
const open: Destination[] = [];
const dest = async (
  extra: Parameters<typeof destinationFor>[1] = {},
  deps: Parameters<typeof destinationFor>[2] = {},
): Promise<Destination> => {
  const d = await destinationFor(emu, extra, deps);
  open.push(d);
  return d;
};

beforeAll(async () => {
  emu = await emulator();
});
afterEach(async () => {
  for (const d of open.splice(0)) await d.close();
});
afterAll(async () => {
  await emu.close();
  cleanupTempDirs();
});

describe('one session', () => {
  it('serializes concurrent loads: a transaction never interleaves with another statement', async () => {
    const d = await dest();
    const before = emu.requests.length;
    await Promise.all([
      d.load(request(await orderFiles(tempDir(), [{ first: 1, n: 2 }]), { table: 'par_a' })),
      d.load(request(await orderFiles(tempDir(), [{ first: 1, n: 2 }]), { table: 'par_b' })),
    ]);
    const seq = emu.requests.slice(before).map((r) => r.sqlText);
    const begins = seq.flatMap((s, i) => (s === 'BEGIN' ? [i] : []));
    expect(begins).toHaveLength(2);
    for (const b of begins) {
      const commit = seq.indexOf('COMMIT', b);
      const inside = seq.slice(b + 1, commit);
      expect(inside.every((s) => /^(INSERT|DELETE)/.test(s))).toBe(true);
      expect(
        new Set(
          inside.filter((s) => /INSERT INTO "FLOE_TEST"."RAW"."PAR_/.test(s)).map((s) => s.slice(0, 40)),
        ).size,
      ).toBe(1);
    }
  });

  it('stops when aborted and leaves nothing half-loaded', async () => {
    const ac = new AbortController();
    const { logger } = captureLogger();
    const aborting = {
      ...logger,
      debug: (msg: string, f?: Record<string, unknown>) =>
        f?.step === 'INSERT from staging' ? ac.abort() : undefined,
    };
    const d = await dest({}, { logger: { ...aborting, child: () => aborting } });
    const files = await orderFiles(tempDir(), [{ first: 1, n: 2 }]);
    await expect(d.load(request(files, { table: 'aborted' }), ac.signal)).rejects.toMatchObject({
      code: 'ABORTED',
    });
    expect(await tableRows(emu, 'ABORTED')).toEqual([]);
    expect(await d.ledgerEntry('run-1', 'aborted')).toBeUndefined();
    expect(emu.requests.at(-2)?.sqlText).toBe('ROLLBACK');
    const pre = new AbortController();
    pre.abort();
    await expect(d.load(request(files, { table: 'aborted' }), pre.signal)).rejects.toMatchObject({
      code: 'ABORTED',
    });
  });
});

describe('state', () => {
  it('writes, reads and clears endpoint state outside a load', async () => {
    const d = await dest();
    await d.writeState('users', { cursor: 42, note: "it's \\ fine" });
    expect(await d.readState('users')).toEqual({
      endpoint: 'users',
      value: { cursor: 42, note: "it's \\ fine" },
    });
    await d.writeState('users', undefined);
    expect(await d.readState('users')).toBeUndefined();
  });
});
