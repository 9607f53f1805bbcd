/**
 * The schema side of a load, as a pure function: given the request's columns and the table's
 * current columns, which columns to add, which to widen (a table rebuild), how the staging table
 * looks, and how each staged column is converted on its way into the target.
 */
import type { Column, WriteDisposition } from '../../types.js';
import { FloeError } from '../../util/errors.js';
import { assertNoCaseCollisions, quote, RESERVED_PREFIX, storedName } from './identifiers.js';
import {
  convert,
  familyOf,
  familyOfDataType,
  holds,
  stagingType,
  widen,
  type Family,
  type JsonColumns,
} from './type-mapping.js';

/** A column as INFORMATION_SCHEMA.COLUMNS reports it. */
export interface ExistingColumn {
  /** Stored name (Snowflake's spelling). */
  readonly name: string;
  /** DATA_TYPE, e.g. TEXT, NUMBER, TIMESTAMP_TZ. */
  readonly dataType: string;
  /** Every row is NULL (checked only for VARCHAR columns meeting typed data): it takes the new type. */
  readonly allNull?: boolean;
}

/** A target column and its type family after this load. */
export interface PlannedColumn {
  readonly name: string;
  readonly family: Family;
}

/** Everything the SQL builder needs to shape the target and staging tables. */
export interface LoadPlan {
  /** Stored table name. */
  readonly table: string;
  readonly exists: boolean;
  /** The target's columns after this load, in table order (existing first, then added). */
  readonly columns: readonly PlannedColumn[];
  /** Existing columns whose type family must change; Snowflake cannot ALTER these in place. */
  readonly widened: readonly (PlannedColumn & { readonly from: Family })[];
  /** Columns new to the table. */
  readonly added: readonly PlannedColumn[];
  /** The staging table's columns (JSON as text), without floe's metadata columns. */
  readonly staging: readonly { readonly name: string; readonly type: string }[];
  /** For each request column: the target column and the expression over the staged column. */
  readonly inserts: readonly { readonly name: string; readonly expr: string }[];
  /** Stored names of the merge key columns (empty unless merge). */
  readonly primaryKey: readonly string[];
}

/** The parts of a LoadRequest planning looks at. */
export interface PlanRequest {
  readonly table: string;
  readonly columns: readonly Column[];
  readonly writeDisposition: WriteDisposition;
  readonly primaryKey?: readonly string[];
}

const mismatch = (table: string, message: string): FloeError =>
  new FloeError('SCHEMA_MISMATCH', 'terminal', `table ${table}: ${message}`, { details: { table } });

/** Plans a load; throws SCHEMA_MISMATCH/CONFIG_INVALID for data floe must not load. */
export function planLoad(
  req: PlanRequest,
  existing: readonly ExistingColumn[] | undefined,
  json: JsonColumns,
): LoadPlan {
  const table = storedName(req.table);
  if (table.startsWith(RESERVED_PREFIX))
    throw mismatch(req.table, `table names starting with ${RESERVED_PREFIX} are reserved for floe`);
  if (req.columns.length === 0) throw mismatch(req.table, 'no columns to load');
  assertNoCaseCollisions(
    req.table,
    req.columns.map((c) => c.name),
  );
  for (const c of req.columns) {
    if (storedName(c.name).startsWith(RESERVED_PREFIX))
      throw mismatch(
        req.table,
        `column ${c.name}: names starting with ${RESERVED_PREFIX} are reserved for floe`,
      );
  }

  const current = new Map(
    (existing ?? []).map((c) => [c.name, c.allNull === true ? 'NULL' : familyOfDataType(c.dataType)] as const),
  );
  const final = new Map<string, Family>(current);
  const widened: (PlannedColumn & { from: Family })[] = [];
  const added: PlannedColumn[] = [];
  for (const c of req.columns) {
    const name = storedName(c.name);
    const incoming = familyOf(c.type, json);
    const have = current.get(name);
    if (have === undefined) {
      added.push({ name, family: incoming });
      final.set(name, incoming);
    } else if (!holds(have, incoming)) {
      const to = widen(have, incoming);
      widened.push({ name, from: have, family: to });
      final.set(name, to);
    }
  }

  let primaryKey: string[] = [];
  if (req.writeDisposition === 'merge') {
    if (!req.primaryKey || req.primaryKey.length === 0) {
      throw new FloeError(
        'CONFIG_INVALID',
        'config',
        `table ${req.table}: write_disposition merge needs primary_key`,
        {
          details: { table: req.table },
        },
      );
    }
    primaryKey = req.primaryKey.map(storedName);
    const names = new Set(req.columns.map((c) => storedName(c.name)));
    const missing = primaryKey.filter((k) => !names.has(k));
    if (missing.length > 0)
      throw mismatch(req.table, `primary key column(s) ${missing.join(', ')} are not in the loaded data`);
  }

  return {
    table,
    exists: existing !== undefined,
    columns: [...final].map(([name, family]) => ({ name, family })),
    widened,
    added,
    staging: req.columns.map((c) => ({ name: storedName(c.name), type: stagingType(c.type) })),
    inserts: req.columns.map((c) => {
      const name = storedName(c.name);
      return { name, expr: convert(quote(name), c.type, final.get(name) as Family) };
    }),
    primaryKey,
  };
}
