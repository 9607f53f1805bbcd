/**
 * Compares what dlt loaded with what floe loaded for one config: the same tables, the same row
 * counts, the same key sets, and every scalar value of every column dlt made (values read back as
 * DuckDB VARCHAR on both sides, then made comparable: instants as ISO-8601 UTC, numbers by value,
 * JSON by content). floe's one deliberate difference is allowed and checked on its own terms: an
 * array is one JSON text column where dlt makes a nested table `<table>__<column>`; the number of
 * elements in floe's arrays must equal the rows of dlt's nested table.
 */

export interface Table {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | null)[])[];
}
export type Tables = Readonly<Record<string, Table>>;

export interface Comparison {
  readonly problems: string[];
  readonly tables: number;
  readonly rows: number;
  readonly values: number;
  /** dlt nested tables checked by element count against floe's JSON arrays. */
  readonly nested: number;
  /** dlt variant columns (`rating__v_double`) folded into the column floe widened. */
  readonly variants: number;
}

const DLT_OWN = new Set(['_dlt_parent_id', '_dlt_list_idx', '_dlt_id', '_dlt_load_id', '_dlt_root_id']);
/** SCD2 validity columns hold load times, which differ between the two runs: compared as set or not. */
const VALIDITY = new Set(['_dlt_valid_from', '_dlt_valid_to']);
const VARIANT = /^(.+)__v_(text|bigint|double|bool|timestamp|date|decimal|json|binary|time|wei)$/;

/**
 * dlt's variant columns folded back: where a column's type changes (an integer column meets
 * 4.6), dlt keeps the new values in `rating__v_double` and leaves `rating` null in those rows;
 * floe widens `rating` instead. The folded table has each value in its column, as floe has it.
 */
function foldVariants(t: Table): { table: Table; variants: number } {
  const variants = t.columns.filter((c) => VARIANT.test(c) && t.columns.includes(VARIANT.exec(c)![1]!));
  if (variants.length === 0) return { table: t, variants: 0 };
  const columns = t.columns.filter((c) => !variants.includes(c));
  const rows = t.rows.map((r) =>
    columns.map((c) => {
      const own = r[t.columns.indexOf(c)] ?? null;
      const alt = variants.find((v) => VARIANT.exec(v)![1] === c);
      return own ?? (alt === undefined ? null : (r[t.columns.indexOf(alt)] ?? null));
    }),
  );
  return { table: { columns, rows }, variants: variants.length };
}
const INSTANT = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;
const NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/** One value as both sides must agree on it. */
export function canonical(v: string | null): string | null {
  if (v === null) return null;
  if (INSTANT.test(v)) {
    let s = v.replace(' ', 'T');
    if (/[+-]\d{2}$/.test(s)) s += ':00';
    if (!/(Z|[+-]\d{2}:?\d{2})$/.test(s)) s += 'Z';
    const t = Date.parse(s);
    if (!Number.isNaN(t)) return new Date(t).toISOString();
  }
  if (NUMBER.test(v)) return String(Number(v));
  if ((v.startsWith('{') && v.endsWith('}')) || (v.startsWith('[') && v.endsWith(']'))) {
    try {
      return JSON.stringify(sortKeys(JSON.parse(v)));
    } catch {
      return v;
    }
  }
  return v;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

const arrayLength = (v: string | null): number | undefined => {
  if (v === null || !v.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(v);
    return Array.isArray(parsed) ? parsed.length : undefined;
  } catch {
    return undefined;
  }
};

export function compareTables(dlt: Tables, floe: Tables): Comparison {
  const problems: string[] = [];
  let rows = 0;
  let values = 0;
  let nested = 0;
  let variants = 0;
  const roots = Object.keys(dlt).filter((t) => !dlt[t]!.columns.includes('_dlt_parent_id'));
  const children = Object.keys(dlt).filter((t) => dlt[t]!.columns.includes('_dlt_parent_id'));
  const floeNames = Object.keys(floe);
  if (JSON.stringify([...roots].sort()) !== JSON.stringify([...floeNames].sort())) {
    problems.push(`tables: dlt [${roots.sort().join(', ')}] vs floe [${floeNames.sort().join(', ')}]`);
  }
  for (const name of roots) {
    const folded = foldVariants(dlt[name]!);
    const d = folded.table;
    variants += folded.variants;
    const f = floe[name];
    if (f === undefined) continue;
    const dCols = d.columns.filter((c) => !DLT_OWN.has(c));
    const missing = dCols.filter((c) => !f.columns.includes(c));
    if (missing.length > 0) problems.push(`${name}: columns dlt has and floe lacks: ${missing.join(', ')}`);
    for (const extra of f.columns.filter((c) => !dCols.includes(c))) {
      const vals = f.rows.map((r) => r[f.columns.indexOf(extra)] ?? null);
      const allNull = vals.every((v) => v === null);
      const arrays = vals.every((v) => v === null || arrayLength(v) !== undefined);
      if (!allNull && !arrays) problems.push(`${name}.${extra}: a column floe has and dlt does not (values ${vals.slice(0, 3).join(' | ')})`);
      if (!allNull && arrays) {
        const child = dlt[`${name}__${extra}`];
        const elements = vals.reduce((n, v) => n + (arrayLength(v) ?? 0), 0);
        if (child === undefined && elements > 0) problems.push(`${name}.${extra}: floe holds ${elements} array elements, dlt has no table ${name}__${extra}`);
        if (child !== undefined) {
          nested += 1;
          if (child.rows.length !== elements) problems.push(`${name}__${extra}: dlt has ${child.rows.length} rows, floe's ${name}.${extra} arrays hold ${elements} elements`);
        }
      }
    }
    if (d.rows.length !== f.rows.length) problems.push(`${name}: dlt loaded ${d.rows.length} rows, floe ${f.rows.length}`);
    const shared = dCols.filter((c) => f.columns.includes(c));
    const project = (t: Table): string[] =>
      t.rows
        .map((r) =>
          JSON.stringify(
            shared.map((c) => {
              const v = r[t.columns.indexOf(c)] ?? null;
              return VALIDITY.has(c) ? (v === null ? null : 'set') : canonical(v);
            }),
          ),
        )
        .sort();
    const dRows = project(d);
    const fRows = project(f);
    let shown = 0;
    for (let i = 0; i < Math.max(dRows.length, fRows.length); i++) {
      if (dRows[i] !== fRows[i] && shown++ < 3) problems.push(`${name}: row ${i} differs over [${shared.join(', ')}]\n  dlt:  ${dRows[i]}\n  floe: ${fRows[i]}`);
    }
    rows += d.rows.length;
    values += d.rows.length * shared.length;
  }
  for (const child of children) {
    const parent = roots.find((r) => child.startsWith(`${r}__`) && floe[r]?.columns.includes(child.slice(r.length + 2)));
    if (parent === undefined && !children.some((c) => c !== child && child.startsWith(`${c}__`))) {
      problems.push(`${child}: a dlt nested table with no JSON column in floe`);
    }
  }
  return { problems, tables: roots.length, rows, values, nested, variants };
}
