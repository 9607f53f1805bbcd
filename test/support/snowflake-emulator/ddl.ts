/**
 * The DDL floe emits: CREATE SCHEMA/STAGE/TABLE (plain, TRANSIENT, LIKE, CLONE … COPY GRANTS,
 * AS SELECT), ALTER TABLE … ADD COLUMN, DROP TABLE, TRUNCATE. Each keeps the emulator's catalog of
 * table objects in step, because load metadata and grants belong to objects, not names.
 */
import type { QualifiedName } from './catalog.js';
import { resolveName, type ExecContext, type ExecOutcome } from './context.js';
import { duckName, run, schemaExists, tableExists } from './duck.js';
import { duckIdent, isPunct, type TokenCursor } from './lexer.js';
import { statusResult } from './results.js';
import { doesNotExist, SfError, unsupported } from './sf-error.js';
import { createStage } from './stage.js';
import { parseType, translate } from './translate.js';

const ok = (message: string): ExecOutcome => ({ result: statusResult(message) });

async function requireSchema(name: QualifiedName, ctx: ExecContext): Promise<void> {
  if (!(await schemaExists(ctx.session.conn, name[0], name[1])))
    throw doesNotExist('Schema', `${name[0]}.${name[1]}`);
}

async function requireTable(name: QualifiedName, ctx: ExecContext): Promise<void> {
  if (!(await tableExists(ctx.session.conn, name))) throw doesNotExist('Table', name.join('.'));
}

/** `CREATE …` after the CREATE keyword. */
export async function create(c: TokenCursor, ctx: ExecContext): Promise<ExecOutcome> {
  const orReplace = c.acceptWords('OR', 'REPLACE');
  const transient = c.acceptWord('TRANSIENT');
  const kind = c.expectWord('SCHEMA', 'STAGE', 'TABLE');
  const ifNotExists = c.acceptWords('IF', 'NOT', 'EXISTS');
  if (kind === 'SCHEMA' || kind === 'STAGE') {
    // Checked before existence: CREATE … IF NOT EXISTS needs the privilege even when the object exists.
    if (ctx.denied.has(`CREATE ${kind}`)) {
      throw new SfError(
        '003001',
        '42501',
        `SQL access control error:\nInsufficient privileges to operate on ${kind === 'SCHEMA' ? `database '${ctx.session.database}'` : 'schema'}`,
      );
    }
  }
  if (kind === 'SCHEMA') {
    const parts = c.qualifiedName();
    c.expectEnd();
    if (orReplace || transient || parts.length > 2) throw unsupported('CREATE SCHEMA variant');
    const [db, schema] = parts.length === 2 ? parts : [ctx.session.database, parts[0] as string];
    resolveName([db as string, schema as string, 'X'], ctx);
    if (await schemaExists(ctx.session.conn, db as string, schema as string)) {
      if (!ifNotExists)
        throw new SfError('002002', '42710', `SQL compilation error:\nObject '${schema}' already exists.`);
      return ok(`${schema} already exists, statement succeeded.`);
    }
    // No other session creates meanwhile: engine.ts runs CREATE statements one at a time.
    await run(ctx.session.conn, `CREATE SCHEMA ${duckIdent(db as string)}.${duckIdent(schema as string)}`);
    return ok(`Schema ${schema} successfully created.`);
  }
  const name = resolveName(c.qualifiedName(), ctx);
  await requireSchema(name, ctx);
  if (kind === 'STAGE') {
    c.expectEnd();
    if (orReplace || transient) throw unsupported('CREATE STAGE variant');
    return createStage(name, ifNotExists, ctx);
  }
  const exists = await tableExists(ctx.session.conn, name);
  if (exists && ifNotExists) {
    c.rest();
    return ok(`${name[2]} already exists, statement succeeded.`);
  }
  if (exists && !orReplace)
    throw new SfError('002002', '42710', `SQL compilation error:\nObject '${name[2]}' already exists.`);
  const previous = exists ? ctx.catalog.table(name) : undefined;
  const target = duckName(name);
  const conn = ctx.session.conn;

  if (c.acceptWord('LIKE')) {
    const src = resolveName(c.qualifiedName(), ctx);
    const cluster = clusterBy(c);
    c.expectEnd();
    await requireTable(src, ctx);
    await run(conn, `CREATE OR REPLACE TABLE ${target} AS SELECT * FROM ${duckName(src)} LIMIT 0`);
    // LIKE copies columns but not the clustering key; CLUSTER BY sets one.
    ctx.catalog.create(name, { transient, ...(cluster ? { clusteringKey: cluster } : {}) });
    return ok(`Table ${name[2]} successfully created.`);
  }
  if (c.acceptWord('CLONE')) {
    const src = resolveName(c.qualifiedName(), ctx);
    const copyGrants = c.acceptWords('COPY', 'GRANTS');
    c.expectEnd();
    await requireTable(src, ctx);
    if (ctx.catalog.table(src).transient && !transient) {
      throw new SfError(
        '002121',
        '0A000',
        'SQL compilation error:\nTransient object cannot be cloned to a permanent object.',
      );
    }
    await run(conn, `CREATE OR REPLACE TABLE ${target} AS SELECT * FROM ${duckName(src)}`);
    const srcCluster = ctx.catalog.table(src).clusteringKey;
    // With two tables in play, COPY GRANTS prefers the one being replaced (CREATE TABLE usage
    // notes, believed); without one, grants come from the clone source.
    const grantsFrom = copyGrants ? (previous ?? ctx.catalog.table(src)) : undefined;
    ctx.catalog.create(name, {
      transient,
      ...(grantsFrom ? { copyGrantsFrom: grantsFrom } : {}),
      ...(srcCluster ? { clusteringKey: srcCluster } : {}),
    });
    return ok(`Table ${name[2]} successfully created.`);
  }
  const cluster = clusterBy(c);
  const copyGrants = c.acceptWords('COPY', 'GRANTS');
  if (c.acceptWord('AS')) {
    const query = translate(c.rest(), ctx.tctx);
    await run(conn, `CREATE OR REPLACE TABLE ${target} AS ${query}`);
    ctx.catalog.create(name, {
      transient,
      ...(copyGrants && previous ? { copyGrantsFrom: previous } : {}),
      ...(cluster ? { clusteringKey: cluster } : {}),
    });
    return ok(`Table ${name[2]} successfully created.`);
  }
  if (copyGrants) throw unsupported('COPY GRANTS here');
  if (cluster) throw unsupported('CLUSTER BY here');
  c.expectPunct('(');
  const defs = columnDefs(c);
  if (c.acceptWord('DATA_RETENTION_TIME_IN_DAYS')) {
    c.expectPunct('=');
    c.next();
  }
  c.expectEnd();
  await run(conn, `CREATE OR REPLACE TABLE ${target} (${defs.join(', ')})`);
  ctx.catalog.create(name, { transient });
  return ok(`Table ${name[2]} successfully created.`);
}

