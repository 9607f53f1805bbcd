/**
 * The DuckDB dialect: names keep their source spelling (quoted; DuckDB matches them
 * case-insensitively), DDL is transactional so a whole load is one transaction, replace is DELETE +
 * INSERT inside it, and staged files reach the load as a view over `read_parquet` — DuckDB reads
 * Parquet in place, with no copy.
 */
import { totalmem } from 'node:os';
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
 *
 * Some loads need more than either: 1,500 columns (2,000 rows) or 6,000 rows of that JSON map
 * fail at 256MB and load at 512MB. A load that runs out of memory is rolled back, so it is run
 * again at twice the size, up to DuckDB's own default (80 % of the machine's memory); later loads
 * of the destination start at the size that worked.
 */
export class AutoMemoryLimit {
  /** What the connection is set to, in MB (the driver opens an `auto` connection at the wide size). */
  currentMb = WIDE_TABLE_MB;
  #floorMb = 0;
  readonly #capMb: number;

  constructor(capMb = Math.floor((0.8 * totalmem()) / 2 ** 20)) {
    this.#capMb = capMb;
  }

  /** The size to load a table at: by its width and bytes a row, never below what a load needed. */
  sizeFor(columns: number, stagedBytes: number, rows: number): number {
    const narrow = columns <= NARROW_TABLE_COLUMNS && stagedBytes <= NARROW_ROW_BYTES * Math.max(1, rows);
    return Math.max(narrow ? NARROW_TABLE_MB : WIDE_TABLE_MB, this.#floorMb);
  }

  /** After a load ran out of memory: the size to run it again at, or undefined past the cap. */
  raise(): number | undefined {
    const next = this.currentMb * 2;
    if (next > this.#capMb) return undefined;
    this.#floorMb = next;
    return next;
  }
}

const WIDE_TABLE_MB = 256;
export const WIDE_TABLE_MEMORY_LIMIT = `${WIDE_TABLE_MB}MB`;

/** Whether `memory_limit` (config spelling, any case) asks for the sizing above. */
export function isAutoMemoryLimit(limit: string | undefined): boolean {
  return limit?.toLowerCase() === 'auto';
}
const NARROW_TABLE_MB = 128;
const NARROW_TABLE_COLUMNS = 100;
/** Staged (compressed Parquet) bytes a row of a narrow table: the bench's 478-byte records stage at ~100. */
const NARROW_ROW_BYTES = 1024;

export function duckdbDialect(schema: string, opts: { memory?: AutoMemoryLimit } = {}): Dialect {
  const sql = new DuckdbSql(duckdbNames, schema);
  return {
    name: 'duckdb',
    capabilities: { transactionalDdl: true, replace: 'delete-insert', verifyStagedColumns: false, recreatesTables: false },
    names: duckdbNames,
    types: duckdbTypes,
    sql,
    async stage(s: LoadSession, req: LoadRequest, plan: LoadPlan, work: WorkNames): Promise<readonly CompiledStatement[]> {
      const memory = opts.memory;
      if (memory !== undefined) {
        const bytes = req.files.reduce((n, f) => n + f.bytes, 0);
        const wanted = memory.sizeFor(plan.columns.length, bytes, req.rows);
        if (wanted !== memory.currentMb) await s.run(sql.setMemoryLimit(`${wanted}MB`), 'size memory_limit for the table');
        memory.currentMb = wanted;
      }
      await s.run(sql.createStagingView(work.staging, stagingSelect(req, plan)), 'stage files');
      return [sql.dropView(work.staging)];
    },
    leftovers: () => Promise.resolve([]),
  };
}
