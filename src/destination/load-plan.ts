/**
 * The schema side of a load, as a pure function over a dialect's names and types: given the
 * request's columns and the table's current columns, which columns to add, which to widen, what
 * the staging relation holds, and how each staged column is converted on its way into the table.
 */
import type { Column, WriteDisposition } from '../types.js';
import { FloeError } from '../util/errors.js';
import type { ExistingTable, NamePolicy, TypeSystem } from './dialect.js';

/** Names starting with this (in any case) are floe's own: ledger, state, work tables, metadata. */
export const RESERVED_PREFIX = '_floe_';

/** A target column after this load. */
export interface PlannedColumn {
  /** Stored name. */
  readonly name: string;
  /** Column type in the dialect's DDL. */
  readonly type: string;
}

export interface LoadPlan {
  /** Stored table name. */
  readonly table: string;
  readonly existing: ExistingTable | undefined;
  /** The table's columns after this load, in table order (existing first, then added). */
  readonly columns: readonly PlannedColumn[];
  /** Existing columns whose type must change. */
  readonly widened: readonly { readonly name: string; readonly from: string; readonly to: string }[];
  /** Columns new to the table. */
  readonly added: readonly PlannedColumn[];
  /** The request's columns as staged: source spelling, stored name, logical type. */
  readonly staged: readonly (Column & { readonly stored: string })[];
  /** For each request column: the target column and the expression over the staged column. */
  readonly inserts: readonly { readonly name: string; readonly expr: string }[];
  /** Stored names of the merge key columns (empty unless merge). */
  readonly primaryKey: readonly string[];
  /** SCD2 merge: the stored names of the validity columns (not staged; set by the load). */
  readonly validity?: { readonly from: string; readonly to: string };
}

export interface PlanRequest {
  readonly table: string;
  readonly endpoint?: string;
  readonly columns: readonly Column[];
  readonly writeDisposition: WriteDisposition;
  readonly primaryKey?: readonly string[];
  readonly scd2?: { readonly validFrom: string; readonly validTo: string };
}

const mismatch = (table: string, message: string): FloeError =>
  new FloeError('SCHEMA_MISMATCH', 'terminal', `table ${table}: ${message}`, { details: { table } });

/** Plans a load; throws SCHEMA_MISMATCH/CONFIG_INVALID for data floe must not load. */
export function planLoad(
  req: PlanRequest,
  existing: ExistingTable | undefined,
  names: NamePolicy,
  types: TypeSystem,
): LoadPlan {
  const table = names.stored(req.table);
  if (req.table.toLowerCase().startsWith(RESERVED_PREFIX))
    throw mismatch(req.table, `table names starting with ${RESERVED_PREFIX} are reserved for floe`);
  if (req.columns.length === 0) throw mismatch(req.table, 'no columns to load');
  const seen = new Map<string, string>();
  for (const c of req.columns) {
    if (c.name.toLowerCase().startsWith(RESERVED_PREFIX))
      throw mismatch(req.table, `column ${c.name}: names starting with ${RESERVED_PREFIX} are reserved for floe`);
    names.checkColumn?.(req.table, c.name);
    const key = names.collisionKey(c.name);
    const prev = seen.get(key);
    if (prev !== undefined && prev !== c.name) {
      throw mismatch(
        req.table,
        `columns "${prev}" and "${c.name}" are the same column in this warehouse (names match case-insensitively); rename one with columns.rename`,
      );
    }
    seen.set(key, c.name);
  }

  const byKey = new Map((existing?.columns ?? []).map((c) => [names.collisionKey(c.name), c] as const));
  const final = new Map<string, PlannedColumn>((existing?.columns ?? []).map((c) => [names.collisionKey(c.name), c]));
  const widened: { name: string; from: string; to: string }[] = [];
  const added: PlannedColumn[] = [];
  for (const c of req.columns) {
    const key = names.collisionKey(c.name);
    const have = byKey.get(key);
    if (have === undefined) {
      const col = { name: names.stored(c.name), type: types.columnType(c.type) };
      added.push(col);
      final.set(key, col);
      continue;
    }
    if (c.type === 'null') continue; // only NULLs: any column holds them
    const typed = types.columnType(c.type);
    const to = have.allNull === true ? (typed === have.type ? undefined : typed) : types.widen(have.type, c.type);
    if (to !== undefined) {
      widened.push({ name: have.name, from: have.type, to });
      final.set(key, { name: have.name, type: to });
    }
  }

  let primaryKey: string[] = [];
  if (req.writeDisposition === 'merge') {
    if (!req.primaryKey || req.primaryKey.length === 0) {
      throw new FloeError('CONFIG_INVALID', 'config', `endpoint ${req.endpoint ?? req.table}: write_disposition merge needs primary_key`, {
        details: { table: req.table, path: 'primary_key' },
      });
    }
    const missing = req.primaryKey.filter((k) => !seen.has(names.collisionKey(k)));
    if (missing.length > 0) {
      throw new FloeError(
        'CONFIG_INVALID',
        'config',
        `endpoint ${req.endpoint ?? req.table}: merge needs primary_key columns present in the data; missing: ${missing.join(', ')}`,
        { details: { table: req.table, path: 'primary_key' } },
      );
    }
    primaryKey = req.primaryKey.map((k) => (final.get(names.collisionKey(k)) as PlannedColumn).name);
  }

  let validity: { from: string; to: string } | undefined;
  if (req.scd2 !== undefined && req.writeDisposition === 'merge') {
    const [from, to] = [req.scd2.validFrom, req.scd2.validTo].map((name) => {
      const key = names.collisionKey(name);
      if (seen.has(key)) throw mismatch(req.table, `the SCD2 validity column ${name} is also a data column; rename one (validity_columns)`);
      const have = final.get(key);
      if (have !== undefined) return have.name;
      const col = { name: names.stored(name), type: types.columnType('timestamp') };
      added.push(col);
      final.set(key, col);
      return col.name;
    }) as [string, string];
    validity = { from, to };
  }

  return {
    ...(validity ? { validity } : {}),
    table,
    existing,
    columns: [...final.values()],
    widened,
    added,
    staged: req.columns.map((c) => ({ ...c, stored: names.stored(c.name) })),
    inserts: req.columns.map((c) => {
      const target = final.get(names.collisionKey(c.name)) as PlannedColumn;
      return { name: target.name, expr: types.convert(names.quote(names.stored(c.name)), c.type, target.type) };
    }),
    primaryKey,
  };
}
