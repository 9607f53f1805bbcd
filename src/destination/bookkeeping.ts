/**
 * floe's own tables (the loads ledger, endpoint state, and on Snowflake the claim lock) are
 * created and migrated from `sql/<dialect>/*.sql`: one statement per file, whose `{{name}}`
 * placeholders are replaced by names the dialect already quoted. Nothing is split after
 * substitution, so a hostile schema name stays one quoted identifier.
 *
 * Bootstrap first reads what exists (one catalog query), then creates only what is missing: a
 * least-privilege role with a pre-created schema and stage never needs CREATE SCHEMA/STAGE.
 */
import { FloeError } from '../util/errors.js';
import { readProjectFile } from '../util/project-files.js';
import { compiled, type CompiledStatement } from './compiled-statement.js';
import type { LoadSession } from './load-session.js';

/** A bookkeeping table: how to create it, and the migrations an older layout needs. */
export interface BookkeepingTable {
  /** Stored name, as the catalog reports it. */
  readonly name: string;
  readonly create: readonly string[];
  /** Each applies when the table lacks `column`; `transactional` wraps its files in one transaction. */
  readonly migrations: readonly { readonly column: string; readonly files: readonly string[]; readonly transactional?: boolean }[];
}

/** What a dialect creates: schema, stage (Snowflake), tables, in this order. */
export interface BookkeepingPlan {
  readonly dialect: string;
  readonly schema: string;
  readonly createSchema: string;
  readonly stage?: { readonly name: string; readonly create: string };
  readonly tables: readonly BookkeepingTable[];
  /** Placeholder → quoted name. */
  readonly placeholders: Readonly<Record<string, string>>;
}

const cache = new Map<string, string>();

/** One statement from `sql/<dialect>/<file>.sql` with its placeholders filled. */
export function bookkeepingStatement(
  dialect: string,
  file: string,
  placeholders: Readonly<Record<string, string>>,
): CompiledStatement {
  const path = `sql/${dialect}/${file}.sql`;
  let template = cache.get(path);
  if (template === undefined) {
    template = readProjectFile(path)
      .split('\n')
      .filter((l) => !/^\s*--/.test(l))
      .join('\n')
      .trim();
    if (template.includes(';')) throw new Error(`${path}: one statement per file, without ';'`);
    cache.set(path, template);
  }
  const text = template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const v = placeholders[key];
    if (v === undefined) throw new Error(`${path}: unknown placeholder {{${key}}}`);
    return v;
  });
  return compiled(text);
}

/** Rows of the catalog query: `kind` is schema, stage or column. */
export interface CatalogRow {
  readonly kind: string;
  readonly name: string;
  readonly column: string | null;
}

/**
 * Creates what is missing and migrates older layouts. Returns whether the state table holds rows
 * from before state was keyed by connector (the first connector to read one adopts it).
 */
export async function bootstrap(s: LoadSession, catalog: CompiledStatement, plan: BookkeepingPlan): Promise<void> {
  const read = async (): Promise<readonly CatalogRow[]> => (await s.run(catalog, 'read catalog')).rows as unknown as readonly CatalogRow[];
  let rows = await read();
  const run = (file: string, step: string): Promise<unknown> =>
    s.run(bookkeepingStatement(plan.dialect, file, plan.placeholders), step);
  if (!rows.some((r) => r.kind === 'schema')) {
    try {
      await run(plan.createSchema, 'CREATE SCHEMA');
    } catch (e) {
      // Loaders starting at once (slices on several machines) race to create it: one wins, the
      // others fail on a catalog conflict, and find it there when they look again.
      rows = await read().catch(() => rows);
      if (rows.some((r) => r.kind === 'schema')) {
        s.logger.info('schema created meanwhile by another loader', { schema: plan.schema });
      } else {
        throw new FloeError(
          'LOAD_FAILED',
          'config',
          `schema ${plan.schema} does not exist (or this role cannot see it) and creating it failed: ${(e as Error).message}. ` +
            `Create the schema and grant the loader role USAGE, CREATE TABLE and CREATE STAGE on it (README: "Grants").`,
          { cause: e, details: { step: 'CREATE SCHEMA' } },
        );
      }
    }
  }
  if (plan.stage && !rows.some((r) => r.kind === 'stage')) await run(plan.stage.create, 'CREATE STAGE');
  for (const t of plan.tables) {
    const columns = new Set(rows.filter((r) => r.kind === 'column' && r.name === t.name).map((r) => String(r.column)));
    if (columns.size === 0) {
      for (const f of t.create) await run(f, `CREATE ${t.name}`);
      continue;
    }
    for (const m of t.migrations) {
      if (columns.has(m.column)) continue;
      s.logger.info('migrating floe bookkeeping table', { table: t.name, adds: m.column });
      if (!m.transactional) {
        for (const f of m.files) await run(f, `migrate ${t.name}`);
        continue;
      }
      await s.run(compiled('BEGIN TRANSACTION'), 'BEGIN');
      try {
        for (const f of m.files) await run(f, `migrate ${t.name}`);
        await s.run(compiled('COMMIT'), 'COMMIT');
      } catch (e) {
        await s.driver.execute(compiled('ROLLBACK')).catch(() => undefined);
        throw e;
      }
    }
  }
}
