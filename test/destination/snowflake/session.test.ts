/**
 * Destination behaviour around its one Snowflake session: loads are serialized (Snowflake
 * transactions belong to the session), aborts roll back, and state is read and written.
 */
import { describe, expect, it } from 'vitest';
import type { Destination } from '../../../src/types.js';
import { orderFiles, request } from './fixtures.js';
import { captureLogger, tableRows, tempDir, useEmulatorDestinations } from './helpers.js';

const sf = useEmulatorDestinations();
const dest = (...a: Parameters<typeof sf.dest>): Promise<Destination> => sf.dest(...a);

describe('one session', () => {
  it('serializes concurrent loads: a transaction never interleaves with another statement', async () => {
    const d = await dest();
    const before = sf.emu.requests.length;
    await Promise.all([
      d.load(request(await orderFiles(tempDir(), [{ first: 1, n: 2 }]), { table: 'par_a' })),
      d.load(request(await orderFiles(tempDir(), [{ first: 1, n: 2 }]), { table: 'par_b' })),
    ]);
    const seq = sf.emu.requests.slice(before).map((r) => r.sqlText);
    const begins = seq.flatMap((s, i) => (s.startsWith('BEGIN') ? [i] : []));
    expect(begins).toHaveLength(2);
    for (const b of begins) {
      const commit = seq.indexOf('COMMIT', b);
      const inside = seq.slice(b + 1, commit);
      expect(inside.every((s) => /^(INSERT|DELETE|MERGE INTO "FLOE_TEST"."RAW"."_FLOE_LOCKS"|SELECT)/.test(s))).toBe(true);
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
        f?.step === 'INSERT' ? ac.abort() : undefined,
    };
    const d = await dest({}, { logger: { ...aborting, child: () => aborting } });
    const files = await orderFiles(tempDir(), [{ first: 1, n: 2 }]);
    await expect(d.load(request(files, { table: 'aborted' }), ac.signal)).rejects.toMatchObject({
      code: 'ABORTED',
    });
    expect(await tableRows(sf.emu, 'ABORTED')).toEqual([]);
    expect(await d.ledgerEntry('run-1', { connector: 'test', endpoint: 'aborted' })).toBeUndefined();
    expect(sf.emu.requests.at(-2)?.sqlText).toBe('ROLLBACK');
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
    await d.writeState({ connector: 'test', endpoint: 'users' }, { cursor: 42, note: "it's \\ fine" });
    expect(await d.readState({ connector: 'test', endpoint: 'users' })).toEqual({
      endpoint: 'users',
      value: { cursor: 42, note: "it's \\ fine" },
    });
    await d.writeState({ connector: 'test', endpoint: 'users' }, undefined);
    expect(await d.readState({ connector: 'test', endpoint: 'users' })).toBeUndefined();
  });
});
