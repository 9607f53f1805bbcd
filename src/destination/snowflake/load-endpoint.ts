/**
 * One endpoint's load, step by step:
 *
 * 1. ledger check — a committed (run, endpoint) is not loaded again;
 * 2. target DDL outside any transaction (create, widen by rebuild, add columns);
 * 3. a fresh transient staging table; PUT the files; COPY them in, checking every result row;
 * 4. one transaction: INSERT (append) or MERGE (merge) from staging + ledger row + state; for
 *    replace, a shadow table is cloned over the target first (DDL), then ledger + state commit;
 * 5. cleanup (staging/shadow tables, staged files), best effort.
 *
 * A crash anywhere before the commit leaves the target untouched (replace: swapped to the same
 * content, which a re-run reproduces), and a re-run with the same run id redoes steps 2–5 from
 * scratch: work tables are replaced, files re-uploaded.
 */
import type { LoadRequest, LoadResult } from '../../types.js';
import type { Clock } from '../../util/clock.js';
import { FloeError } from '../../util/errors.js';
import { checkCopyResult, fileFromCopyError, type ExpectedFile } from './copy-result.js';
import { storedName } from './identifiers.js';
import { planLoad, type ExistingColumn, type LoadPlan } from './load-plan.js';
import * as l from './load-sql.js';
import { readLedger, writeStateRows, type Operation } from './session.js';
import { insertLedger, selectColumns } from './sql-builder.js';
import { linkStageFiles } from './stage-files.js';
import { familyOf, familyOfDataType, type JsonColumns } from './type-mapping.js';

/** Snowflake's limit on FILES = (…) in one COPY. */
const MAX_FILES_PER_COPY = 1000;

/** Per-destination settings a load needs besides the session. */
export interface LoadOptions {
  readonly clock: Clock;
  readonly jsonColumns: JsonColumns;
}

/** Loads one endpoint exactly once (see the steps above); returns rows and query ids. */
export async function loadEndpoint(req: LoadRequest, op: Operation, opts: LoadOptions): Promise<LoadResult> {
  const t = op.deps.target;
  const started = opts.clock.now();
  const done = await readLedger(op, req.runId, req.endpoint);
  if (done) {
    op.deps.logger.info('snowflake: already committed, skipping', {
      endpoint: req.endpoint,
      run_id: req.runId,
    });
    await cleanup(op, req, l.workTables(storedName(req.table), req.runId, req.endpoint));
    return { rowsLoaded: done.rows, queryIds: op.queryIds, alreadyLoaded: true };
  }
  const existing = await markAllNull(op, storedName(req.table), req, opts.jsonColumns, await readColumns(op, storedName(req.table)));
  const plan = planLoad(req, existing, opts.jsonColumns);
  const work = l.workTables(plan.table, req.runId, req.endpoint);
  const linked = linkStageFiles(req.files);
  try {
    const rows = linked.files.reduce((n, f) => n + f.rows, 0);
    if (req.writeDisposition !== 'replace')
      await prepareTable(op, plan, plan.table, plan.exists ? existing : undefined);
    await op.run(l.createStaging(t, work.staging, plan), 'CREATE staging table');
    await upload(op, req, linked.dir, linked.files);
    await copyAll(op, req, work.staging, linked.files);
    const ledgerRow = (): Promise<unknown> =>
      op.run(
        insertLedger(t, {
          runId: req.runId,
          endpoint: req.endpoint,
          table: req.table,
          writeDisposition: req.writeDisposition,
          files: linked.files.length,
          rows,
          startedAt: started,
          finishedAt: opts.clock.now(),
        }),
        'write ledger',
      );
    const state = async (): Promise<void> => {
      if (req.state)
        await writeStateRows(op, req.state.endpoint, req.state.value, req.runId, opts.clock.now());
    };

    if (req.writeDisposition === 'replace') {
      await op.run(
        l.createShadow(t, work.shadow, plan.exists ? plan.table : undefined, plan.columns),
        'CREATE shadow table',
      );
      if (plan.exists) await prepareTable(op, plan, work.shadow, existing);
      const inserted = await op.run(
        l.insertFromStaging(t, work.shadow, work.staging, plan),
        'INSERT into shadow table',
      );
      expectCount(op, inserted.rows[0], rows, 'shadow table');
      // DDL commits on its own; replacing with the same files is idempotent, so a crash between
      // the swap and the ledger commit is repaired by re-running the load.
      await op.run(l.replaceWithClone(t, plan.table, work.shadow), 'CREATE OR REPLACE … CLONE … COPY GRANTS');
      await op.transaction(async () => {
        await ledgerRow();
        await state();
      });
    } else {
      if (req.writeDisposition === 'merge') await assertKeysPresent(op, work.staging, plan);
      await op.transaction(async () => {
        if (req.writeDisposition === 'merge') {
          await op.run(l.mergeFromStaging(t, plan.table, work.staging, plan), 'MERGE');
        } else {
          const inserted = await op.run(
            l.insertFromStaging(t, plan.table, work.staging, plan),
            'INSERT from staging',
          );
          expectCount(op, inserted.rows[0], rows, plan.table);
        }
        await ledgerRow();
        await state();
      });
    }
    op.deps.logger.debug('snowflake: loaded', {
      endpoint: req.endpoint,
      table: plan.table,
      rows,
      query_ids: op.queryIds.join(','),
    });
    await cleanup(op, req, work);
    return { rowsLoaded: rows, queryIds: op.queryIds, alreadyLoaded: false };
  } finally {
    linked.cleanup();
  }
}

