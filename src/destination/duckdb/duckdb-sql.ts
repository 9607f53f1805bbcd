/**
 * The DuckDB SQL compiler: BaseSql's shapes with DuckDB's object names (`"schema"."table"`),
 * timestamp conversions and catalog queries. DDL is transactional here, so the algorithm runs it
 * inside the load's transaction.
 */
import { compiled, type CompiledStatement } from '../compiled-statement.js';
import { BaseSql } from '../dialect-sql.js';
import type { ExistingTable, NamePolicy } from '../dialect.js';
import type { LoadPlan, PlannedColumn } from '../load-plan.js';
import { duckdbTypes } from './duckdb-types.js';

export const DUCKDB_BOOKKEEPING = {
  loads: '_floe_loads',
  state: '_floe_state',
  columns: { value: 'state', files: 'files', rows: 'rows' },
} as const;

export class DuckdbSql extends BaseSql {
  constructor(
    names: NamePolicy,
    readonly schema: string,
  ) {
    super(names, DUCKDB_BOOKKEEPING);
  }

  object(stored: string): string {
    return `${this.q(this.schema)}.${this.q(stored)}`;
  }

  protected timestampFromText(): string {
    return 'CAST(? AS TIMESTAMPTZ)';
  }

  protected timestampToText(ref: string): string {
    return `strftime(CAST(${ref} AS TIMESTAMP), '%Y-%m-%dT%H:%M:%S.%g+00:00')`;
  }

  selectTable(table: string): CompiledStatement {
    return compiled(
      `SELECT column_name AS "name", data_type AS "type", false AS "transient", NULL AS "clustering_key" FROM information_schema.columns ` +
        `WHERE table_catalog = current_database() AND table_schema = ? AND lower(table_name) = lower(?) ORDER BY ordinal_position`,
      [this.schema, table],
    );
  }

  catalog(): CompiledStatement {
    return compiled(
      `SELECT 'schema' AS "kind", schema_name AS "name", NULL AS "column" FROM information_schema.schemata ` +
        `WHERE catalog_name = current_database() AND schema_name = ? ` +
        `UNION ALL SELECT 'column', table_name, column_name FROM information_schema.columns ` +
        `WHERE table_catalog = current_database() AND table_schema = ? AND table_name IN (?, ?)`,
      [this.schema, this.schema, this.bookkeeping.loads, this.bookkeeping.state],
    );
  }

  createTable(table: string, cols: readonly PlannedColumn[]): CompiledStatement {
    return compiled(`CREATE TABLE ${this.object(table)} (${this.definitions(cols)})`);
  }

  addColumns(table: string, cols: readonly PlannedColumn[]): CompiledStatement[] {
    return cols.map((c) => compiled(`ALTER TABLE ${this.object(table)} ADD COLUMN ${this.q(c.name)} ${c.type}`));
  }

  widen(table: string, _existing: ExistingTable, widened: LoadPlan['widened']): CompiledStatement[] {
    return widened.map((w) =>
      compiled(`ALTER TABLE ${this.object(table)} ALTER COLUMN ${this.q(w.name)} TYPE ${w.to} USING ${duckdbTypes.rebuild(this.q(w.name), w.from, w.to)}`),
    );
  }

  listTables(): CompiledStatement {
    return compiled(
      `SELECT table_name AS "table_name" FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = ? ` +
        `AND lower(table_name) IN (SELECT lower(table_name) FROM ${this.object(this.bookkeeping.loads)}) ORDER BY 1`,
      [this.schema],
    );
  }

  countRows(table: string): CompiledStatement {
    return compiled(`SELECT COUNT(*) AS "n" FROM ${this.object(table)}`);
  }

  listColumns(): CompiledStatement {
    return compiled(
      `SELECT table_name AS "table_name", column_name AS "name", data_type AS "type" FROM information_schema.columns ` +
        `WHERE table_catalog = current_database() AND table_schema = ? ORDER BY table_name, ordinal_position`,
      [this.schema],
    );
  }

  /** DuckDB has one writer per database file: the primary key and the file lock make the claim. */
  lockLedger(): CompiledStatement | undefined {
    return undefined;
  }

  /** A staging view over the Parquet files, created inside the load's transaction. */
  createStagingView(staging: string, select: string): CompiledStatement {
    return compiled(`CREATE VIEW ${this.object(staging)} AS ${select}`);
  }

  /** `size` is one of the dialect's own constants (`128MB`), never user text. */
  setMemoryLimit(size: string): CompiledStatement {
    return compiled(`SET memory_limit = ${this.names.literal(size)}`);
  }

  dropView(staging: string): CompiledStatement {
    return compiled(`DROP VIEW IF EXISTS ${this.object(staging)}`);
  }
}
