/**
 * The Snowflake destination through the real snowflake-sdk against the emulator: append, replace
 * and merge, the ledger, cleanup, query tags, and what reaches the server.
 */
import { describe, expect, it } from 'vitest';
import type { Destination } from '../../../src/types.js';
import { orderFiles, request } from './fixtures.js';
import { DB, SCHEMA, tableRows, tempDir, useEmulatorDestinations } from './helpers.js';

const sf = useEmulatorDestinations();
const dest = (...a: Parameters<typeof sf.dest>): Promise<Destination> => sf.dest(...a);

const ids = (rows: Record<string, unknown>[]): unknown[] => rows.map((r) => r.ID);

describe('append', () => {
  it('loads every file, records the ledger and state in the same commit, and skips a committed run', async () => {
    const d = await dest();
    const files = await orderFiles(tempDir(), [
      { first: 1, n: 3 },
      { first: 4, n: 2 },
    ]);
    const r = await d.load(request(files, { table: 'app_orders', state: { cursor: '2024-03-10' } }));
    expect(r).toMatchObject({ rowsLoaded: 5, alreadyLoaded: false });
    const reported = sf.emu.requests
      .filter((q) => r.queryIds.includes(q.queryId))
      .map((q) => q.sqlText.split(' ')[0]);
    expect(reported).toEqual(['PUT', 'COPY', 'INSERT', 'COMMIT']);
    const rows = await tableRows(sf.emu, 'APP_ORDERS', 'ID');
    expect(ids(rows)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0]).toEqual({
      ID: 1,
      NAME: 'v1-1',
      AMOUNT: 1.5,
      TAGS: '["a","b"]',
      CREATED_AT: '2024-03-10T12:01:00.000Z',
    });
    expect(await d.ledgerEntry('run-1', { connector: 'test', endpoint: 'app_orders' })).toMatchObject({
      runId: 'run-1',
      table: 'app_orders',
      files: 2,
      rows: 5,
      status: 'committed',
    });
    expect(await d.readState({ connector: 'test', endpoint: 'app_orders' })).toEqual({
      endpoint: 'app_orders',
      value: { cursor: '2024-03-10' },
    });

    const again = await d.load(request(files, { table: 'app_orders' }));
    expect(again).toMatchObject({ rowsLoaded: 5, alreadyLoaded: true });
    expect(await tableRows(sf.emu, 'APP_ORDERS')).toHaveLength(5);

    const next = await d.load(
      request(await orderFiles(tempDir(), [{ first: 6, n: 1 }]), { table: 'app_orders', runId: 'run-2' }),
    );
    expect(next.rowsLoaded).toBe(1);
    expect(ids(await tableRows(sf.emu, 'APP_ORDERS', 'ID'))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('cleans up after a commit: no work tables, no staged files', async () => {
    const d = await dest();
    await d.load(request(await orderFiles(tempDir(), [{ first: 1, n: 2 }]), { table: 'clean_orders' }));
    const tables = await sf.emu.query(
      `SELECT table_name FROM duckdb_tables() WHERE database_name = '${DB}' AND table_name LIKE '_FLOE_%'`,
    );
    expect(tables.map((t) => t.table_name).sort()).toEqual(['_FLOE_LOADS', '_FLOE_LOCKS', '_FLOE_STATE']);
    expect(sf.emu.stageFiles([DB, SCHEMA, '_FLOE_STAGE'])).toEqual([]);
  });

  it('tags every statement of a load with the run id and endpoint', async () => {
    const d = await dest({ query_tag: 'nightly' });
    const before = sf.emu.requests.length;
    await d.load(
      request(await orderFiles(tempDir(), [{ first: 1, n: 1 }]), {
        table: 'tagged',
        runId: 'run-tag',
        endpoint: 'tagged',
      }),
    );
    const mine = sf.emu.requests.slice(before).filter((r) => !r.sqlText.startsWith('ALTER SESSION'));
    expect(mine.length).toBeGreaterThan(5);
    for (const r of mine) {
      expect(JSON.parse(String(r.parameters.QUERY_TAG))).toEqual({
        app: 'floe',
        tag: 'nightly',
        run_id: 'run-tag',
        endpoint: 'tagged',
      });
    }
    expect(
      sf.emu.requests.slice(before).some((r) => /^ALTER SESSION SET TIMEZONE = 'UTC'/.test(r.sqlText)),
    ).toBe(true);
  });

  it('runs nothing at all when an endpoint produced no rows', async () => {
    const d = await dest();
    const before = sf.emu.requests.length;
    const r = await d.load(request([], { table: 'empty' }));
    expect(r).toEqual({ rowsLoaded: 0, queryIds: [], alreadyLoaded: false });
    await d.close();
    expect(sf.emu.requests.length).toBe(before);
  });
});

describe('replace', () => {
  it('swaps in exactly the new rows, keeps grants and old columns, and never drops the table', async () => {
    const d = await dest();
    await d.load(
      request(await orderFiles(tempDir(), [{ first: 1, n: 4 }]), { table: 'rep_orders', runId: 'r1' }),
    );
    await sf.emu.query(`ALTER TABLE "${DB}"."${SCHEMA}"."REP_ORDERS" ADD COLUMN "LEGACY" VARCHAR`);
    sf.emu.grant([DB, SCHEMA, 'REP_ORDERS'], 'SELECT TO ROLE REPORTER');
    const r = await d.load(
      request(
        await orderFiles(tempDir(), [
          { first: 10, n: 1 },
          { first: 11, n: 1, version: 'v2' },
        ]),
        {
          table: 'rep_orders',
          runId: 'r2',
          disposition: 'replace',
        },
      ),
    );
    expect(r.rowsLoaded).toBe(2);
    const rows = await tableRows(sf.emu, 'REP_ORDERS', 'ID');
    expect(rows.map((x) => [x.ID, x.NAME, x.LEGACY])).toEqual([
      [10, 'v1-10', null],
      [11, 'v2-11', null],
    ]);
    expect(sf.emu.grants([DB, SCHEMA, 'REP_ORDERS'])).toEqual(['SELECT TO ROLE REPORTER']);
    expect(
      sf.emu.requests.some((q) =>
        /CLONE "FLOE_TEST"\."RAW"\."_FLOE_NEW_REP_ORDERS_\w+" COPY GRANTS$/.test(q.sqlText),
      ),
    ).toBe(true);
    expect(await d.ledgerEntry('r2', { connector: 'test', endpoint: 'rep_orders' })).toMatchObject({ rows: 2 });
  });

  it('creates the table when it does not exist yet', async () => {
    const d = await dest();
    await d.load(
      request(await orderFiles(tempDir(), [{ first: 1, n: 2 }]), {
        table: 'rep_new',
        disposition: 'replace',
      }),
    );
    expect(ids(await tableRows(sf.emu, 'REP_NEW', 'ID'))).toEqual([1, 2]);
  });
});

describe('merge', () => {
  it('upserts on the primary key; duplicate keys in a batch resolve to the last-written row', async () => {
    const d = await dest();
    await d.load(
      request(await orderFiles(tempDir(), [{ first: 1, n: 3 }]), {
        table: 'm_orders',
        runId: 'm1',
        disposition: 'merge',
        primaryKey: ['id'],
      }),
    );
    // ids 2..3 appear in file 0 (v2) and again in file 1 (v3): v3 is written last and wins.
    const files = await orderFiles(tempDir(), [
      { first: 2, n: 3, version: 'v2' },
      { first: 3, n: 1, version: 'v3' },
    ]);
    await d.load(
      request(files, { table: 'm_orders', runId: 'm2', disposition: 'merge', primaryKey: ['id'] }),
    );
    const rows = await tableRows(sf.emu, 'M_ORDERS', 'ID');
    expect(rows.map((x) => [x.ID, x.NAME])).toEqual([
      [1, 'v1-1'],
      [2, 'v2-2'],
      [3, 'v3-3'],
      [4, 'v2-4'],
    ]);
  });

  it('resolves duplicates within one file by row order, on a composite key', async () => {
    const d = await dest();
    const dir = tempDir();
    const { parquet } = await import('./helpers.js');
    const cols = [
      { name: 'region', type: 'string' as const },
      { name: 'id', type: 'long' as const },
      { name: 'v', type: 'string' as const },
    ];
    const f = await parquet(
      dir,
      'dups.parquet',
      `SELECT * FROM (VALUES ('eu', 1::BIGINT, 'first'), ('us', 1, 'only'), ('eu', 1, 'second')) t(region, id, v)`,
      cols,
    );
    await d.load(
      request([f], { table: 'm_comp', disposition: 'merge', primaryKey: ['region', 'id'], columns: cols }),
    );
    expect((await tableRows(sf.emu, 'M_COMP', 'REGION')).map((r) => [r.REGION, r.V])).toEqual([
      ['eu', 'second'],
      ['us', 'only'],
    ]);
  });

  it('refuses rows with a NULL key instead of inserting them again on every run', async () => {
    const d = await dest();
    const { parquet } = await import('./helpers.js');
    const cols = [
      { name: 'id', type: 'long' as const },
      { name: 'v', type: 'string' as const },
    ];
    const f = await parquet(
      tempDir(),
      'nullkey.parquet',
      `SELECT * FROM (VALUES (NULL::BIGINT, 'x'), (1, 'y')) t(id, v)`,
      cols,
    );
    await expect(
      d.load(request([f], { table: 'm_null', disposition: 'merge', primaryKey: ['id'], columns: cols })),
    ).rejects.toMatchObject({
      code: 'LOAD_FAILED',
    });
    expect(await d.ledgerEntry('run-1', { connector: 'test', endpoint: 'm_null' })).toBeUndefined();
  });
});