async function readColumns(op: Operation, table: string): Promise<ExistingColumn[] | undefined> {
  const r = await op.run(selectColumns(op.deps.target, table), 'read table columns');
  if (r.rows.length === 0) return undefined;
  return r.rows.map((row) => ({ name: String(row.COLUMN_NAME), dataType: String(row.DATA_TYPE) }));
}

/**
 * A VARCHAR column that is NULL in every row (created for a field that was only ever null) takes
 * the type of the first typed values that arrive: marks such columns, with one COUNT query, and
 * only when typed data meets a VARCHAR column.
 */
async function markAllNull(
  op: Operation,
  table: string,
  req: LoadRequest,
  json: JsonColumns,
  existing: ExistingColumn[] | undefined,
): Promise<ExistingColumn[] | undefined> {
  if (existing === undefined) return undefined;
  const incoming = new Map(req.columns.map((c) => [storedName(c.name), familyOf(c.type, json)] as const));
  const candidates = existing.filter((c) => {
    const f = incoming.get(c.name);
    return familyOfDataType(c.dataType) === 'VARCHAR' && f !== undefined && f !== 'VARCHAR' && f !== 'NULL';
  });
  if (candidates.length === 0) return existing;
  const r = await op.run(l.countValues(op.deps.target, table, candidates.map((c) => c.name)), 'count values of untyped columns');
  const row = r.rows[0] ?? {};
  const empty = new Set(candidates.filter((c) => Number(row[c.name] ?? 1) === 0).map((c) => c.name));
  return existing.map((c) => (empty.has(c.name) ? { ...c, allNull: true } : c));
}

/** Brings `table` to the plan's columns: create, rebuild for widened types, add new columns. */
async function prepareTable(
  op: Operation,
  plan: LoadPlan,
  table: string,
  existing: readonly ExistingColumn[] | undefined,
): Promise<void> {
  const t = op.deps.target;
  if (!existing) {
    await op.run(l.createTable(t, table, plan.columns), 'CREATE TABLE');
    return;
  }
  if (plan.widened.length > 0) {
    op.deps.logger.warn('snowflake: widening column types by rebuilding the table (grants kept)', {
      table,
      columns: plan.widened.map((w) => `${w.name}: ${w.from} -> ${w.family}`).join(', '),
    });
    await op.run(
      l.rebuildTable(
        t,
        table,
        existing.map((c) => c.name),
        plan.widened,
      ),
      'widen column types',
    );
  }
  if (plan.added.length > 0) await op.run(l.addColumns(t, table, plan.added), 'ALTER TABLE ADD COLUMN');
}

