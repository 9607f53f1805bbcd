/**
 * The contract every destination keeps, as runner-agnostic cases (node:assert): vitest runs them
 * against DuckDB and the Snowflake emulator (`contract.test.ts`), `npm run snowflake:contract`
 * against a real account. Each case uses its own tables, so cases can share one schema.
 */
import assert from 'node:assert/strict';
import type { Column, Destination, LoadRequest, StageFile, WriteDisposition } from '../../../src/types.js';
import type { ContractTarget } from './contract-target.js';
import { writeParquet } from './parquet.js';

export interface ContractCase {
  readonly name: string;
  run(t: ContractTarget): Promise<void>;
}

export const ORDER_COLUMNS: readonly Column[] = [
  { name: 'id', type: 'long' },
  { name: 'name', type: 'string' },
  { name: 'amount', type: 'double' },
  { name: 'created_at', type: 'timestamp' },
];

function orders(first: number, n: number, version = 'v1'): string {
  return (
    `SELECT (${first} + i)::BIGINT AS id, '${version}-' || (${first} + i) AS name, (${first} + i) * 1.5 AS amount, ` +
    `TIMESTAMPTZ '2024-03-10 12:00:00.123456+00' + INTERVAL (${first} + i) MINUTE AS created_at FROM range(${n}) t(i)`
  );
}

let fileNo = 0;
async function file(t: ContractTarget, select: string, columns: readonly Column[] = ORDER_COLUMNS): Promise<StageFile> {
  return writeParquet(t.tempDir(), `f${++fileNo}.parquet`, select, columns);
}

function req(
  files: readonly StageFile[],
  o: {
    table: string;
    runId?: string;
    connector?: string;
    endpoint?: string;
    disposition?: WriteDisposition;
    primaryKey?: string[];
    columns?: readonly Column[];
    state?: unknown;
    scd2?: boolean;
  },
): LoadRequest {
  const endpoint = o.endpoint ?? o.table;
  return {
    runId: o.runId ?? 'run-1',
    connector: o.connector ?? 'contract',
    endpoint,
    table: o.table,
    columns: o.columns ?? ORDER_COLUMNS,
    files,
    rows: files.reduce((n, f) => n + f.rows, 0),
    writeDisposition: o.disposition ?? 'append',
    ...(o.primaryKey ? { primaryKey: o.primaryKey } : {}),
    ...(o.scd2 ? { scd2: { validFrom: 'valid_from', validTo: 'valid_to' } } : {}),
    ...(o.state !== undefined ? { state: { endpoint, value: o.state } } : {}),
  };
}

async function withDest<T>(t: ContractTarget, fn: (d: Destination) => Promise<T>, opts?: { schema?: string }): Promise<T> {
  const d = await t.open(opts);
  try {
    return await fn(d);
  } finally {
    await d.close();
  }
}

async function rejects(p: Promise<unknown>, match: { code: string; message?: RegExp }): Promise<void> {
  const e = (await p.then(
    () => undefined,
    (err: unknown) => err,
  )) as { code?: string; message?: string } | undefined;
  assert.ok(e, 'expected the load to fail');
  assert.equal(e.code, match.code, e.message);
  if (match.message) assert.match(e.message ?? '', match.message);
}

