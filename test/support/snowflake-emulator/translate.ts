/**
 * Lexical translation of the expression parts of floe's SQL (select lists, WHERE, MERGE clauses)
 * into DuckDB: identifiers folded like Snowflake, Snowflake type names mapped, binds inlined as
 * literals, and the few Snowflake functions floe uses rewritten.
 */
import type { Catalog } from './catalog.js';
import { SfError, unsupported } from './sf-error.js';
import { duckIdent, duckString, identName, isPunct, isWord, TokenCursor, type Token } from './lexer.js';

/** One positional bind as the driver sends it: `{ type: 'TEXT' | 'FIXED' | …, value }`. */
export interface Bind {
  readonly type: string;
  readonly value: unknown;
}

export interface TranslateContext {
  readonly binds: readonly Bind[];
  /** Next bind to use for a `?`; shared across the parts of one statement. */
  bindIndex: number;
  /** The session's current database, for unqualified INFORMATION_SCHEMA. */
  readonly database: string;
  /** Stages and table objects, for INFORMATION_SCHEMA.STAGES and TABLES. */
  readonly catalog?: Catalog;
}

export interface SqlType {
  /** DuckDB type used for storage. */
  readonly duck: string;
  /** The Snowflake type as reported back (INFORMATION_SCHEMA.COLUMNS.DATA_TYPE family). */
  readonly family: string;
}

/** Parses a Snowflake type name (with optional length/precision) at the cursor. */
export function parseType(c: TokenCursor): SqlType {
  const word = c.next();
  if (word.kind !== 'word') throw unsupported(`type '${word.text}'`);
  const name = word.text.toUpperCase();
  let args: string[] = [];
  if (isPunct(c.peek(), '(')) {
    c.next();
    args = c
      .untilClose()
      .filter((t) => t.kind === 'number')
      .map((t) => t.text);
  }
  switch (name) {
    case 'VARCHAR':
    case 'STRING':
    case 'TEXT':
      return { duck: 'VARCHAR', family: 'TEXT' };
    case 'NUMBER':
    case 'NUMERIC':
    case 'DECIMAL':
      return { duck: `DECIMAL(${args[0] ?? '38'},${args[1] ?? '0'})`, family: 'NUMBER' };
    case 'INT':
    case 'INTEGER':
    case 'BIGINT':
    case 'SMALLINT':
    case 'TINYINT':
    case 'BYTEINT':
      return { duck: 'DECIMAL(38,0)', family: 'NUMBER' };
    case 'FLOAT':
    case 'FLOAT4':
    case 'FLOAT8':
    case 'DOUBLE':
    case 'REAL':
      return { duck: 'DOUBLE', family: 'FLOAT' };
    case 'BOOLEAN':
      return { duck: 'BOOLEAN', family: 'BOOLEAN' };
    case 'DATE':
      return { duck: 'DATE', family: 'DATE' };
    case 'TIMESTAMP_TZ':
    case 'TIMESTAMP_LTZ':
      return { duck: 'TIMESTAMPTZ', family: name };
    case 'TIMESTAMP_NTZ':
    case 'TIMESTAMP':
    case 'DATETIME':
      return { duck: 'TIMESTAMP', family: 'TIMESTAMP_NTZ' };
    case 'BINARY':
    case 'VARBINARY':
      return { duck: 'BLOB', family: 'BINARY' };
    case 'VARIANT':
    case 'OBJECT':
    case 'ARRAY':
      return { duck: 'JSON', family: 'VARIANT' };
    default:
      throw unsupported(`data type ${name}`);
  }
}

/** Inlines the next bind as a DuckDB literal. */
function bindLiteral(token: Token, ctx: TranslateContext): string {
  const index = token.text === '?' ? ctx.bindIndex++ : Number(token.text.slice(1)) - 1;
  const bind = ctx.binds[index];
  if (!bind)
    throw new SfError('002049', '07002', `SQL compilation error: Bind variable ${token.text} not set.`);
  if (bind.value === null || bind.value === undefined) return 'NULL';
  const v = typeof bind.value === 'string' ? bind.value : JSON.stringify(bind.value);
  switch (bind.type) {
    case 'FIXED':
    case 'REAL':
      if (!/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(v))
        throw new SfError('100038', '22018', `Numeric value '${v}' is not recognized`);
      return v;
    case 'BOOLEAN':
      return v === 'true' || v === '1' ? 'TRUE' : 'FALSE';
    case 'TEXT':
      return duckString(v);
    default:
      throw unsupported(`bind type ${bind.type}`);
  }
}

