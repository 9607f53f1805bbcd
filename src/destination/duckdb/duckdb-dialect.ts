/**
 * The DuckDB dialect: names keep their source spelling (quoted; DuckDB matches them
 * case-insensitively), DDL is transactional so a whole load is one transaction, replace is DELETE +
 * INSERT inside it, and staged files reach the load as a view over `read_parquet` — DuckDB reads
 * Parquet in place, with no copy.
 */
import type { LoadRequest } from '../../types.js';
import { FloeError } from '../../util/errors.js';
import type { CompiledStatement } from '../compiled-statement.js';
import { FILE_COLUMN, ROW_COLUMN } from '../dialect-sql.js';
import type { Dialect, NamePolicy, WorkNames } from '../dialect.js';
import type { LoadSession } from '../load-session.js';
import type { LoadPlan } from '../load-plan.js';
import { DuckdbSql } from './duckdb-sql.js';
import { duckdbTypes } from './duckdb-types.js';

export const duckdbNames: NamePolicy = {
  stored: (name) => name,
  quote: (stored) => `"${stored.replaceAll('"', '""')}"`,
  literal: (value) => `'${value.replaceAll("'", "''")}'`,
  collisionKey: (name) => name.toLowerCase(),
};

const q = duckdbNames.quote;
const lit = duckdbNames.literal;

/**
 * The SELECT behind the staging view. Append and replace read every file at once (parallel,
 * columns matched by name, a column a file lacks is NULL). Merge needs write order, so each file
 * is read with its row ordinal and its position in the load; data columns named `filename` or
 * `file_row_number` are ordinary columns here (no read_parquet metadata option is used).
 */
export function stagingSelect(req: LoadRequest, plan: LoadPlan): string {
  const files = req.files.filter((f) => f.rows > 0);
  if (plan.primaryKey.length === 0) {
    const cols = plan.staged.map((c) => `${q(c.name)} AS ${q(c.stored)}`);
    return `SELECT ${cols.join(', ')}, 0 AS ${q(FILE_COLUMN)}, 0 AS ${q(ROW_COLUMN)} FROM read_parquet([${files.map((f) => lit(f.path)).join(', ')}], union_by_name = true)`;
  }
  return files
    .map((f, i) => {
      const own = new Set(f.columns.map((c) => c.name.toLowerCase()));
      const row = own.has('ordinality') ? (own.has('file_row_number') ? undefined : 'file_row_number + 1') : 'ordinality';
      if (row === undefined) {
        throw new FloeError('SCHEMA_MISMATCH', 'terminal', `table ${plan.table}: merge on DuckDB cannot order rows of a file with columns named both "ordinality" and "file_row_number"; rename one with columns.rename`, {
          details: { table: plan.table },
        });
      }
      const cols = plan.staged.filter((c) => own.has(c.name.toLowerCase())).map((c) => `${q(c.name)} AS ${q(c.stored)}`);
      return `SELECT ${[...cols, `${i} AS ${q(FILE_COLUMN)}`, `${row} AS ${q(ROW_COLUMN)}`].join(', ')} FROM read_parquet(${lit(f.path)})${row === 'ordinality' ? ' WITH ORDINALITY' : ''}`;
    })
    .join(' UNION ALL BY NAME ');
}

/**
 * `memory_limit: auto` sizes DuckDB's buffer pool by the table being loaded. Inserting pins blocks
 * per column and thread, and an unfinished row group (122,880 rows) of big values stays in memory
 * until the commit, so a 600-column table needs 256MB (fails at 128MB, measured), and so do 1,000
 * rows of a 115 KB JSON map (~50 KB a row staged). A narrow table loads as fast under 128MB (2M
 * rows of 22 columns: 17.2 s vs 17.6 s) and the whole run's peak RSS stays at the extraction's
 * (416 MB instead of 534 MB at 2M rows: a fixed limit shows as RSS growing with the load until
 * the pool is full).
 */
export const WIDE_TABLE_MEMORY_LIMIT = '256MB';

/** Whether `memory_limit` (config spelling, any case) asks for the sizing above. */
export function isAutoMemoryLimit(limit: string | undefined): boolean {
  return limit?.toLowerCase() === 'auto';
}
const NARROW_TABLE_MEMORY_LIMIT = '128MB';
const NARROW_TABLE_COLUMNS = 100;
/** Staged (compressed Parquet) bytes a row of a narrow table: the bench's 478-byte records stage at ~100. */
const NARROW_ROW_BYTES = 1024;

export function duckdbDialect(schema: string, opts: { autoMemoryLimit?: boolean } = {}): Dialect {
  const sql = new DuckdbSql(duckdbNames, schema);
  let memoryLimit = WIDE_TABLE_MEMORY_LIMIT;
  return {
    name: 'duckdb',
    capabilities: { transactionalDdl: true, replace: 'delete-insert', verifyStagedColumns: false, recreatesTables: false },
    names: duckdbNames,
    types: duckdbTypes,
    sql,
    async stage(s: LoadSession, req: LoadRequest, plan: LoadPlan, work: WorkNames): Promise<readonly CompiledStatement[]> {
      if (opts.autoMemoryLimit === true) {
        const bytes = req.files.reduce((n, f) => n + f.bytes, 0);
        const narrow = plan.columns.length <= NARROW_TABLE_COLUMNS && bytes <= NARROW_ROW_BYTES * Math.max(1, req.rows);
        const wanted = narrow ? NARROW_TABLE_MEMORY_LIMIT : WIDE_TABLE_MEMORY_LIMIT;
        if (wanted !== memoryLimit) await s.run(sql.setMemoryLimit(wanted), 'size memory_limit for the table');
        memoryLimit = wanted;
      }
      await s.run(sql.createStagingView(work.staging, stagingSelect(req, plan)), 'stage files');
      return [sql.dropView(work.staging)];
    },
    leftovers: () => Promise.resolve([]),
  };
}
