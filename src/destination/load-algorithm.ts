/**
 * The one load algorithm, for every dialect:
 *
 * 1. **ledger check**: a committed (run, connector, endpoint) is not loaded again;
 * 2. **table evolution**: create the table, widen changed types, add new columns;
 * 3. **staging**: the dialect brings the files into a staging relation and checks every row arrived;
 * 4. **write disposition**: append (INSERT), merge (one deterministic MERGE), replace (DELETE +
 *    INSERT in the transaction, or a shadow table swapped in);
 * 5. **claim, ledger + state, commit**: in one transaction, claim the (run, connector, endpoint)
 *    — or find another loader already committed it — then write the data, the ledger row and
 *    the endpoint state, and commit.
 *
 * Where DDL is transactional (DuckDB) all of it is one transaction; where it is not (Snowflake)
 * steps 2–3 run before the transaction and the data moves inside it. A crash anywhere before the
 * commit leaves the table as it was (replace: swapped to the same content, which a re-run
 * reproduces), and a re-run with the same run id redoes the load from scratch.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { LoadRequest, LoadResult } from '../types.js';
import type { Clock } from '../util/clock.js';
import type { CompiledStatement } from './compiled-statement.js';
import type { Dialect, ExistingTable, WorkNames } from './dialect.js';
import { claimOrFindCommitted, readLedger, writeStateRows } from './ledger.js';
import type { LoadSession } from './load-session.js';
import { planLoad, type LoadPlan } from './load-plan.js';
import { parquetNonNullCounts } from './parquet-facts.js';

export interface LoadOptions {
  readonly clock: Clock;
}

/** Loads one endpoint exactly once (see the steps above). */
export async function loadEndpoint(req: LoadRequest, s: LoadSession, d: Dialect, opts: LoadOptions): Promise<LoadResult> {
  const key = { connector: req.connector, endpoint: req.endpoint };
  const started = opts.clock.now();
  const done = await readLedger(s, d, req.runId, key);
  if (done) {
    s.logger.info('already committed, skipping', { endpoint: req.endpoint, run_id: req.runId });
    return { rowsLoaded: done.rows, queryIds: s.queryIds, alreadyLoaded: true };
  }
  const existing = await markAllNull(s, d, req, await introspectTable(s, d, d.names.stored(req.table)));
  const plan = planLoad(req, existing, d.names, d.types);
  const work = workNames(d, plan.table, req);
  const swap = req.writeDisposition === 'replace' && d.capabilities.replace === 'swap';
  const tx = new Transaction(s, d);
  let cleanup: readonly CompiledStatement[] = [];
  let rowsLoaded = req.rows;
  try {
    if (d.capabilities.transactionalDdl) await tx.begin();
    if (!swap) await prepareTable(s, d, plan, plan.table, existing);
    cleanup = await d.stage(s, req, plan, work);
    await verifyStaged(s, d, req, plan, work.staging);
    if (swap) {
      await s.run(d.sql.createShadow(work.shadow, plan.table, existing, plan.columns), 'CREATE shadow table');
      cleanup = [...cleanup, d.sql.dropTable(work.shadow)];
      if (existing) await prepareTable(s, d, plan, work.shadow, existing);
      expectCount(s, (await s.run(d.sql.insertFromStaging(work.shadow, work.staging, plan), 'INSERT')).rowsChanged, req.rows, 'shadow table');
      // The swap is DDL (it would commit a claim's transaction): a loader that lost the race stops here.
      const other = await readLedger(s, d, req.runId, key);
      if (other) return await alreadyLoaded(s, d, other.rows, cleanup);
      warnRecreate(s, d, plan.table, 'replace');
      await s.run(d.sql.swap(plan.table, work.shadow, existing), 'swap in the new table');
    }
    if (!d.capabilities.transactionalDdl) await tx.begin();
    const committed = await claimOrFindCommitted(s, d, req.runId, key, `${req.runId}/${work.attempt}`, opts.clock.now());
    if (committed) {
      await tx.rollback();
      s.logger.info('another loader committed this load first; nothing written', { endpoint: req.endpoint, run_id: req.runId });
      return await alreadyLoaded(s, d, committed.rows, cleanup);
    }
    if (!swap) rowsLoaded = await write(s, d, req, plan, work, opts.clock.now());
    await s.run(
      d.sql.insertLedger({
        runId: req.runId,
        connector: req.connector,
        endpoint: req.endpoint,
        table: req.table,
        writeDisposition: req.writeDisposition,
        files: req.files.filter((f) => f.rows > 0).length,
        rows: req.rows,
        startedAt: started,
        finishedAt: opts.clock.now(),
      }),
      'write ledger',
    );
    if (req.state) await writeStateRows(s, d, key, req.state.value, req.runId, opts.clock.now());
    if (d.capabilities.transactionalDdl) {
      // Work objects inside the transaction vanish with it: a crash never leaves them behind.
      for (const c of cleanup) await s.run(c, 'drop work objects');
      cleanup = [];
    }
    // The last moment to give up: after COMMIT the load is done, whatever happens next.
    s.signal?.throwIfAborted();
    await tx.commit();
  } catch (e) {
    await tx.rollback();
    // Another loader may have committed this very load meanwhile (and removed our staged files).
    const other = await readLedger(s, d, req.runId, key).catch(() => undefined);
    if (other) return alreadyLoaded(s, d, other.rows, cleanup);
    throw e;
  }
  await bestEffort(s, [...cleanup, ...(await d.leftovers(s, req, plan, work).catch(() => []))]);
  return { rowsLoaded, queryIds: s.queryIds, alreadyLoaded: false };
}