/** Snowflake TO_VARCHAR/TO_TIMESTAMP format → strftime, for the formats floe uses. */
function strftimeFormat(fmt: string): string {
  const map: [RegExp, string][] = [
    [/"([^"%]*)"/g, '$1'],
    [/YYYY/g, '%Y'],
    [/MM/g, '%m'],
    [/DD/g, '%d'],
    [/HH24/g, '%H'],
    [/MI/g, '%M'],
    [/SS\.FF3/g, '%S.%g'],
    [/SS\.FF6/g, '%S.%f'],
    [/SS/g, '%S'],
    [/TZH:TZM/g, '+00:00'],
  ];
  let out = fmt;
  for (const [re, to] of map) out = out.replace(re, to);
  if (/[A-Z]{2}/.test(out.replace(/%[A-Za-z]/g, ''))) throw unsupported(`format '${fmt}'`);
  return out;
}

/** Splits the tokens of a call's argument list at top-level commas. */
function splitArgs(tokens: readonly Token[]): Token[][] {
  const args: Token[][] = [[]];
  let depth = 0;
  for (const t of tokens) {
    if (isPunct(t, '(')) depth++;
    if (isPunct(t, ')')) depth--;
    if (depth === 0 && isPunct(t, ',')) args.push([]);
    else args[args.length - 1]?.push(t);
  }
  return args;
}

const VIEWS = new Set(['COLUMNS', 'TABLES', 'SCHEMATA', 'STAGES']);

const values = (rows: readonly (readonly string[])[], names: readonly string[]): string =>
  rows.length === 0
    ? `(SELECT ${names.map((n) => `NULL::VARCHAR AS ${n}`).join(', ')} WHERE false)`
    : `(SELECT * FROM (VALUES ${rows.map((r) => `(${r.map(duckString).join(', ')})`).join(', ')}) AS v(${names.join(', ')}))`;

/** An INFORMATION_SCHEMA view of database `db` as a DuckDB subquery with Snowflake's column names. */
function informationSchema(view: string, db: string, ctx: TranslateContext): string {
  switch (view) {
    case 'COLUMNS':
      // Snowflake reports type families (TEXT, NUMBER, …) where DuckDB reports its own names.
      return `(SELECT table_catalog AS TABLE_CATALOG, table_schema AS TABLE_SCHEMA, table_name AS TABLE_NAME,
    column_name AS COLUMN_NAME, ordinal_position AS ORDINAL_POSITION,
    CASE WHEN data_type LIKE 'DECIMAL%' OR data_type IN ('BIGINT','INTEGER','HUGEINT','SMALLINT','TINYINT') THEN 'NUMBER'
         WHEN data_type = 'VARCHAR' THEN 'TEXT' WHEN data_type IN ('DOUBLE','FLOAT') THEN 'FLOAT'
         WHEN data_type = 'TIMESTAMP WITH TIME ZONE' THEN 'TIMESTAMP_TZ' WHEN data_type = 'TIMESTAMP' THEN 'TIMESTAMP_NTZ'
         WHEN data_type = 'BLOB' THEN 'BINARY' WHEN data_type = 'JSON' THEN 'VARIANT' ELSE data_type END AS DATA_TYPE
    FROM information_schema.columns WHERE table_catalog = ${duckString(db)})`;
    case 'SCHEMATA': {
      return `(SELECT catalog_name AS CATALOG_NAME, schema_name AS SCHEMA_NAME FROM information_schema.schemata WHERE catalog_name = ${duckString(db)})`;
    }
    case 'STAGES': {
      const rows = [...(ctx.catalog?.stages ?? [])]
        .map((k) => k.split('.'))
        .filter((p) => p[0] === db)
        .map((p) => [p[0] as string, p[1] as string, p.slice(2).join('.')]);
      return values(rows, ['STAGE_CATALOG', 'STAGE_SCHEMA', 'STAGE_NAME']);
    }
    case 'TABLES': {
      const meta = (ctx.catalog?.entries() ?? [])
        .map(([k, t]) => [k, t.transient ? 'YES' : 'NO', t.clusteringKey ?? ''] as const)
        .map(([k, tr, ck]) => [k, tr, ck]);
      return `(SELECT t.table_catalog AS TABLE_CATALOG, t.table_schema AS TABLE_SCHEMA, t.table_name AS TABLE_NAME,
        coalesce(m.IS_TRANSIENT, 'NO') AS IS_TRANSIENT, nullif(m.CLUSTERING_KEY, '') AS CLUSTERING_KEY
        FROM information_schema.tables t LEFT JOIN ${values(meta, ['K', 'IS_TRANSIENT', 'CLUSTERING_KEY'])} m
        ON m.K = t.table_catalog || '.' || t.table_schema || '.' || t.table_name
        WHERE t.table_catalog = ${duckString(db)} AND t.table_type = 'BASE TABLE')`;
    }
    default:
      throw unsupported(`INFORMATION_SCHEMA.${view}`);
  }
}


