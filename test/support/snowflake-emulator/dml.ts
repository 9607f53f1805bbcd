/**
 * DML and queries: INSERT, DELETE, MERGE (with Snowflake's duplicate-source-row error), SELECT,
 * and transaction control.
 */
import { resolveName, type ExecContext, type ExecOutcome } from './context.js';
import { asText, duckName, run } from './duck.js';
import { duckIdent, isWord, type TokenCursor, type Token } from './lexer.js';
import { countsResult, fromDuck, statusResult, STATEMENT_TYPE } from './results.js';
import { SfError, unsupported } from './sf-error.js';
import { translate } from './translate.js';

export async function transaction(keyword: string, c: TokenCursor, ctx: ExecContext): Promise<ExecOutcome> {
  const s = ctx.session;
  if (keyword === 'BEGIN' || keyword === 'START') {
    if (keyword === 'START') c.expectWord('TRANSACTION');
    else c.acceptWord('TRANSACTION', 'WORK');
    c.expectEnd();
    if (s.inTransaction) throw unsupported('BEGIN inside an open transaction');
    await run(s.conn, 'BEGIN TRANSACTION');
    s.inTransaction = true;
    s.transactionFailed = false;
  } else {
    c.acceptWord('WORK');
    c.expectEnd();
    if (s.inTransaction) {
      const failed = s.transactionFailed;
      s.inTransaction = false;
      s.transactionFailed = false;
      try {
        await run(s.conn, keyword === 'COMMIT' && !failed ? 'COMMIT' : 'ROLLBACK');
      } finally {
        ctx.locks.releaseAll(s);
      }
      if (keyword === 'COMMIT' && failed)
        throw unsupported('COMMIT after a failed statement (DuckDB aborted the transaction)');
    }
  }
  return { result: statusResult('Statement executed successfully.', STATEMENT_TYPE.transaction) };
}

/** `INSERT INTO name [(cols)] VALUES … | SELECT …` */
export async function insert(c: TokenCursor, ctx: ExecContext): Promise<ExecOutcome> {
  c.expectWord('INTO');
  const name = resolveName(c.qualifiedName(), ctx);
  const rest = translate(c.rest(), ctx.tctx);
  const r = await run(ctx.session.conn, `INSERT INTO ${duckName(name)} ${rest}`);
  return { result: countsResult([['number of rows inserted', r.rowsChanged]], STATEMENT_TYPE.insert) };
}

/** `DELETE FROM name [WHERE …]` */
export async function del(c: TokenCursor, ctx: ExecContext): Promise<ExecOutcome> {
  c.expectWord('FROM');
  const name = resolveName(c.qualifiedName(), ctx);
  if (!c.done() && !isWord(c.peek(), 'WHERE')) throw unsupported('DELETE … USING');
  await ctx.locks.acquire(name, ctx.session);
  const rest = translate(c.rest(), ctx.tctx);
  const r = await run(ctx.session.conn, `DELETE FROM ${duckName(name)} ${rest}`);
  return { result: countsResult([['number of rows deleted', r.rowsChanged]], STATEMENT_TYPE.delete) };
}

/** `UPDATE name SET … [WHERE …]` */
export async function update(c: TokenCursor, ctx: ExecContext): Promise<ExecOutcome> {
  const name = resolveName(c.qualifiedName(), ctx);
  if (!isWord(c.peek(), 'SET')) throw unsupported('UPDATE with an alias or FROM');
  await ctx.locks.acquire(name, ctx.session);
  const rest = translate(c.rest(), ctx.tctx);
  const r = await run(ctx.session.conn, `UPDATE ${duckName(name)} ${rest}`);
  return {
    result: countsResult(
      [
        ['number of rows updated', r.rowsChanged],
        ['number of multi-joined rows updated', 0],
      ],
      STATEMENT_TYPE.update,
    ),
  };
}

export async function select(tokens: readonly Token[], ctx: ExecContext): Promise<ExecOutcome> {
  const r = await run(ctx.session.conn, translate(tokens, ctx.tctx));
  return { result: fromDuck(r) };
}

function alias(c: TokenCursor): string {
  c.acceptWord('AS');
  return duckIdent(c.expectIdent());
}

/**
 * `MERGE INTO t [AS] a USING (query) | name [AS] b ON cond WHEN …`. DuckDB would silently apply
 * several source rows to one target row; Snowflake (ERROR_ON_NONDETERMINISTIC_MERGE=TRUE) fails
 * with 100090, so that is checked first.
 */
export async function merge(c: TokenCursor, ctx: ExecContext): Promise<ExecOutcome> {
  c.expectWord('INTO');
  const targetName = resolveName(c.qualifiedName(), ctx);
  const target = duckName(targetName);
  const targetAlias = alias(c);
  c.expectWord('USING');
  let source: string;
  if (c.acceptPunct('(')) source = `(${translate(c.untilClose(), ctx.tctx)})`;
  else source = duckName(resolveName(c.qualifiedName(), ctx));
  const sourceAlias = alias(c);
  c.expectWord('ON');
  const cond: Token[] = [];
  while (!c.done() && !isWord(c.peek(), 'WHEN')) cond.push(c.next());
  const on = translate(cond, ctx.tctx);
  const clauses = c.rest();
  const hasMatched = clauses.some((t, i) => isWord(t, 'WHEN') && isWord(clauses[i + 1], 'MATCHED'));
  const has = (w: string): boolean => clauses.some((t) => isWord(t, w));
  if (clauses.some((t, i) => isWord(t, 'THEN') && !isWord(clauses[i + 1], 'UPDATE', 'DELETE', 'INSERT'))) {
    throw unsupported('MERGE clause');
  }
  const conn = ctx.session.conn;
  await ctx.locks.acquire(targetName, ctx.session);
  if (hasMatched) {
    const dup = await run(
      conn,
      `SELECT count(*) FROM ${target} AS ${targetAlias} JOIN ${source} AS ${sourceAlias} ON ${on} GROUP BY ${targetAlias}.rowid HAVING count(*) > 1 LIMIT 1`,
    );
    if (dup.currentRowCount > 0)
      throw new SfError('100090', '42P18', 'Duplicate row detected during DML action');
  }
  const r = await run(
    conn,
    `MERGE INTO ${target} AS ${targetAlias} USING ${source} AS ${sourceAlias} ON ${on} ${translate(clauses, ctx.tctx)} RETURNING merge_action`,
  );
  const actions = r.getRowsJS().map((row) => asText(row[0]));
  const count = (a: string): number => actions.filter((x) => x === a).length;
  const counts: [string, number][] = [['number of rows inserted', count('INSERT')]];
  if (has('UPDATE')) counts.push(['number of rows updated', count('UPDATE')]);
  if (has('DELETE')) counts.push(['number of rows deleted', count('DELETE')]);
  return { result: countsResult(counts, STATEMENT_TYPE.merge) };
}
