/**
 * The Snowflake SQL compiler: BaseSql's shapes with three-part names, explicit timestamp formats,
 * INFORMATION_SCHEMA catalog reads, table rebuilds that keep kind and clustering, the ledger claim
 * lock, and the stage statements (PUT, COPY, REMOVE) with single-quoted stage locations.
 */
import { compiled, type CompiledStatement } from '../compiled-statement.js';
import { BaseSql, FILE_COLUMN, isoInstant, ROW_COLUMN } from '../dialect-sql.js';
import type { ExistingTable } from '../dialect.js';
import type { LoadPlan, PlannedColumn } from '../load-plan.js';
import { literal, qualified, quote, snowflakeNames } from './identifiers.js';
import { rebuildExpression, familyOfDataType, stagingType } from './type-mapping.js';

/** Stored (already case-folded) names of where floe writes. */
export interface Target {
  readonly database: string;
  readonly schema: string;
  readonly stage: string;
}

export const SNOWFLAKE_BOOKKEEPING = {
  loads: '_FLOE_LOADS',
  state: '_FLOE_STATE',
  locks: '_FLOE_LOCKS',
  columns: { value: 'VALUE', files: 'FILE_COUNT', rows: 'ROW_COUNT' },
} as const;

/** Snowflake format for the ISO-8601 instants floe writes and reads back (UTC, milliseconds). */
export const TIMESTAMP_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.FF3TZH:TZM';

/** Session-level limits; see README "Crashes and lock waits". */
export interface SessionLimits {
  /** LOCK_TIMEOUT: how long a statement waits for a lock (e.g. a crashed session's transaction). */
  readonly lockTimeoutSeconds: number;
  /** STATEMENT_TIMEOUT_IN_SECONDS. */
  readonly statementTimeoutSeconds: number;
}

/**
 * Session settings, in one statement (ALTER SESSION takes several parameters separated by blanks):
 * instants in UTC (Parquet timestamps load in the session time zone), a crashed loader's running
 * statement aborted rather than left burning credits, bounded lock waits and statements, and
 * pinned output formats so no text conversion depends on account defaults.
 */
export function alterSession(limits: SessionLimits): CompiledStatement {
  return compiled(
    `ALTER SESSION SET TIMEZONE = 'UTC' ABORT_DETACHED_QUERY = TRUE ` +
      `LOCK_TIMEOUT = ${Math.trunc(limits.lockTimeoutSeconds)} STATEMENT_TIMEOUT_IN_SECONDS = ${Math.trunc(limits.statementTimeoutSeconds)} ` +
      `TIMESTAMP_OUTPUT_FORMAT = ${literal(TIMESTAMP_FORMAT)} DATE_OUTPUT_FORMAT = 'YYYY-MM-DD' BINARY_OUTPUT_FORMAT = 'HEX'`,
  );
}

/**
 * The statement-level QUERY_TAG: JSON so it can be queried in QUERY_HISTORY
 * (`PARSE_JSON(query_tag):run_id`), capped at Snowflake's 2000 characters.
 */
export function queryTag(tag: string | undefined, runId?: string, endpoint?: string): string {
  const clip = (s: string | undefined): string | undefined => (s === undefined ? undefined : s.slice(0, 500));
  return JSON.stringify({ app: 'floe', tag: clip(tag), run_id: clip(runId), endpoint: clip(endpoint) }).slice(0, 2000);
}

export class SnowflakeSql extends BaseSql {
  constructor(readonly target: Target) {
    super(snowflakeNames, SNOWFLAKE_BOOKKEEPING);
  }

  object(stored: string): string {
    return qualified(this.target.database, this.target.schema, stored);
  }

  private infoSchema(view: string): string {
    return `${quote(this.target.database)}.INFORMATION_SCHEMA.${view}`;
  }

  protected timestampFromText(): string {
    return `TO_TIMESTAMP_TZ(?, ${literal(TIMESTAMP_FORMAT)})`;
  }

  protected timestampToText(ref: string): string {
    return `TO_VARCHAR(${ref}, ${literal(TIMESTAMP_FORMAT)})`;
  }

