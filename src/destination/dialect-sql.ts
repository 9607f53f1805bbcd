/**
 * The pure SQL compiler of a dialect: every method returns a frozen {@link CompiledStatement} and
 * does no I/O, so it is unit-tested as text and executed for real by the contract suite. `BaseSql`
 * holds the shapes both warehouses share (they both speak MERGE, QUALIFY and `?` binds); a dialect
 * overrides how it names objects, converts timestamps and evolves tables.
 */
import type { EndpointKey } from '../types.js';
import { compiled, type CompiledStatement } from './compiled-statement.js';
import type { ExistingTable, NamePolicy } from './dialect.js';
import type { LoadPlan, PlannedColumn } from './load-plan.js';

/** floe's metadata columns in a staging relation: which file (in write order) and which row of it. */
export const FILE_COLUMN = '_floe_file';
export const ROW_COLUMN = '_floe_file_row';

/** The bookkeeping tables and their columns, named per dialect. */
export interface BookkeepingNames {
  readonly loads: string;
  readonly state: string;
  /** Snowflake: the table whose row the ledger claim locks. */
  readonly locks?: string;
  /** Column names: `value` (state JSON), `files`, `rows` differ between the two layouts. */
  readonly columns: Readonly<Record<'value' | 'files' | 'rows', string>>;
}

/** A ledger row to write; instants in epoch milliseconds. */
export interface LedgerRow {
  readonly runId: string;
  readonly connector: string;
  readonly endpoint: string;
  readonly table: string;
  readonly writeDisposition: string;
  readonly files: number;
  readonly rows: number;
  readonly startedAt: number;
  readonly finishedAt: number;
}

/** `2026-01-01T00:00:00.000+00:00` for an epoch-millisecond instant. */
export function isoInstant(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}

export abstract class BaseSql {
  constructor(
    protected readonly names: NamePolicy,
    readonly bookkeeping: BookkeepingNames,
  ) {}

  /** A fully qualified object name in floe's schema. */
  abstract object(stored: string): string;
  /** SQL converting an ISO-8601 bind (`?`) to a timestamp with time zone. */
  protected abstract timestampFromText(): string;
  /** SQL rendering a timestamp column as ISO-8601 text in UTC. */
  protected abstract timestampToText(ref: string): string;
  /** The table's columns, kind and clustering: rows `name`, `type`, `transient`, `clustering_key`. */
  abstract selectTable(table: string): CompiledStatement;
  /** floe's objects that exist: rows `kind` (schema | stage | column), `name`, `column`. */
  abstract catalog(): CompiledStatement;
  abstract createTable(table: string, cols: readonly PlannedColumn[], like?: ExistingTable): CompiledStatement;
  abstract addColumns(table: string, cols: readonly PlannedColumn[]): CompiledStatement[];
  abstract widen(table: string, existing: ExistingTable, widened: LoadPlan['widened']): CompiledStatement[];
  /** The tables floe loaded (in the ledger) that exist: rows `table_name`. */
  abstract listTables(): CompiledStatement;
  /** A table's row count: one row, `n`. */
  abstract countRows(table: string): CompiledStatement;
  /** Columns of the loaded tables: rows `table_name`, `name`, `type`. */
  abstract listColumns(): CompiledStatement;
  /** The statement whose lock serializes ledger claims, if the warehouse needs one. */
  abstract lockLedger(holder: string, at: number): CompiledStatement | undefined;

  protected q(stored: string): string {
    return this.names.quote(stored);
  }
  /** A bookkeeping column, quoted. */
  protected c(name: string): string {
    return this.q(this.names.stored(name));
  }

  begin(): CompiledStatement {
    return compiled('BEGIN TRANSACTION');
  }
  commit(): CompiledStatement {
    return compiled('COMMIT');
  }
  rollback(): CompiledStatement {
    return compiled('ROLLBACK');
  }

