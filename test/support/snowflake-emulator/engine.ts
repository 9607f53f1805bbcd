/**
 * Statement dispatch: the whitelist of statement shapes floe emits. Anything else is refused with a
 * Snowflake-style compilation error naming it, so a test never passes on behaviour the emulator
 * only guessed.
 */
import type { ExecContext, ExecOutcome } from './context.js';
import { copyInto } from './copy.js';
import { alterTable, create, drop, truncate } from './ddl.js';
import { del, insert, merge, select, transaction, update } from './dml.js';
import { TokenCursor, tokenize, type Token } from './lexer.js';
import { statusResult, STATEMENT_TYPE } from './results.js';
import { SfError, unsupported } from './sf-error.js';
import { put, remove } from './stage.js';

/** The leading keyword, used for dispatch and for matching faults. */
export function statementKeyword(sqlText: string): string {
  const m = /^\s*(?:(?:--[^\n]*\n|\/\*[\s\S]*?\*\/)\s*)*([A-Za-z_]+)/.exec(sqlText);
  return (m?.[1] ?? '').toUpperCase();
}

const DDL = new Set(['CREATE', 'ALTER', 'DROP', 'TRUNCATE']);
const STATEMENTS = new Set([
  'SELECT',
  'INSERT',
  'DELETE',
  'UPDATE',
  'MERGE',
  'BEGIN',
  'START',
  'COMMIT',
  'ROLLBACK',
  'CREATE',
  'ALTER',
  'DROP',
  'TRUNCATE',
  'PUT',
  'REMOVE',
  'COPY',
]);

export async function executeStatement(
  sqlText: string,
  ctx: ExecContext,
  meta: { queryId: string; sqlText: string; injected?: SfError },
): Promise<ExecOutcome> {
  const tokens = tokenize(sqlText);
  const c = new TokenCursor(tokens);
  const keyword = statementKeyword(sqlText);
  if (!STATEMENTS.has(keyword)) throw unsupported(`statement ${keyword || sqlText.slice(0, 40)}`);
  c.next();
  const s = ctx.session;
  if (s.transactionFailed && keyword !== 'ROLLBACK' && keyword !== 'COMMIT') {
    // Snowflake keeps a transaction usable after a failed statement; DuckDB aborts it. floe always
    // rolls back on error, so anything else here is a floe bug worth failing loudly on.
    throw unsupported(`${keyword} after a failed statement in an open transaction (ROLLBACK first)`);
  }
  if (s.inTransaction && DDL.has(keyword) && !(keyword === 'ALTER' && isSession(tokens))) {
    throw unsupported(
      `${keyword} inside an open transaction (Snowflake would commit the transaction implicitly)`,
    );
  }
  if (meta.injected && keyword !== 'COPY') throw meta.injected;
  try {
    return await dispatch(keyword, c, tokens, ctx, meta);
  } catch (e) {
    if (s.inTransaction && !(e instanceof SfError && e.code === '000002')) s.transactionFailed = true;
    throw e;
  } finally {
    // Autocommit: a statement's locks end with it.
    if (!s.inTransaction) ctx.locks.releaseAll(s);
  }
}

function isSession(tokens: readonly Token[]): boolean {
  return tokens[1]?.kind === 'word' && tokens[1].text.toUpperCase() === 'SESSION';
}

async function dispatch(
  keyword: string,
  c: TokenCursor,
  tokens: readonly Token[],
  ctx: ExecContext,
  meta: { queryId: string; sqlText: string; injected?: SfError },
): Promise<ExecOutcome> {
  switch (keyword) {
    case 'SELECT':
      return select(tokens, ctx);
    case 'INSERT':
      return insert(c, ctx);
    case 'DELETE':
      return del(c, ctx);
    case 'UPDATE':
      return update(c, ctx);
    case 'MERGE':
      return merge(c, ctx);
    case 'BEGIN':
    case 'START':
    case 'COMMIT':
    case 'ROLLBACK':
      return transaction(keyword, c, ctx);
    case 'CREATE':
      return oneAtATime(ctx.catalog, () => create(c, ctx));
    case 'ALTER':
      if (c.acceptWord('SESSION')) return alterSession(c, ctx);
      c.expectWord('TABLE');
      return alterTable(c, ctx);
    case 'DROP':
      return drop(c, ctx);
    case 'TRUNCATE':
      return truncate(c, ctx);
    case 'PUT':
      return put(c, ctx, meta.queryId, meta.sqlText);
    case 'REMOVE':
      return remove(c, ctx);
    case 'COPY':
      return copyInto(c, ctx, meta.injected);
    default:
      throw unsupported(keyword);
  }
}

const SESSION_PARAMETERS = new Set([
  'TIMEZONE',
  'QUERY_TAG',
  'ABORT_DETACHED_QUERY',
  'LOCK_TIMEOUT',
  'STATEMENT_TIMEOUT_IN_SECONDS',
  'TIMESTAMP_OUTPUT_FORMAT',
  'DATE_OUTPUT_FORMAT',
  'BINARY_OUTPUT_FORMAT',
]);

/** `ALTER SESSION SET k = v [[,] k = v]…` (blanks or commas between) for the parameters floe sets. */
function alterSession(c: TokenCursor, ctx: ExecContext): ExecOutcome {
  c.expectWord('SET');
  do {
    const key = c.expectIdent();
    if (!SESSION_PARAMETERS.has(key)) throw unsupported(`session parameter ${key}`);
    c.expectPunct('=');
    const value = c.next().text;
    // The emulator stores and returns instants in UTC only.
    if (key === 'TIMEZONE' && value !== 'UTC') throw unsupported(`TIMEZONE='${value}'`);
    ctx.session.params.set(key, value);
  } while (c.acceptPunct(',') || (!c.done() && c.peek()?.kind === 'word'));
  c.expectEnd();
  return { result: statusResult('Statement executed successfully.', STATEMENT_TYPE.alterSession) };
}

/**
 * CREATE statements of all sessions run one at a time: each checks existence then creates, and
 * Snowflake makes `CREATE … IF NOT EXISTS` atomic, so two loaders bootstrapping one fresh schema
 * at once both succeed (unserialized, both saw "missing" and the second failed or replaced).
 */
const creating = new WeakMap<object, Promise<unknown>>();
function oneAtATime<T>(key: object, work: () => Promise<T>): Promise<T> {
  // The chain never rejects (failures are dropped from it), so each CREATE waits for the one before.
  const next = (creating.get(key) ?? Promise.resolve()).then(work);
  creating.set(key, next.catch(() => undefined));
  return next;
}