  /** Schema, stage and bookkeeping columns, from INFORMATION_SCHEMA (no privilege needed beyond USAGE). */
  catalog(): CompiledStatement {
    const t = this.target;
    const b = SNOWFLAKE_BOOKKEEPING;
    return compiled(
      `SELECT 'schema' AS "kind", "SCHEMA_NAME" AS "name", NULL AS "column" FROM ${this.infoSchema('SCHEMATA')} WHERE "SCHEMA_NAME" = ? ` +
        `UNION ALL SELECT 'stage', "STAGE_NAME", NULL FROM ${this.infoSchema('STAGES')} WHERE "STAGE_SCHEMA" = ? AND "STAGE_NAME" = ? ` +
        `UNION ALL SELECT 'column', "TABLE_NAME", "COLUMN_NAME" FROM ${this.infoSchema('COLUMNS')} WHERE "TABLE_SCHEMA" = ? AND "TABLE_NAME" IN (?, ?, ?)`,
      [t.schema, t.schema, t.stage, t.schema, b.loads, b.state, b.locks],
    );
  }

  /** Columns in order, with the table's kind and clustering key (no rows: it does not exist). */
  selectTable(table: string): CompiledStatement {
    return compiled(
      `SELECT "C"."COLUMN_NAME" AS "name", "C"."DATA_TYPE" AS "type", "T"."IS_TRANSIENT" AS "transient", "T"."CLUSTERING_KEY" AS "clustering_key" ` +
        `FROM ${this.infoSchema('COLUMNS')} AS "C" JOIN ${this.infoSchema('TABLES')} AS "T" ` +
        `ON "T"."TABLE_SCHEMA" = "C"."TABLE_SCHEMA" AND "T"."TABLE_NAME" = "C"."TABLE_NAME" ` +
        `WHERE "C"."TABLE_SCHEMA" = ? AND "C"."TABLE_NAME" = ? ORDER BY "C"."ORDINAL_POSITION"`,
      [this.target.schema, table],
    );
  }

  createTable(table: string, cols: readonly PlannedColumn[]): CompiledStatement {
    return compiled(`CREATE TABLE IF NOT EXISTS ${this.object(table)} (${this.definitions(cols)})`);
  }

  addColumns(table: string, cols: readonly PlannedColumn[]): CompiledStatement[] {
    return [compiled(`ALTER TABLE ${this.object(table)} ADD COLUMN ${this.definitions(cols)}`)];
  }

  /**
   * Snowflake can only ALTER a column to a longer VARCHAR or a more precise NUMBER, so widening
   * rewrites the table in one atomic statement, keeping grants (COPY GRANTS), its transient kind
   * and its clustering key.
   */
  widen(table: string, existing: ExistingTable, widened: LoadPlan['widened']): CompiledStatement[] {
    const to = new Map(widened.map((w) => [w.name, w] as const));
    const select = existing.columns.map((c) => {
      const w = to.get(c.name);
      return w ? `${rebuildExpression(quote(c.name), familyOfDataType(w.from), familyOfDataType(w.to))} AS ${quote(c.name)}` : quote(c.name);
    });
    return [
      compiled(
        `CREATE OR REPLACE ${existing.transient ? 'TRANSIENT ' : ''}TABLE ${this.object(table)}` +
          `${existing.clusteringKey ? ` CLUSTER BY ${existing.clusteringKey.replace(/^LINEAR/i, '')}` : ''} COPY GRANTS ` +
          `AS SELECT ${select.join(', ')} FROM ${this.object(table)}`,
      ),
    ];
  }

  listTables(): CompiledStatement {
    return compiled(
      `SELECT "TABLE_NAME" AS "table_name" FROM ${this.infoSchema('TABLES')} WHERE "TABLE_SCHEMA" = ? ` +
        `AND "TABLE_NAME" IN (SELECT UPPER("TABLE_NAME") FROM ${this.object(SNOWFLAKE_BOOKKEEPING.loads)}) ORDER BY 1`,
      [this.target.schema],
    );
  }

  countRows(table: string): CompiledStatement {
    return compiled(`SELECT COUNT(*) AS "n" FROM ${this.object(table)}`);
  }

  listColumns(): CompiledStatement {
    return compiled(
      `SELECT "TABLE_NAME" AS "table_name", "COLUMN_NAME" AS "name", "DATA_TYPE" AS "type" FROM ${this.infoSchema('COLUMNS')} ` +
        `WHERE "TABLE_SCHEMA" = ? ORDER BY "TABLE_NAME", "ORDINAL_POSITION"`,
      [this.target.schema],
    );
  }