async function write(s: LoadSession, d: Dialect, req: LoadRequest, plan: LoadPlan, work: WorkNames, at: number): Promise<number> {
  switch (req.writeDisposition) {
    case 'append': {
      const n = (await s.run(d.sql.insertFromStaging(plan.table, work.staging, plan), 'INSERT')).rowsChanged;
      expectCount(s, n, req.rows, plan.table);
      return n;
    }
    case 'replace': {
      await s.run(d.sql.deleteAll(plan.table), 'DELETE (replace)');
      const n = (await s.run(d.sql.insertFromStaging(plan.table, work.staging, plan), 'INSERT')).rowsChanged;
      expectCount(s, n, req.rows, plan.table);
      return n;
    }
    case 'merge':
      if (plan.validity) {
        // SCD2: close changed and vanished versions, then add the new ones; rows loaded = new versions.
        await s.run(d.sql.scd2Retire(plan.table, work.staging, plan, at), 'SCD2 close versions');
        return (await s.run(d.sql.scd2Insert(plan.table, work.staging, plan, at), 'SCD2 insert versions')).rowsChanged;
      }
      // Inserted plus updated: one per distinct key of the batch.
      return (await s.run(d.sql.mergeFromStaging(plan.table, work.staging, plan), 'MERGE')).rowsChanged;
  }
}

/** The table's columns, kind and clustering, or undefined when it does not exist. */
export async function introspectTable(s: LoadSession, d: Dialect, table: string): Promise<ExistingTable | undefined> {
  const rows = (await s.run(d.sql.selectTable(table), 'read table columns')).rows;
  if (rows.length === 0) return undefined;
  const first = rows[0] as Readonly<Record<string, unknown>>;
  const clustering = first.clustering_key;
  return {
    columns: rows.map((r) => ({ name: String(r.name), type: String(r.type) })),
    transient: first.transient === true || first.transient === 'YES',
    ...(typeof clustering === 'string' && clustering !== '' ? { clusteringKey: clustering } : {}),
  };
}

/**
 * A text column created for a field that was only ever null still holding nothing but NULLs takes
 * the type of the first typed values that arrive: marks such columns (one COUNT, only when typed
 * data meets a text column).
 */
async function markAllNull(s: LoadSession, d: Dialect, req: LoadRequest, existing: ExistingTable | undefined): Promise<ExistingTable | undefined> {
  if (existing === undefined) return undefined;
  const incoming = new Map(req.columns.map((c) => [d.names.collisionKey(c.name), c.type] as const));
  const candidates = existing.columns.filter((c) => {
    const t = incoming.get(d.names.collisionKey(c.name));
    if (t === undefined || t === 'null' || t === 'string' || t === 'json') return false;
    // A text column (it holds strings as is) that would not change for the incoming type.
    return d.types.widen(c.type, 'string') === undefined && d.types.widen(c.type, t) === undefined && d.types.columnType(t) !== c.type;
  });
  if (candidates.length === 0) return existing;
  const table = d.names.stored(req.table);
  const row = (await s.run(d.sql.countNonNull(table, candidates.map((c) => c.name)), 'find columns that hold only NULLs')).rows[0] ?? {};
  const empty = new Set(candidates.filter((_, i) => Number(row[`n${i}`]) === 0).map((c) => c.name));
  if (empty.size === 0) return existing;
  return { ...existing, columns: existing.columns.map((c) => (empty.has(c.name) ? { ...c, allNull: true } : c)) };
}

/** Brings `target` to the plan's columns: create, widen, add. */
async function prepareTable(s: LoadSession, d: Dialect, plan: LoadPlan, target: string, existing: ExistingTable | undefined): Promise<void> {
  if (!existing) {
    await s.run(d.sql.createTable(target, plan.columns), 'CREATE TABLE');
    return;
  }
  if (plan.widened.length > 0) {
    s.logger.warn('widening column types', {
      table: plan.table,
      columns: plan.widened.map((w) => `${w.name}: ${w.from} -> ${w.to}`).join(', '),
    });
    warnRecreate(s, d, plan.table, 'widening');
    for (const st of d.sql.widen(target, existing, plan.widened)) await s.run(st, 'widen column types');
  }
  if (plan.added.length > 0) for (const st of d.sql.addColumns(target, plan.added)) await s.run(st, 'ADD COLUMN');
}