/** `CLUSTER BY (a, b)` → `LINEAR(A, B)`, as INFORMATION_SCHEMA.TABLES reports it. */
function clusterBy(c: TokenCursor): string | undefined {
  if (!c.acceptWords('CLUSTER', 'BY')) return undefined;
  c.expectPunct('(');
  const cols = c
    .untilClose()
    .filter((t) => t.kind === 'word' || t.kind === 'ident')
    .map((t) => (t.kind === 'word' ? t.text.toUpperCase() : t.text));
  return `LINEAR(${cols.join(', ')})`;
}

/** Column definitions up to the closing paren: `"A" NUMBER(38,0) [NOT NULL], …`. */
function columnDefs(c: TokenCursor): string[] {
  const defs: string[] = [];
  for (;;) {
    defs.push(columnDef(c));
    if (c.acceptPunct(')')) return defs;
    c.expectPunct(',');
  }
}

function columnDef(c: TokenCursor): string {
  const name = c.expectIdent();
  const type = parseType(c).duck;
  const notNull = c.acceptWords('NOT', 'NULL');
  if (!c.done() && !isPunct(c.peek(), ',') && !isPunct(c.peek(), ')'))
    throw unsupported(`column option '${c.peek()?.text}'`);
  return `${duckIdent(name)} ${type}${notNull ? ' NOT NULL' : ''}`;
}

/** `ALTER TABLE name ADD [COLUMN] c t [, c t]…` (ALTER SESSION is handled by the engine). */
export async function alterTable(c: TokenCursor, ctx: ExecContext): Promise<ExecOutcome> {
  const name = resolveName(c.qualifiedName(), ctx);
  await requireTable(name, ctx);
  c.expectWord('ADD');
  c.acceptWord('COLUMN');
  if (c.acceptWords('IF', 'NOT', 'EXISTS')) throw unsupported('ADD COLUMN IF NOT EXISTS');
  const defs = [columnDef(c)];
  while (c.acceptPunct(',')) defs.push(columnDef(c));
  c.expectEnd();
  // DuckDB adds one column per statement; the whole ALTER is still all-or-nothing.
  await run(ctx.session.conn, 'BEGIN TRANSACTION');
  try {
    for (const d of defs) await run(ctx.session.conn, `ALTER TABLE ${duckName(name)} ADD COLUMN ${d}`);
    await run(ctx.session.conn, 'COMMIT');
  } catch (e) {
    await run(ctx.session.conn, 'ROLLBACK');
    throw e;
  }
  return ok('Statement executed successfully.');
}

/** `DROP TABLE [IF EXISTS] name` */
export async function drop(c: TokenCursor, ctx: ExecContext): Promise<ExecOutcome> {
  c.expectWord('TABLE');
  const ifExists = c.acceptWords('IF', 'EXISTS');
  const name = resolveName(c.qualifiedName(), ctx);
  c.expectEnd();
  if (!(await tableExists(ctx.session.conn, name))) {
    if (ifExists) return ok('Drop statement executed successfully (' + name[2] + ' already dropped).');
    throw doesNotExist('Table', name.join('.'));
  }
  await run(ctx.session.conn, `DROP TABLE ${duckName(name)}`);
  ctx.catalog.drop(name);
  return ok(`${name[2]} successfully dropped.`);
}

/** `TRUNCATE [TABLE] [IF EXISTS] name`: empties the table and, as in Snowflake, its load metadata. */
export async function truncate(c: TokenCursor, ctx: ExecContext): Promise<ExecOutcome> {
  c.acceptWord('TABLE');
  const ifExists = c.acceptWords('IF', 'EXISTS');
  const name = resolveName(c.qualifiedName(), ctx);
  c.expectEnd();
  if (!(await tableExists(ctx.session.conn, name))) {
    if (ifExists) return ok('Statement executed successfully.');
    throw doesNotExist('Table', name.join('.'));
  }
  await run(ctx.session.conn, `DELETE FROM ${duckName(name)}`);
  ctx.catalog.table(name).loaded.clear();
  return ok('Statement executed successfully.');
}
