/**
 * The Snowflake dialect: names upper-cased and quoted, DDL outside the load's transaction (it
 * commits implicitly), replace by swapping in a shadow table (`CREATE OR REPLACE … CLONE … COPY
 * GRANTS`), the ledger claim serialized by a MERGE lock, and staged files reaching the load by PUT
 * to a named stage and COPY INTO a transient staging table, every result row checked.
 */
import type { LoadRequest } from '../../types.js';
import { FloeError } from '../../util/errors.js';
import type { CompiledStatement } from '../compiled-statement.js';
import type { Dialect, WorkNames } from '../dialect.js';
import type { LoadSession } from '../load-session.js';
import type { LoadPlan } from '../load-plan.js';
import { checkCopyResult, fileFromCopyError, type ExpectedFile } from './copy-result.js';
import { snowflakeNames } from './identifiers.js';
import type { SnowflakeSql } from './snowflake-sql.js';
import { linkStageFiles } from './stage-files.js';
import { snowflakeTypes, type JsonColumns } from './type-mapping.js';

/** Snowflake's limit on FILES = (…) in one COPY. */
const MAX_FILES_PER_COPY = 1000;

export interface SnowflakeDialectOptions {
  readonly json: JsonColumns;
  readonly lockTimeoutSeconds: number;
  /** When a claim that still waits for its lock is reported; default 10 s. */
  readonly claimNoticeMs?: number;
}

export function snowflakeDialect(sql: SnowflakeSql, opts: SnowflakeDialectOptions): Dialect {
  return {
    name: 'snowflake',
    capabilities: { transactionalDdl: false, replace: 'swap', verifyStagedColumns: true, recreatesTables: true },
    names: snowflakeNames,
    types: snowflakeTypes(opts.json),
    sql,
    claimWaitNotice: {
      afterMs: opts.claimNoticeMs ?? 10_000,
      message:
        `waiting for the ledger lock (_FLOE_LOCKS): another floe is committing, or a crashed floe session's transaction still holds it — ` +
        `Snowflake aborts a dead session's transaction after it has blocked others for about 5 minutes. ` +
        `Giving up after LOCK_TIMEOUT = ${opts.lockTimeoutSeconds} s (destination.lock_timeout_seconds)`,
    },
    async stage(s: LoadSession, req: LoadRequest, plan: LoadPlan, work: WorkNames): Promise<readonly CompiledStatement[]> {
      const path = `${work.path}/${work.attempt}`;
      const linked = linkStageFiles(req.files);
      try {
        await s.run(sql.createStaging(work.staging, plan), 'CREATE staging table');
        await upload(s, sql, req, linked.dir, path, linked.files);
        await copyAll(s, sql, req, work.staging, path, linked.files);
      } finally {
        linked.cleanup();
      }
      return [sql.dropTable(work.staging), sql.removeStagedFiles(work.path)];
    },
    async leftovers(s: LoadSession, _req: LoadRequest, _plan: LoadPlan, work: WorkNames): Promise<readonly CompiledStatement[]> {
      const shadowPrefix = work.shadow.slice(0, work.shadow.length - work.attempt.length);
      const rows = (await s.run(sql.listWorkTables([work.prefix, shadowPrefix]), 'list leftover work tables')).rows;
      return rows.map((r) => String(r.name)).filter((n) => n !== work.staging && n !== work.shadow).map((n) => sql.dropTable(n));
    },
  };
}

async function upload(
  s: LoadSession,
  sql: SnowflakeSql,
  req: LoadRequest,
  dir: string,
  path: string,
  files: readonly ExpectedFile[],
): Promise<void> {
  const r = await s.run(sql.put(dir, path), 'PUT', 'SNOWFLAKE_PUT_FAILED');
  const bySource = new Map(r.rows.map((row) => [text(row.source), row] as const));
  for (const f of files) {
    const row = bySource.get(f.name);
    if (row?.status !== 'UPLOADED') {
      const why = row ? `status ${text(row.status)}${row.message ? `: ${text(row.message)}` : ''}` : 'not in the PUT result';
      throw new FloeError('SNOWFLAKE_PUT_FAILED', 'transient', `PUT failed (endpoint ${req.endpoint}) on file ${f.source}: ${why}`, {
        details: { ...s.errorContext(), file: f.source, step: 'PUT' },
      });
    }
  }
}

async function copyAll(
  s: LoadSession,
  sql: SnowflakeSql,
  req: LoadRequest,
  staging: string,
  path: string,
  files: readonly ExpectedFile[],
): Promise<void> {
  for (let i = 0; i < files.length; i += MAX_FILES_PER_COPY) {
    const chunk = files.slice(i, i + MAX_FILES_PER_COPY);
    const { rows } = await s.run(
      sql.copyInto(staging, path, chunk.map((f) => f.name)),
      'COPY INTO',
      'SNOWFLAKE_COPY_FAILED',
      (e) => {
        const name = fileFromCopyError(e instanceof Error ? e.message : String(e));
        const file = chunk.find((f) => f.name === name);
        return file ? { file: file.source } : {};
      },
    );
    const problem = checkCopyResult(rows, chunk);
    if (problem) {
      throw new FloeError(
        'SNOWFLAKE_COPY_FAILED',
        'terminal',
        `COPY INTO failed (endpoint ${req.endpoint}) on file ${problem.file.source}: ${problem.firstError}`,
        { details: { ...s.errorContext(), file: problem.file.source, step: 'COPY INTO', first_error: problem.firstError } },
      );
    }
  }
}

/** A driver value as text (result values are strings, numbers, booleans or null). */
function text(v: unknown): string {
  return typeof v === 'string' ? v : (JSON.stringify(v) ?? 'undefined');
}
