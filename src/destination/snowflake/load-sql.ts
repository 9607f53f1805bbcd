/**
 * The pure SQL builder for the load path: target and staging DDL, PUT, COPY, and the statements
 * that move staged rows into the target for each write disposition.
 */
import { pathSegment, quote, shortHash } from './identifiers.js';
import type { LoadPlan, PlannedColumn } from './load-plan.js';
import { literal, objectName, sql, type Sql, type Target } from './sql-builder.js';
import { ddlType, rebuildExpression } from './type-mapping.js';

/** floe's metadata columns in staging tables, filled by COPY's INCLUDE_METADATA. */
export const FILE_COLUMN = '_FLOE_FILE';
/** 1-based row number within its file (METADATA$FILE_ROW_NUMBER). */
export const ROW_COLUMN = '_FLOE_FILE_ROW';

/** Per-(run, endpoint) names: deterministic, so a re-run after a crash reuses (replaces) them. */
export function workTables(
  table: string,
  runId: string,
  endpoint: string,
): { staging: string; shadow: string } {
  const h = shortHash(`${runId}\n${endpoint}`, 16);
  const t = table.slice(0, 100);
  return { staging: `_FLOE_STG_${t}_${h}`, shadow: `_FLOE_NEW_${t}_${h}` };
}

/** `@"DB"."SCH"."STAGE"/<run_id>/<TABLE>/` */
export function stageLocation(t: Target, runId: string, table: string): string {
  return `@${objectName(t, t.stage)}/${pathSegment(runId)}/${pathSegment(table)}/`;
}

const columnList = (cols: readonly { name: string }[]): string => cols.map((c) => quote(c.name)).join(', ');
const definitions = (cols: readonly PlannedColumn[]): string =>
  cols.map((c) => `${quote(c.name)} ${ddlType(c.family)}`).join(', ');

/** First load of an endpoint: the table with the planned columns. */
export function createTable(t: Target, table: string, cols: readonly PlannedColumn[]): Sql {
  return sql(`CREATE TABLE IF NOT EXISTS ${objectName(t, table)} (${definitions(cols)})`);
}

/** The replace shadow: same columns as the live table (exact types), or built from the plan. */
export function createShadow(
  t: Target,
  shadow: string,
  like: string | undefined,
  cols: readonly PlannedColumn[],
): Sql {
  return like
    ? sql(`CREATE OR REPLACE TABLE ${objectName(t, shadow)} LIKE ${objectName(t, like)}`)
    : sql(`CREATE OR REPLACE TABLE ${objectName(t, shadow)} (${definitions(cols)})`);
}

/**
 * Rewrites a table with some columns' types widened, atomically (one statement), keeping its
 * grants; Snowflake cannot ALTER e.g. NUMBER to VARCHAR.
 */
export function rebuildTable(
  t: Target,
  table: string,
  columns: readonly string[],
  widened: readonly PlannedColumn[],
): Sql {
  const to = new Map(widened.map((w) => [w.name, w.family] as const));
  const select = columns.map((c) => {
    const family = to.get(c);
    return family ? `${rebuildExpression(quote(c), family)} AS ${quote(c)}` : quote(c);
  });
  return sql(
    `CREATE OR REPLACE TABLE ${objectName(t, table)} COPY GRANTS AS SELECT ${select.join(', ')} FROM ${objectName(t, table)}`,
  );
}

/** New columns, in one statement. */
export function addColumns(t: Target, table: string, cols: readonly PlannedColumn[]): Sql {
  return sql(`ALTER TABLE ${objectName(t, table)} ADD COLUMN ${definitions(cols)}`);
}

/** A transient staging table, fresh per attempt (so its COPY load metadata starts empty). */
export function createStaging(t: Target, staging: string, plan: LoadPlan): Sql {
  const cols = plan.staging.map((c) => `${quote(c.name)} ${c.type}`);
  cols.push(`${quote(FILE_COLUMN)} VARCHAR`, `${quote(ROW_COLUMN)} NUMBER(38,0)`);
  return sql(
    `CREATE OR REPLACE TRANSIENT TABLE ${objectName(t, staging)} (${cols.join(', ')}) DATA_RETENTION_TIME_IN_DAYS = 0`,
  );
}

/**
 * Uploads every file in `localDir` matching `part-*.parquet`. Parquet is already compressed, and
 * snowflake-sdk would otherwise gzip it (`AUTO_COMPRESS` defaults to TRUE). OVERWRITE=TRUE: a
 * re-run re-uploads the same bytes, so a partial upload from a crash is never trusted.
 */