  /** The committed ledger row of (run, connector, endpoint); rows from before connectors were keyed match any connector. */
  selectLedger(runId: string, key: EndpointKey): CompiledStatement {
    const b = this.bookkeeping;
    return compiled(
      `SELECT ${this.ledgerColumns()} FROM ${this.object(b.loads)} ` +
        `WHERE ${this.c('run_id')} = ? AND ${this.c('endpoint')} = ? AND (${this.c('connector')} = ? OR COALESCE(${this.c('connector')}, '') = '') ` +
        `AND ${this.c('status')} = 'committed' ORDER BY ${this.c('finished_at')} DESC LIMIT 1`,
      [runId, key.endpoint, key.connector],
    );
  }

  /** The newest ledger row per table, for `floe tables`. */
  latestLoads(): CompiledStatement {
    const b = this.bookkeeping;
    return compiled(
      `SELECT ${this.ledgerColumns()} FROM ${this.object(b.loads)} WHERE ${this.c('status')} = 'committed' ` +
        `QUALIFY ROW_NUMBER() OVER (PARTITION BY ${this.c('table_name')} ORDER BY ${this.c('finished_at')} DESC) = 1`,
    );
  }

  private ledgerColumns(): string {
    const b = this.bookkeeping.columns;
    return [
      `${this.c('run_id')} AS "run_id"`,
      `${this.c('connector')} AS "connector"`,
      `${this.c('endpoint')} AS "endpoint"`,
      `${this.c('table_name')} AS "table_name"`,
      `${this.q(this.names.stored(b.files))} AS "files"`,
      `${this.q(this.names.stored(b.rows))} AS "rows"`,
      `${this.timestampToText(this.c('started_at'))} AS "started_at"`,
      `${this.timestampToText(this.c('finished_at'))} AS "finished_at"`,
    ].join(', ');
  }

  /** Records a committed load; runs inside the load's transaction, after the claim. */
  insertLedger(e: LedgerRow): CompiledStatement {
    const b = this.bookkeeping;
    const cols = ['run_id', 'connector', 'endpoint', 'table_name', 'write_disposition', b.columns.files, b.columns.rows, 'status', 'started_at', 'finished_at'];
    return compiled(
      `INSERT INTO ${this.object(b.loads)} (${cols.map((x) => this.c(x)).join(', ')}) ` +
        `VALUES (?, ?, ?, ?, ?, ?, ?, 'committed', ${this.timestampFromText()}, ${this.timestampFromText()})`,
      [e.runId, e.connector, e.endpoint, e.table, e.writeDisposition, e.files, e.rows, isoInstant(e.startedAt), isoInstant(e.finishedAt)],
    );
  }

  selectState(key: EndpointKey): CompiledStatement {
    const b = this.bookkeeping;
    return compiled(
      `SELECT ${this.c(b.columns.value)} AS "value" FROM ${this.object(b.state)} WHERE ${this.c('connector')} = ? AND ${this.c('endpoint')} = ?`,
      [key.connector, key.endpoint],
    );
  }

  /** State rows written before floe keyed state by connector (connector = ''). */
  countLegacyState(): CompiledStatement {
    return compiled(`SELECT COUNT(*) AS "n" FROM ${this.object(this.bookkeeping.state)} WHERE COALESCE(${this.c('connector')}, '') = ''`);
  }

  /** The first connector to read an endpoint's pre-connector state row takes it over. */
  adoptLegacyState(key: EndpointKey): CompiledStatement {
    return compiled(
      `UPDATE ${this.object(this.bookkeeping.state)} SET ${this.c('connector')} = ? WHERE COALESCE(${this.c('connector')}, '') = '' AND ${this.c('endpoint')} = ?`,
      [key.connector, key.endpoint],
    );
  }

  deleteState(key: EndpointKey): CompiledStatement {
    return compiled(`DELETE FROM ${this.object(this.bookkeeping.state)} WHERE ${this.c('connector')} = ? AND ${this.c('endpoint')} = ?`, [
      key.connector,
      key.endpoint,
    ]);
  }

  insertState(key: EndpointKey, valueJson: string, runId: string | null, at: number): CompiledStatement {
    const b = this.bookkeeping;
    return compiled(
      `INSERT INTO ${this.object(b.state)} (${['connector', 'endpoint', b.columns.value, 'run_id', 'updated_at'].map((x) => this.c(x)).join(', ')}) ` +
        `VALUES (?, ?, ?, ?, ${this.timestampFromText()})`,
      [key.connector, key.endpoint, valueJson, runId, isoInstant(at)],
    );
  }

