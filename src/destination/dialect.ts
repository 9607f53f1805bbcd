/**
 * A destination dialect, in kysely's sense: what differs between warehouses, so that one load
 * algorithm (`load-algorithm.ts`) serves them all. A dialect is
 *
 * - capabilities the algorithm reads (is DDL transactional, how replace swaps, must the ledger
 *   claim take a lock, are staged column counts checked);
 * - a name policy (identifier folding and quoting, string literals);
 * - a type system (logical type → column type, widening, conversions);
 * - a pure SQL compiler returning {@link CompiledStatement}s;
 * - how staged Parquet files reach a staging relation (DuckDB reads them in place; Snowflake PUTs
 *   them to a stage and COPYs them into a transient table).
 *
 * A third destination (Postgres: COPY FROM STDIN or a foreign table as staging, transactional DDL,
 * `SELECT … FOR UPDATE` as the claim lock) is one more implementation of this interface.
 */
import type { LoadRequest, LogicalType } from '../types.js';
import type { CompiledStatement } from './compiled-statement.js';
import type { LoadSession } from './load-session.js';
import type { LoadPlan } from './load-plan.js';
import type { DialectSql } from './dialect-sql.js';

export interface DialectCapabilities {
  /** DuckDB/Postgres: the whole load, DDL included, is one transaction. Snowflake: DDL commits. */
  readonly transactionalDdl: boolean;
  /**
   * How replace swaps in the new rows: `delete-insert` inside the load's transaction, or `swap`
   * (load a shadow table, then replace the table with it in one DDL statement).
   */
  readonly replace: 'delete-insert' | 'swap';
  /** Whether staged non-NULL counts are checked against the Parquet files (MATCH_BY_COLUMN_NAME). */
  readonly verifyStagedColumns: boolean;
  /** Widening and replace recreate the table object (Snowflake): say so, it affects streams and ownership. */
  readonly recreatesTables: boolean;
}

/** Identifier folding and quoting: every name reaching SQL goes through these. */
export interface NamePolicy {
  /** The stored form of a data name (table, column): Snowflake upper-cases, DuckDB keeps it. */
  readonly stored: (name: string) => string;
  /** A stored name as a quoted identifier, embedded quotes doubled. */
  readonly quote: (stored: string) => string;
  /** A string literal, for the few values SQL cannot bind (file paths, stage locations). */
  readonly literal: (value: string) => string;
  /** The key two names collide on (DuckDB and Snowflake both match names case-insensitively). */
  readonly collisionKey: (name: string) => string;
  /** Throws SCHEMA_MISMATCH for a column name this warehouse cannot load faithfully. */
  readonly checkColumn?: (table: string, name: string) => void;
}

/** Logical types → column types, and what happens when an existing column's type differs. */
export interface TypeSystem {
  /** The column type for a new column. */
  columnType(t: LogicalType): string;
  /** The type an existing column must become to hold `incoming`, or undefined when it holds it. */
  widen(existingType: string, incoming: LogicalType): string | undefined;
  /** The expression that converts a staged value `ref` of logical type `t` into a `targetType` column. */
  convert(ref: string, t: LogicalType, targetType: string): string;
  /** The expression that rewrites an existing column `ref` as `toType` (a table rebuild). */
  rebuild(ref: string, fromType: string, toType: string): string;
}

/** An existing table: its columns in order, and what a rebuild or swap must keep. */
export interface ExistingTable {
  readonly columns: readonly {
    readonly name: string;
    readonly type: string;
    /** Holds only NULLs (a field that was only ever null): it takes the type of the first values. */
    readonly allNull?: boolean;
  }[];
  /** Snowflake: a transient table stays transient when rebuilt or swapped. */
  readonly transient: boolean;
  /** Snowflake: the clustering key expression, re-applied after a rebuild. */
  readonly clusteringKey?: string;
}

/** Per-attempt work objects: a fresh name per attempt, so concurrent loaders never share one. */
export interface WorkNames {
  /** Stored names. */
  readonly staging: string;
  readonly shadow: string;
  /** Prefix shared by every attempt's work tables for this (run, connector, endpoint). */
  readonly prefix: string;
  /** Stage path of this (run, connector, endpoint), shared by its attempts: `<run>/<hash>`. */
  readonly path: string;
  readonly attempt: string;
}

export interface Dialect {
  readonly name: 'duckdb' | 'snowflake';
  readonly capabilities: DialectCapabilities;
  readonly names: NamePolicy;
  readonly types: TypeSystem;
  readonly sql: DialectSql;
  /**
   * What to say when the ledger claim waits for a lock longer than `afterMs` (Snowflake: the lock
   * may belong to a crashed session's transaction, which Snowflake aborts only after minutes).
   */
  readonly claimWaitNotice?: { readonly afterMs: number; readonly message: string };
  /**
   * Brings the staged files into `work.staging` (a table or view with the plan's staging columns
   * plus `_floe_file`/`_floe_file_row`), checking that every staged row arrived. Returns the
   * statements that remove what staging left behind, for after the commit.
   */
  stage(s: LoadSession, req: LoadRequest, plan: LoadPlan, work: WorkNames): Promise<readonly CompiledStatement[]>;
  /** Leftovers of earlier attempts at this load (crashed or lost a race), removed after a commit. */
  leftovers(s: LoadSession, req: LoadRequest, plan: LoadPlan, work: WorkNames): Promise<readonly CompiledStatement[]>;
}