export function put(t: Target, localDir: string, runId: string, table: string): Sql {
  const src = `file://${localDir.replace(/\/$/, '')}/part-*.parquet`;
  return sql(
    `PUT ${literal(src)} ${stageLocation(t, runId, table)} AUTO_COMPRESS = FALSE OVERWRITE = TRUE PARALLEL = 4`,
  );
}

/**
 * COPY into the staging table. MATCH_BY_COLUMN_NAME maps Parquet fields to columns by name whatever
 * their order or presence in each file; INCLUDE_METADATA records file and row for merge ordering.
 */
export function copyInto(
  t: Target,
  staging: string,
  runId: string,
  table: string,
  files: readonly string[],
): Sql {
  return sql(
    `COPY INTO ${objectName(t, staging)} FROM ${stageLocation(t, runId, table)} ` +
      `FILES = (${files.map(literal).join(', ')}) ` +
      `FILE_FORMAT = (TYPE = PARQUET USE_LOGICAL_TYPE = TRUE BINARY_AS_TEXT = FALSE) ` +
      `MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE ` +
      `INCLUDE_METADATA = (${quote(FILE_COLUMN)} = METADATA$FILENAME, ${quote(ROW_COLUMN)} = METADATA$FILE_ROW_NUMBER) ` +
      `ON_ERROR = ABORT_STATEMENT`,
  );
}

/** Non-NULL values per column (`COUNT(col) AS col`), to find columns that hold only NULLs. */
export function countValues(t: Target, table: string, columns: readonly string[]): Sql {
  return sql(`SELECT ${columns.map((c) => `COUNT(${quote(c)}) AS ${quote(c)}`).join(', ')} FROM ${objectName(t, table)}`);
}

/** Counts staged rows with a NULL merge key: they could never match and would pile up. */
export function countNullKeys(t: Target, staging: string, primaryKey: readonly string[]): Sql {
  const where = primaryKey.map((k) => `${quote(k)} IS NULL`).join(' OR ');
  return sql(`SELECT COUNT(*) AS "NULL_KEYS" FROM ${objectName(t, staging)} WHERE ${where}`);
}

/** append (and the replace shadow): converted staged rows into `target`. */
export function insertFromStaging(t: Target, target: string, staging: string, plan: LoadPlan): Sql {
  return sql(
    `INSERT INTO ${objectName(t, target)} (${columnList(plan.inserts)}) ` +
      `SELECT ${plan.inserts.map((i) => i.expr).join(', ')} FROM ${objectName(t, staging)}`,
  );
}

/**
 * One deterministic MERGE: duplicate keys in the batch are resolved to the last-written row
 * (highest file, then row), so Snowflake never sees two source rows for one target row.
 */
export function mergeFromStaging(t: Target, target: string, staging: string, plan: LoadPlan): Sql {
  const key = plan.primaryKey.map(quote).join(', ');
  const source =
    `SELECT ${plan.inserts.map((i) => `${i.expr} AS ${quote(i.name)}`).join(', ')} FROM ${objectName(t, staging)} ` +
    `QUALIFY ROW_NUMBER() OVER (PARTITION BY ${key} ORDER BY ${quote(FILE_COLUMN)} DESC, ${quote(ROW_COLUMN)} DESC) = 1`;
  const on = plan.primaryKey.map((k) => `"T".${quote(k)} = "S".${quote(k)}`).join(' AND ');
  const keys = new Set(plan.primaryKey);
  const rest = plan.inserts.filter((i) => !keys.has(i.name));
  const update =
    rest.length > 0
      ? ` WHEN MATCHED THEN UPDATE SET ${rest.map((i) => `${quote(i.name)} = "S".${quote(i.name)}`).join(', ')}`
      : '';
  return sql(
    `MERGE INTO ${objectName(t, target)} AS "T" USING (${source}) AS "S" ON ${on}${update} ` +
      `WHEN NOT MATCHED THEN INSERT (${columnList(plan.inserts)}) VALUES (${plan.inserts.map((i) => `"S".${quote(i.name)}`).join(', ')})`,
  );
}

/** Swaps the loaded shadow in as the table in one atomic statement, keeping the old table's grants. */
export function replaceWithClone(t: Target, table: string, shadow: string): Sql {
  return sql(`CREATE OR REPLACE TABLE ${objectName(t, table)} CLONE ${objectName(t, shadow)} COPY GRANTS`);
}

/** Drops a work table (staging or shadow) if it exists. */
export function dropTable(t: Target, table: string): Sql {
  return sql(`DROP TABLE IF EXISTS ${objectName(t, table)}`);
}

/** Deletes a load's files from the stage after its commit. */
export function removeStagedFiles(t: Target, runId: string, table: string): Sql {
  return sql(`REMOVE ${stageLocation(t, runId, table)}`);
}