/** Translates an expression/query fragment to DuckDB SQL text. */
export function translate(tokens: readonly Token[], ctx: TranslateContext): string {
  const out: string[] = [];
  const c = new TokenCursor(tokens);
  const castDepths: number[] = [];
  let depth = 0;
  while (!c.done()) {
    const t = c.next();
    if (t.kind === 'punct') {
      if (t.text === '(') depth++;
      if (t.text === ')') {
        if (castDepths[castDepths.length - 1] === depth) castDepths.pop();
        depth--;
      }
      out.push(t.text);
      if (t.text === '::') {
        const type = parseType(c);
        if (type.duck === 'VARCHAR') throw castToText();
        out.push(type.duck);
      }
      continue;
    }
    if ((t.kind === 'ident' || t.kind === 'word') && isQualifiedInformationSchema(c)) {
      const view = (c.peek(3) as Token).text.toUpperCase();
      c.pos += 4;
      out.push(informationSchema(view, identName(t), ctx) + (isWord(c.peek(), 'AS') ? '' : ` AS "${view}"`));
    } else if (t.kind === 'string') out.push(duckString(t.text));
    else if (t.kind === 'number') out.push(t.text);
    else if (t.kind === 'bind') out.push(bindLiteral(t, ctx));
    else if (t.kind === 'ident') out.push(duckIdent(t.text));
    else if (t.kind === 'stage') throw unsupported(`stage reference @${t.text} here`);
    else out.push(...translateWord(t, c, ctx, castDepths, depth));
  }
  return out.join(' ').replace(/ \. /g, '.').replace(/ :: /g, '::');
}

function isQualifiedInformationSchema(c: TokenCursor): boolean {
  return (
    isPunct(c.peek(), '.') &&
    isWord(c.peek(1), 'INFORMATION_SCHEMA') &&
    isPunct(c.peek(2), '.') &&
    VIEWS.has((c.peek(3)?.text ?? '').toUpperCase()) &&
    c.peek(3)?.kind === 'word'
  );
}

function translateWord(
  t: Token,
  c: TokenCursor,
  ctx: TranslateContext,
  castDepths: number[],
  depth: number,
): string[] {
  const word = t.text.toUpperCase();
  const called = isPunct(c.peek(), '(');
  if (called && (word === 'CAST' || word === 'TRY_CAST')) {
    castDepths.push(depth + 1);
    return [word];
  }
  if (word === 'AS' && castDepths[castDepths.length - 1] === depth) {
    const type = parseType(c);
    if (type.duck === 'VARCHAR') throw castToText();
    return ['AS', type.duck];
  }
  if (called && word === 'PARSE_JSON') return ['json'];
  if (called && word === 'TO_VARIANT') return ['to_json'];
  if (called && (word === 'TO_TIMESTAMP_TZ' || word === 'TO_VARCHAR')) {
    c.next();
    const args = splitArgs(c.untilClose());
    const value = translate(args[0] ?? [], ctx);
    const fmt = args[1]?.[0];
    if (word === 'TO_TIMESTAMP_TZ') return [`CAST(${value} AS TIMESTAMPTZ)`];
    if (fmt?.kind !== 'string') return [`CAST(${value} AS VARCHAR)`];
    if (fmt.text.toUpperCase() === 'HEX') return [`upper(hex(${value}))`];
    return [`strftime(${value}, ${duckString(strftimeFormat(fmt.text))})`];
  }
  if (word === 'INFORMATION_SCHEMA' && isPunct(c.peek(), '.') && c.peek(1)?.kind === 'word' && VIEWS.has((c.peek(1)?.text ?? '').toUpperCase())) {
    const view = (c.peek(1) as Token).text.toUpperCase();
    c.pos += 2;
    return [informationSchema(view, ctx.database, ctx) + (isWord(c.peek(), 'AS') ? '' : ` AS "${view}"`)];
  }
  if (called && word === 'STARTSWITH') return ['starts_with'];
  return [word];
}

/**
 * `CAST(x AS VARCHAR)` renders dates, timestamps and binary by the session's output formats
 * (TIMESTAMP_OUTPUT_FORMAT drops microseconds by default): the emulator cannot know x's type here,
 * so it refuses every such cast; TO_VARCHAR with an explicit format is what floe must send.
 */
function castToText(): SfError {
  return unsupported("CAST to VARCHAR (follows the session's output formats; use TO_VARCHAR with an explicit format)");
}