function warnRecreate(s: LoadSession, d: Dialect, table: string, why: string): void {
  if (!d.capabilities.recreatesTables) return;
  s.logger.warn(`${why} recreates the table object`, {
    table,
    kept: 'grants (COPY GRANTS), transient kind, clustering key',
    not_kept: 'streams on the table (they go stale), time travel of the old object; needs OWNERSHIP of the table',
  });
}

/** Merge keys must not be NULL (both dialects); staged non-NULL counts must match the files (Snowflake). */
async function verifyStaged(s: LoadSession, d: Dialect, req: LoadRequest, plan: LoadPlan, staging: string): Promise<void> {
  if (plan.primaryKey.length > 0) {
    const n = Number((await s.run(d.sql.countNullKeys(staging, plan.primaryKey), 'check merge keys')).rows[0]?.n ?? 0);
    if (n > 0) {
      throw s.fail(
        `merge into ${plan.table}: ${n} row(s) have a NULL primary key (${plan.primaryKey.join(', ')}); they could never match and would be inserted again on every run`,
        'check merge keys',
      );
    }
  }
  if (!d.capabilities.verifyStagedColumns) return;
  const expected = await parquetNonNullCounts(req.files, plan.staged.map((c) => c.name));
  const r = (await s.run(d.sql.countNonNull(staging, plan.staged.map((c) => c.stored)), 'check staged columns')).rows[0] ?? {};
  plan.staged.forEach((c, i) => {
    const got = Number(r[`n${i}`]);
    const want = expected[i];
    if (want !== undefined && got !== want) {
      throw s.fail(
        `column ${c.name} of ${plan.table}: the stage wrote ${want} non-NULL value(s) but ${got} arrived; ` +
          `the warehouse did not match the Parquet field to the column (nothing was committed)`,
        'check staged columns',
        { column: c.name },
      );
    }
  });
}

function expectCount(s: LoadSession, n: number, rows: number, where: string): void {
  if (n !== rows) throw s.fail(`loaded ${n} rows into ${where} but expected ${rows}; nothing was committed`, 'INSERT');
}

async function alreadyLoaded(s: LoadSession, d: Dialect, rows: number, cleanup: readonly CompiledStatement[]): Promise<LoadResult> {
  if (!d.capabilities.transactionalDdl) await bestEffort(s, cleanup);
  return { rowsLoaded: rows, queryIds: s.queryIds, alreadyLoaded: true };
}

/** Drops work objects and staged files; failures are logged, never raised. */
async function bestEffort(s: LoadSession, statements: readonly CompiledStatement[]): Promise<void> {
  for (const st of statements) {
    try {
      await s.run(st, 'cleanup');
    } catch (e) {
      s.logger.warn('cleanup failed', { error: e instanceof Error ? e.message : String(e) });
    }
  }
}

/** Work object names: a hash of (run, connector, endpoint), then a fresh attempt id. */
export function workNames(d: Dialect, table: string, req: Pick<LoadRequest, 'runId' | 'connector' | 'endpoint'>): WorkNames {
  const h = createHash('sha256').update(`${req.runId}\n${req.connector}\n${req.endpoint}`).digest('hex').slice(0, 12);
  const attempt = randomBytes(4).toString('hex');
  const t = table.slice(0, 80);
  const prefix = d.names.stored(`_floe_stg_${t}_${h}_`);
  return {
    prefix,
    staging: d.names.stored(`${prefix}${attempt}`),
    shadow: d.names.stored(`_floe_new_${t}_${h}_${attempt}`),
    path: `${req.runId.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 100)}/${h}`,
    attempt,
  };
}

/** BEGIN … COMMIT, with a ROLLBACK that is safe to call at any point. */
class Transaction {
  private open = false;
  constructor(
    private readonly s: LoadSession,
    private readonly d: Dialect,
  ) {}
  async begin(): Promise<void> {
    await this.s.run(this.d.sql.begin(), 'BEGIN');
    this.open = true;
  }
  async commit(): Promise<void> {
    await this.s.run(this.d.sql.commit(), 'COMMIT');
    this.open = false;
  }
  async rollback(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    try {
      await this.s.driver.execute(this.d.sql.rollback());
    } catch (e) {
      // The session may be gone; the warehouse then aborts the open transaction itself.
      this.s.logger.warn('rollback failed', { error: e instanceof Error ? e.message : String(e) });
    }
  }
}