export const CONTRACT_CASES: readonly ContractCase[] = [
  {
    name: 'append loads every row once; the same run id again is skipped by the ledger',
    run: (t) =>
      withDest(t, async (d) => {
        const files = [await file(t, orders(1, 3)), await file(t, orders(4, 2))];
        const first = await d.load(req(files, { table: 'c_append' }));
        assert.deepEqual([first.rowsLoaded, first.alreadyLoaded], [5, false]);
        const again = await d.load(req(files, { table: 'c_append' }));
        assert.deepEqual([again.rowsLoaded, again.alreadyLoaded], [5, true]);
        const rows = await t.read(d, 'c_append', ['id', 'name', 'created_at']);
        assert.equal(rows.length, 5);
        assert.deepEqual(rows[0], { id: 1, name: 'v1-1', created_at: '2024-03-10T12:01:00.123Z' });
        const entry = await d.ledgerEntry('run-1', { connector: 'contract', endpoint: 'c_append' });
        assert.deepEqual([entry?.rows, entry?.files, entry?.connector], [5, 2, 'contract']);
        assert.equal(await d.ledgerEntry('run-1', { connector: 'other', endpoint: 'c_append' }), undefined);
      }),
  },
  {
    name: 'replace leaves exactly the new rows',
    run: (t) =>
      withDest(t, async (d) => {
        await d.load(req([await file(t, orders(1, 3))], { table: 'c_replace', runId: 'r1', disposition: 'replace' }));
        await d.load(req([await file(t, orders(7, 2))], { table: 'c_replace', runId: 'r2', disposition: 'replace' }));
        assert.deepEqual(await t.read(d, 'c_replace', ['id']), [{ id: 7 }, { id: 8 }]);
      }),
  },
  {
    name: 'merge upserts on the key; duplicate keys in a batch resolve to the last-written row',
    run: (t) =>
      withDest(t, async (d) => {
        const m = { table: 'c_merge', disposition: 'merge' as const, primaryKey: ['id'] };
        await d.load(req([await file(t, orders(1, 2))], { ...m, runId: 'm1' }));
        const r = await d.load(
          req([await file(t, orders(2, 2, 'v2')), await file(t, orders(3, 1, 'v3'))], { ...m, runId: 'm2' }),
        );
        assert.equal(r.rowsLoaded, 2);
        assert.deepEqual(await t.read(d, 'c_merge', ['id', 'name']), [
          { id: 1, name: 'v1-1' },
          { id: 2, name: 'v2-2' },
          { id: 3, name: 'v3-3' },
        ]);
      }),
  },
  {
    name: 'SCD2 merge keeps history: changed and vanished keys close their version, new versions open',
    run: (t) =>
      withDest(t, async (d) => {
        const m = { table: 'c_scd2', disposition: 'merge' as const, primaryKey: ['id'], scd2: true };
        // Load 1: ids 1, 2, 3. Load 2: 1 unchanged, 2 changed, 3 gone, 4 new (and 2 twice: the last wins).
        await d.load(req([await file(t, orders(1, 3))], { ...m, runId: 's1' }));
        const r = await d.load(
          req([await file(t, `${orders(1, 1)} UNION ALL ${orders(2, 1, 'old')}`), await file(t, `${orders(2, 1, 'v2')} UNION ALL ${orders(4, 1)}`)], { ...m, runId: 's2' }),
        );
        assert.equal(r.rowsLoaded, 2);
        const rows = await t.read(d, 'c_scd2', ['id', 'name', 'valid_from', 'valid_to']);
        const shape = rows
          .map((x) => ({ id: x.id, name: x.name, open: x.valid_to === null, from: x.valid_from !== null }))
          .sort((a, b) => Number(a.id) - Number(b.id) || Number(a.open) - Number(b.open));
        assert.deepEqual(shape, [
          { id: 1, name: 'v1-1', open: true, from: true },
          { id: 2, name: 'v1-2', open: false, from: true },
          { id: 2, name: 'v2-2', open: true, from: true },
          { id: 3, name: 'v1-3', open: false, from: true },
          { id: 4, name: 'v1-4', open: true, from: true },
        ]);
        // The same batch again changes nothing but closes what it lacks (here: nothing).
        const again = await d.load(
          req([await file(t, `${orders(1, 1)} UNION ALL ${orders(2, 1, 'v2')} UNION ALL ${orders(4, 1)}`)], { ...m, runId: 's3' }),
        );
        assert.equal(again.rowsLoaded, 0);
        assert.equal((await t.read(d, 'c_scd2', ['id'])).length, 5);
      }),
  },
  {
    name: 'a NULL merge key fails the load and changes nothing',
    run: (t) =>
      withDest(t, async (d) => {
        const cols: Column[] = [{ name: 'id', type: 'long' }, { name: 'v', type: 'string' }];
        const f = await file(t, `SELECT * FROM (VALUES (1::BIGINT, 'a'), (NULL::BIGINT, 'b')) x(id, v)`, cols);
        await rejects(d.load(req([f], { table: 'c_null_key', columns: cols, disposition: 'merge', primaryKey: ['id'] })), {
          code: 'LOAD_FAILED',
          message: /NULL primary key/,
        });
        assert.equal(await d.ledgerEntry('run-1', { connector: 'contract', endpoint: 'c_null_key' }), undefined);
      }),
  },
  {
    name: 'widening: long and timestamp become text (ISO-8601 with microseconds); new columns are added',
    run: (t) =>
      withDest(t, async (d) => {
        const v1: Column[] = [{ name: 'code', type: 'long' }, { name: 'seen_at', type: 'timestamp' }];
        const v2: Column[] = [{ name: 'code', type: 'string' }, { name: 'seen_at', type: 'string' }, { name: 'extra', type: 'boolean' }];
        await d.load(
          req([await file(t, `SELECT 7::BIGINT AS code, TIMESTAMPTZ '2024-01-02 03:04:05.123456+00' AS seen_at`, v1)], {
            table: 'c_widen',
            runId: 'w1',
            columns: v1,
          }),
        );
        await d.load(
          req([await file(t, `SELECT 'A-1' AS code, 'later' AS seen_at, true AS extra`, v2)], { table: 'c_widen', runId: 'w2', columns: v2 }),
        );
        assert.deepEqual(await t.read(d, 'c_widen', ['code', 'seen_at', 'extra']), [
          { code: '7', seen_at: '2024-01-02T03:04:05.123456+00:00', extra: null },
          { code: 'A-1', seen_at: 'later', extra: true },
        ]);
        const info = (await d.tables()).find((x) => x.table === t.stored('c_widen'));
        assert.deepEqual(info?.columns.map((c) => c.name), ['code', 'seen_at', 'extra'].map((c) => t.stored(c)));
        assert.equal(info?.rows, 2);
        assert.equal(info?.lastLoad?.runId, 'w2');
      }),
  },
  {
    name: 'a bad value fails the load: table, ledger and state are unchanged',
    run: (t) =>
      withDest(t, async (d) => {
        const cols: Column[] = [{ name: 'n', type: 'long' }];
        await d.load(req([await file(t, `SELECT 1::BIGINT AS n`, cols)], { table: 'c_atomic', runId: 'a1', columns: cols, state: { c: 1 } }));
        const bad = await file(t, `SELECT 'not a number' AS n`, cols);
        const e = await d.load(req([bad], { table: 'c_atomic', runId: 'a2', columns: cols, state: { c: 2 } })).then(
          () => undefined,
          (err: unknown) => err as { code: string },
        );
        assert.ok(e && /LOAD_FAILED|SNOWFLAKE_COPY_FAILED|SNOWFLAKE_QUERY_FAILED/.test(e.code), JSON.stringify(e));
        assert.deepEqual(await t.read(d, 'c_atomic', ['n']), [{ n: 1 }]);
        assert.equal(await d.ledgerEntry('a2', { connector: 'contract', endpoint: 'c_atomic' }), undefined);
        assert.deepEqual((await d.readState({ connector: 'contract', endpoint: 'c_atomic' }))?.value, { c: 1 });
      }),
  },
  {
    name: 'state is keyed by connector and endpoint: two connectors with an endpoint "events" keep their own',
    run: (t) =>
      withDest(t, async (d) => {
        const cols: Column[] = [{ name: 'id', type: 'long' }];
        await d.load(req([await file(t, `SELECT 1::BIGINT AS id`, cols)], { table: 'c_gh_events', endpoint: 'events', connector: 'github', columns: cols, state: { cursor: 'gh-9' } }));
        assert.equal(await d.readState({ connector: 'stripe', endpoint: 'events' }), undefined);
        await d.writeState({ connector: 'stripe', endpoint: 'events' }, { cursor: "it's \\ \"quoted\"" });
        assert.deepEqual((await d.readState({ connector: 'github', endpoint: 'events' }))?.value, { cursor: 'gh-9' });
        assert.deepEqual((await d.readState({ connector: 'stripe', endpoint: 'events' }))?.value, { cursor: "it's \\ \"quoted\"" });
        await d.writeState({ connector: 'stripe', endpoint: 'events' }, undefined);
        assert.equal(await d.readState({ connector: 'stripe', endpoint: 'events' }), undefined);
        assert.deepEqual((await d.readState({ connector: 'github', endpoint: 'events' }))?.value, { cursor: 'gh-9' });
      }),
  },
  {
    name: 'hostile names: schema, table, column, connector, endpoint and state values are quoted, never executed',
    run: async (t) => {
      await withDest(t, (d) => t.createCanary(d));
      const schema = `x"; DROP TABLE canary; --`;
      const cols: Column[] = [{ name: `a"b; DROP TABLE canary; --`, type: 'string' }, { name: "it's", type: 'long' }];
      await withDest(
        t,
        async (d) => {
          const f = await file(t, `SELECT 'v' AS "a""b; DROP TABLE canary; --", 1::BIGINT AS "it's"`, cols);
          const r = await d.load(
            req([f], { table: `t"; DROP TABLE canary; --`, connector: `c'; --`, endpoint: `e"'\\`, columns: cols, state: { v: `'); DROP TABLE canary; --` } }),
          );
          assert.equal(r.rowsLoaded, 1);
          assert.deepEqual((await d.readState({ connector: `c'; --`, endpoint: `e"'\\` }))?.value, { v: `'); DROP TABLE canary; --` });
          assert.deepEqual(await t.read(d, `t"; DROP TABLE canary; --`, cols.map((c) => c.name), { schema }), [
            { [cols[0]!.name]: 'v', "it's": 1 },
          ]);
        },
        { schema },
      );
      assert.equal(await withDest(t, (d) => t.canaryExists(d)), true);
    },
  },
  {
    name: 'data columns named filename and file_row_number load, with append and merge',
    run: (t) =>
      withDest(t, async (d) => {
        const cols: Column[] = [{ name: 'id', type: 'long' }, { name: 'filename', type: 'string' }, { name: 'file_row_number', type: 'long' }];
        const f1 = await file(t, `SELECT 1::BIGINT AS id, 'a.csv' AS filename, 7::BIGINT AS file_row_number`, cols);
        const f2 = await file(t, `SELECT * FROM (VALUES (1::BIGINT, 'b.csv', 8::BIGINT), (2::BIGINT, 'c.csv', 9::BIGINT)) x(id, filename, file_row_number)`, cols);
        await d.load(req([f1], { table: 'c_meta_names', columns: cols, runId: 'p1' }));
        await d.load(req([f1, f2], { table: 'c_meta_merge', columns: cols, runId: 'p2', disposition: 'merge', primaryKey: ['id'] }));
        assert.deepEqual(await t.read(d, 'c_meta_names', ['id', 'filename', 'file_row_number']), [{ id: 1, filename: 'a.csv', file_row_number: 7 }]);
        assert.deepEqual(await t.read(d, 'c_meta_merge', ['id', 'filename', 'file_row_number']), [
          { id: 1, filename: 'b.csv', file_row_number: 8 },
          { id: 2, filename: 'c.csv', file_row_number: 9 },
        ]);
      }),
  },
  {
    name: 'empty strings stay empty strings (not NULL)',
    run: (t) =>
      withDest(t, async (d) => {
        const cols: Column[] = [{ name: 'id', type: 'long' }, { name: 's', type: 'string' }];
        const f = await file(t, `SELECT * FROM (VALUES (1::BIGINT, ''), (2::BIGINT, NULL), (3::BIGINT, 'x')) v(id, s)`, cols);
        await d.load(req([f], { table: 'c_empty', columns: cols }));
        assert.deepEqual(await t.read(d, 'c_empty', ['id', 's']), [
          { id: 1, s: '' },
          { id: 2, s: null },
          { id: 3, s: 'x' },
        ]);
      }),
  },
];