async function upload(
  op: Operation,
  req: LoadRequest,
  dir: string,
  files: readonly ExpectedFile[],
): Promise<void> {
  const r = await op.run(
    l.put(op.deps.target, dir, req.runId, storedName(req.table)),
    'PUT',
    'SNOWFLAKE_PUT_FAILED',
  );
  const bySource = new Map(r.rows.map((row) => [text(row.source), row] as const));
  for (const f of files) {
    const row = bySource.get(f.name);
    if (row?.status !== 'UPLOADED') {
      const why = row
        ? `status ${text(row.status)}${row.message ? `: ${text(row.message)}` : ''}`
        : 'not in the PUT result';
      throw new FloeError(
        'SNOWFLAKE_PUT_FAILED',
        'transient',
        `PUT failed (endpoint ${req.endpoint}) on file ${f.source}: ${why}`,
        {
          details: { ...op.errorContext(), file: f.source, step: 'PUT' },
        },
      );
    }
  }
}

async function copyAll(
  op: Operation,
  req: LoadRequest,
  staging: string,
  files: readonly ExpectedFile[],
): Promise<void> {
  for (let i = 0; i < files.length; i += MAX_FILES_PER_COPY) {
    const chunk = files.slice(i, i + MAX_FILES_PER_COPY);
    const statement = l.copyInto(
      op.deps.target,
      staging,
      req.runId,
      storedName(req.table),
      chunk.map((f) => f.name),
    );
    const { rows } = await op.run(statement, 'COPY INTO', 'SNOWFLAKE_COPY_FAILED', (e) => {
      const name = fileFromCopyError(e instanceof Error ? e.message : String(e));
      const file = chunk.find((f) => f.name === name);
      return file ? { file: file.source } : {};
    });
    const problem = checkCopyResult(rows, chunk);
    if (problem) {
      throw new FloeError(
        'SNOWFLAKE_COPY_FAILED',
        'terminal',
        `COPY INTO failed (endpoint ${req.endpoint}) on file ${problem.file.source}: ${problem.firstError}`,
        {
          details: {
            ...op.errorContext(),
            file: problem.file.source,
            step: 'COPY INTO',
            first_error: problem.firstError,
          },
        },
      );
    }
  }
}

async function assertKeysPresent(op: Operation, staging: string, plan: LoadPlan): Promise<void> {
  const r = await op.run(l.countNullKeys(op.deps.target, staging, plan.primaryKey), 'check merge keys');
  const n = Number(r.rows[0]?.NULL_KEYS ?? 0);
  if (n > 0) {
    throw new FloeError(
      'LOAD_FAILED',
      'terminal',
      `merge into ${plan.table}: ${n} row(s) have a NULL primary key (${plan.primaryKey.join(', ')})`,
      {
        details: { ...op.errorContext(), step: 'check merge keys' },
      },
    );
  }
}

function expectCount(
  op: Operation,
  row: Readonly<Record<string, unknown>> | undefined,
  rows: number,
  where: string,
): void {
  const n = Number(row?.['number of rows inserted']);
  if (n !== rows) {
    throw new FloeError('LOAD_FAILED', 'terminal', `inserted ${n} rows into ${where}, expected ${rows}`, {
      details: { ...op.errorContext(), step: 'INSERT' },
    });
  }
}

/** Drops the work tables and removes the staged files; failures are logged, never raised. */
async function cleanup(
  op: Operation,
  req: LoadRequest,
  work: { staging: string; shadow: string },
): Promise<void> {
  const t = op.deps.target;
  for (const [statement, step] of [
    [l.dropTable(t, work.staging), 'DROP staging table'],
    [l.dropTable(t, work.shadow), 'DROP shadow table'],
    [l.removeStagedFiles(t, req.runId, storedName(req.table)), 'REMOVE staged files'],
  ] as const) {
    try {
      await op.run(statement, step);
    } catch (e) {
      op.deps.logger.warn('snowflake cleanup failed', {
        step,
        error: e instanceof Error ? e.message : String(e),
      });
    }
  }
}

/** A driver value as text (result values are strings, numbers, booleans or null). */
function text(v: unknown): string {
  return typeof v === 'string' ? v : (JSON.stringify(v) ?? 'undefined');
}