  /** MERGE locks `_FLOE_LOCKS` until the transaction ends; a concurrent claim waits for it. */
  lockLedger(holder: string, at: number): CompiledStatement {
    return compiled(
      `MERGE INTO ${this.object(SNOWFLAKE_BOOKKEEPING.locks)} AS "L" USING (SELECT 'ledger' AS "NAME") AS "S" ON "L"."NAME" = "S"."NAME" ` +
        `WHEN MATCHED THEN UPDATE SET "HOLDER" = ?, "LOCKED_AT" = ${this.timestampFromText()} ` +
        `WHEN NOT MATCHED THEN INSERT ("NAME", "HOLDER", "LOCKED_AT") VALUES ("S"."NAME", ?, ${this.timestampFromText()})`,
      [holder, isoInstant(at), holder, isoInstant(at)],
    );
  }

  /** Work tables of earlier attempts at one (run, connector, endpoint): rows `name`. */
  listWorkTables(prefixes: readonly string[]): CompiledStatement {
    return compiled(
      `SELECT "TABLE_NAME" AS "name" FROM ${this.infoSchema('TABLES')} WHERE "TABLE_SCHEMA" = ? AND (${prefixes.map(() => `STARTSWITH("TABLE_NAME", ?)`).join(' OR ')})`,
      [this.target.schema, ...prefixes],
    );
  }

  /** The replace shadow, like the live table (kind and clustering included), or from the plan. */
  override createShadow(shadow: string, table: string, existing: ExistingTable | undefined, cols: readonly PlannedColumn[]): CompiledStatement {
    if (!existing) return compiled(`CREATE OR REPLACE TABLE ${this.object(shadow)} (${this.definitions(cols)})`);
    return compiled(
      `CREATE OR REPLACE ${existing.transient ? 'TRANSIENT ' : ''}TABLE ${this.object(shadow)} LIKE ${this.object(table)}` +
        (existing.clusteringKey ? ` CLUSTER BY ${existing.clusteringKey.replace(/^LINEAR/i, '')}` : ''),
    );
  }

  /** A transient staging table, fresh per attempt (so its COPY load metadata starts empty). */
  createStaging(staging: string, plan: LoadPlan): CompiledStatement {
    const cols = plan.staged.map((c) => `${quote(c.stored)} ${stagingType(c.type)}`);
    cols.push(`${this.c(FILE_COLUMN)} VARCHAR`, `${this.c(ROW_COLUMN)} NUMBER(38,0)`);
    return compiled(`CREATE OR REPLACE TRANSIENT TABLE ${this.object(staging)} (${cols.join(', ')}) DATA_RETENTION_TIME_IN_DAYS = 0`);
  }

  /**
   * A stage location, always single-quoted: `'@"DB"."SCH"."STAGE"/<path>/'`. Unquoted, a name that
   * needs double quotes (a space, mixed case) breaks PUT, COPY and REMOVE.
   */
  stageLocation(path: string): string {
    return literal(`@${this.object(this.target.stage)}/${path}/`);
  }

  /**
   * Uploads every file in `localDir` matching `part-*.parquet`. Parquet is already compressed, and
   * snowflake-sdk would otherwise gzip it (`AUTO_COMPRESS` defaults to TRUE). OVERWRITE=TRUE: a
   * re-run re-uploads the same bytes, so a partial upload from a crash is never trusted.
   */
  put(localDir: string, path: string): CompiledStatement {
    const src = `file://${localDir.replace(/\/$/, '')}/part-*.parquet`;
    return compiled(`PUT ${literal(src)} ${this.stageLocation(path)} AUTO_COMPRESS = FALSE OVERWRITE = TRUE PARALLEL = 4`);
  }

  /**
   * COPY into the staging table. MATCH_BY_COLUMN_NAME maps Parquet fields to columns by name
   * whatever their order or presence in each file; INCLUDE_METADATA (target names unquoted, as
   * every documented example writes them) records file and row for merge ordering.
   */
  copyInto(staging: string, path: string, files: readonly string[]): CompiledStatement {
    return compiled(
      `COPY INTO ${this.object(staging)} FROM ${this.stageLocation(path)} ` +
        `FILES = (${files.map(literal).join(', ')}) ` +
        `FILE_FORMAT = (TYPE = PARQUET USE_LOGICAL_TYPE = TRUE BINARY_AS_TEXT = FALSE) ` +
        `MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE ` +
        `INCLUDE_METADATA = (${FILE_COLUMN.toUpperCase()} = METADATA$FILENAME, ${ROW_COLUMN.toUpperCase()} = METADATA$FILE_ROW_NUMBER) ` +
        `ON_ERROR = ABORT_STATEMENT`,
    );
  }

  /** Deletes the staged files of every attempt at one (run, connector, endpoint), after its commit. */
  removeStagedFiles(path: string): CompiledStatement {
    return compiled(`REMOVE ${this.stageLocation(path)}`);
  }
}