  /** Rows of the staged data with a NULL merge key: they could never match and would pile up. */
  countNullKeys(staging: string, primaryKey: readonly string[]): CompiledStatement {
    const where = primaryKey.map((k) => `${this.q(k)} IS NULL`).join(' OR ');
    return compiled(`SELECT COUNT(*) AS "n" FROM ${this.object(staging)} WHERE ${where}`);
  }

  /** Non-NULL values per staged column, as `n0`, `n1`, … in the order given. */
  countNonNull(staging: string, columns: readonly string[]): CompiledStatement {
    return compiled(`SELECT ${columns.map((c, i) => `COUNT(${this.q(c)}) AS "n${i}"`).join(', ')} FROM ${this.object(staging)}`);
  }

  /** append (and the replace shadow): converted staged rows into `target`. */
  insertFromStaging(target: string, staging: string, plan: LoadPlan): CompiledStatement {
    return compiled(
      `INSERT INTO ${this.object(target)} (${plan.inserts.map((i) => this.q(i.name)).join(', ')}) ` +
        `SELECT ${plan.inserts.map((i) => i.expr).join(', ')} FROM ${this.object(staging)}`,
    );
  }

  /**
   * One deterministic MERGE: duplicate keys in the batch resolve to the last-written row (highest
   * file, then row), so the warehouse never sees two source rows for one target row.
   */
  mergeFromStaging(target: string, staging: string, plan: LoadPlan): CompiledStatement {
    const key = plan.primaryKey.map((k) => this.q(k)).join(', ');
    const source =
      `SELECT ${plan.inserts.map((i) => `${i.expr} AS ${this.q(i.name)}`).join(', ')} FROM ${this.object(staging)} ` +
      `QUALIFY ROW_NUMBER() OVER (PARTITION BY ${key} ORDER BY ${this.c(FILE_COLUMN)} DESC, ${this.c(ROW_COLUMN)} DESC) = 1`;
    const on = plan.primaryKey.map((k) => `"T".${this.q(k)} = "S".${this.q(k)}`).join(' AND ');
    const keys = new Set(plan.primaryKey);
    const rest = plan.inserts.filter((i) => !keys.has(i.name));
    const update = rest.length > 0 ? ` WHEN MATCHED THEN UPDATE SET ${rest.map((i) => `${this.q(i.name)} = "S".${this.q(i.name)}`).join(', ')}` : '';
    return compiled(
      `MERGE INTO ${this.object(target)} AS "T" USING (${source}) AS "S" ON ${on}${update} ` +
        `WHEN NOT MATCHED THEN INSERT (${plan.inserts.map((i) => this.q(i.name)).join(', ')}) VALUES (${plan.inserts.map((i) => `"S".${this.q(i.name)}`).join(', ')})`,
    );
  }

  /**
   * SCD2, step 1: close the current version (validity `to` NULL) of every key that is absent from
   * the batch or whose values changed, at `at`. A composite key is compared as a row value
   * (`(k1, k2) NOT IN (SELECT k1, k2 …)`), which both dialects take.
   */
  scd2Retire(target: string, staging: string, plan: LoadPlan, at: number): CompiledStatement {
    const v = plan.validity!;
    const same = plan.inserts
      .filter((i) => !plan.primaryKey.includes(i.name))
      .map((i) => `"C".${this.q(i.name)} IS NOT DISTINCT FROM "S".${this.q(i.name)}`);
    const on = plan.primaryKey.map((k) => `"C".${this.q(k)} = "S".${this.q(k)}`).join(' AND ');
    const unchanged =
      `SELECT ${this.keyList('"C"', plan)} FROM ${this.object(target)} AS "C" JOIN (${this.latestSource(staging, plan)}) AS "S" ON ${on} ` +
      `WHERE "C".${this.q(v.to)} IS NULL${same.length > 0 ? ` AND ${same.join(' AND ')}` : ''}`;
    return compiled(
      `UPDATE ${this.object(target)} SET ${this.q(v.to)} = ${this.timestampFromText()} ` +
        `WHERE ${this.q(v.to)} IS NULL AND ${this.keyText(undefined, plan)} NOT IN (${unchanged})`,
      [isoInstant(at)],
    );
  }

  /** SCD2, step 2: a new current version, from `at`, for every key of the batch without one. */
  scd2Insert(target: string, staging: string, plan: LoadPlan, at: number): CompiledStatement {
    const v = plan.validity!;
    const cols = [...plan.inserts.map((i) => this.q(i.name)), this.q(v.from), this.q(v.to)];
    const toType = plan.columns.find((c) => c.name === v.to)?.type ?? 'TIMESTAMP';
    return compiled(
      `INSERT INTO ${this.object(target)} (${cols.join(', ')}) ` +
        `SELECT ${plan.inserts.map((i) => `"S".${this.q(i.name)}`).join(', ')}, ${this.timestampFromText()}, CAST(NULL AS ${toType}) ` +
        `FROM (${this.latestSource(staging, plan)}) AS "S" ` +
        `WHERE ${this.keyText('"S"', plan)} NOT IN (SELECT ${this.keyList(undefined, plan)} FROM ${this.object(target)} WHERE ${this.q(v.to)} IS NULL)`,
      [isoInstant(at)],
    );
  }

  /** The batch with one row per key, the last written winning (as merge). */
  protected latestSource(staging: string, plan: LoadPlan): string {
    const key = plan.primaryKey.map((k) => this.q(k)).join(', ');
    return (
      `SELECT ${plan.inserts.map((i) => `${i.expr} AS ${this.q(i.name)}`).join(', ')} FROM ${this.object(staging)} ` +
      `QUALIFY ROW_NUMBER() OVER (PARTITION BY ${key} ORDER BY ${this.c(FILE_COLUMN)} DESC, ${this.c(ROW_COLUMN)} DESC) = 1`
    );
  }

  /** The key columns as a select list. */
  protected keyList(alias: string | undefined, plan: LoadPlan): string {
    return plan.primaryKey.map((k) => `${alias ? `${alias}.` : ''}${this.q(k)}`).join(', ');
  }

  /** The merge key (a row value when composite), qualified by `alias` when given. */
  protected keyText(alias: string | undefined, plan: LoadPlan): string {
    const cols = plan.primaryKey.map((k) => `${alias ? `${alias}.` : ''}${this.q(k)}`);
    return cols.length === 1 ? cols[0]! : `(${cols.join(', ')})`;
  }

  deleteAll(target: string): CompiledStatement {
    return compiled(`DELETE FROM ${this.object(target)}`);
  }

  dropTable(name: string): CompiledStatement {
    return compiled(`DROP TABLE IF EXISTS ${this.object(name)}`);
  }

  /** The replace shadow: the live table's columns and kind, or the planned columns. */
  createShadow(shadow: string, table: string, existing: ExistingTable | undefined, cols: readonly PlannedColumn[]): CompiledStatement {
    return existing
      ? compiled(`CREATE OR REPLACE ${existing.transient ? 'TRANSIENT ' : ''}TABLE ${this.object(shadow)} LIKE ${this.object(table)}`)
      : compiled(`CREATE OR REPLACE TABLE ${this.object(shadow)} (${this.definitions(cols)})`);
  }

  /** Swaps the loaded shadow in as the table in one atomic statement, keeping grants and kind. */
  swap(table: string, shadow: string, existing: ExistingTable | undefined): CompiledStatement {
    return compiled(
      `CREATE OR REPLACE ${existing?.transient ? 'TRANSIENT ' : ''}TABLE ${this.object(table)} CLONE ${this.object(shadow)} COPY GRANTS`,
    );
  }

  protected definitions(cols: readonly PlannedColumn[]): string {
    return cols.map((c) => `${this.q(c.name)} ${c.type}`).join(', ');
  }
}

/** Every dialect's compiler has BaseSql's surface. */
export type DialectSql = BaseSql;
