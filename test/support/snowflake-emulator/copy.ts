/**
 * `COPY INTO <table> FROM @stage/path` for Parquet, with Snowflake's loading semantics: per-table
 * load metadata (an unchanged file already loaded is skipped; FORCE=TRUE loads it again),
 * MATCH_BY_COLUMN_NAME, INCLUDE_METADATA, ON_ERROR=ABORT_STATEMENT atomicity, and the 10-column
 * result (or the single "0 files processed" status row).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { DuckDBConnection } from '@duckdb/node-api';
import { keyOf, type QualifiedName } from './catalog.js';
import { resolveName, type ExecContext, type ExecOutcome } from './context.js';
import { asText, duckName, run, tableColumns, tableExists, toSfError, type DuckColumn } from './duck.js';
import { duckIdent, duckString, isPunct, type TokenCursor } from './lexer.js';
import { statusResult, STATEMENT_TYPE, type ResultSet } from './results.js';
import { doesNotExist, SfError, unsupported } from './sf-error.js';
import { listStage, md5, parseStageRef, stageDir, stageText, type StageRef } from './stage.js';

interface CopyOptions {
  files?: string[];
  match: 'CASE_INSENSITIVE' | 'CASE_SENSITIVE' | 'NONE';
  metadata: Map<string, 'FILENAME' | 'FILE_ROW_NUMBER'>;
  force: boolean;
}

function parseOptions(c: TokenCursor): CopyOptions {
  const o: CopyOptions = { match: 'NONE', metadata: new Map(), force: false };
  let format = false;
  while (!c.done()) {
    const key = c.expectWord(
      'FILES',
      'FILE_FORMAT',
      'MATCH_BY_COLUMN_NAME',
      'INCLUDE_METADATA',
      'ON_ERROR',
      'FORCE',
    );
    c.expectPunct('=');
    if (key === 'FILES') {
      c.expectPunct('(');
      o.files = c
        .untilClose()
        .filter((t) => t.kind === 'string')
        .map((t) => t.text);
    } else if (key === 'FILE_FORMAT') {
      c.expectPunct('(');
      const f = c.untilClose().map((t) => t.text.toUpperCase());
      if (f.slice(0, 3).join(' ') !== 'TYPE = PARQUET') throw unsupported(`FILE_FORMAT (${f.join(' ')})`);
      for (let i = 3; i < f.length; i += 3) {
        if (!['USE_LOGICAL_TYPE', 'BINARY_AS_TEXT'].includes(f[i] as string))
          throw unsupported(`file format option ${f[i]}`);
      }
      format = true;
    } else if (key === 'MATCH_BY_COLUMN_NAME') {
      const v = c.next().text.toUpperCase();
      if (v !== 'CASE_INSENSITIVE' && v !== 'CASE_SENSITIVE' && v !== 'NONE')
        throw unsupported(`MATCH_BY_COLUMN_NAME=${v}`);
      o.match = v;
    } else if (key === 'INCLUDE_METADATA') {
      c.expectPunct('(');
      const inner = c.untilClose();
      for (let i = 0; i < inner.length; i += 4) {
        const col = inner[i];
        const src = inner[i + 2]?.text.toUpperCase();
        if (
          !col ||
          !isPunct(inner[i + 1], '=') ||
          (src !== 'METADATA$FILENAME' && src !== 'METADATA$FILE_ROW_NUMBER')
        ) {
          throw unsupported('INCLUDE_METADATA entry');
        }
        // The documented syntax names targets unquoted; the clause's parser is strict about it.
        if (col.kind !== 'word') throw unsupported('INCLUDE_METADATA with a quoted target column');
        o.metadata.set(
          col.text.toUpperCase(),
          src === 'METADATA$FILENAME' ? 'FILENAME' : 'FILE_ROW_NUMBER',
        );
      }
    } else if (key === 'ON_ERROR') {
      const v = c.next().text.toUpperCase();
      if (v !== 'ABORT_STATEMENT') throw unsupported(`ON_ERROR=${v}`);
    } else {
      o.force = c.expectWord('TRUE', 'FALSE') === 'TRUE';
    }
  }
  if (!format) throw unsupported('COPY without FILE_FORMAT=(TYPE=PARQUET …)');
  if (o.metadata.size > 0 && o.match === 'NONE') {
    throw new SfError(
      '002000',
      '42601',
      'SQL compilation error:\nINCLUDE_METADATA is only supported with MATCH_BY_COLUMN_NAME.',
    );
  }
  return o;
}

const RESULT_COLUMNS = [
  ['file', 'text'],
  ['status', 'text'],
  ['rows_parsed', 'fixed'],
  ['rows_loaded', 'fixed'],
  ['error_limit', 'fixed'],
  ['errors_seen', 'fixed'],
  ['first_error', 'text'],
  ['first_error_line', 'fixed'],
  ['first_error_character', 'fixed'],
  ['first_error_column_name', 'text'],
] as const;

/** `COPY INTO …` after the COPY keyword. `injected` is a test fault to raise in place of loading. */
export async function copyInto(c: TokenCursor, ctx: ExecContext, injected?: SfError): Promise<ExecOutcome> {
  if (ctx.session.inTransaction) throw unsupported('COPY inside an explicit transaction');
  c.expectWord('INTO');
  const table = resolveName(c.qualifiedName(), ctx);
  c.expectWord('FROM');
  const from = stageText(c.next());
  if (from === undefined) throw unsupported('COPY from anything but a named stage');
  const ref = parseStageRef(from, ctx);
  const opts = parseOptions(c);
  if (!(await tableExists(ctx.session.conn, table))) throw doesNotExist('Table', table.join('.'));
  const object = ctx.catalog.table(table);
  const columns = await tableColumns(ctx.session.conn, table);
  if (opts.match === 'NONE' && columns.length > 1) {
    throw new SfError(
      '002019',
      '0A000',
      'SQL compilation error:\nPARQUET file format can produce one and only one column of type variant, object, or array. Use CSV file format if you want to load more than one column.',
    );
  }
  const candidates = selectFiles(ctx.dataDir, ref, opts.files);
  const stageKey = keyOf(ref.name);
  const toLoad = candidates
    .map((rel) => ({ rel, md5: md5(join(stageDir(ctx.dataDir, ref.name), rel)) }))
    .filter((f) => opts.force || object.loaded.get(`${stageKey}:${f.rel}`) !== f.md5);
  if (toLoad.length === 0)
    return { result: statusResult('Copy executed with 0 files processed.', STATEMENT_TYPE.copy) };
  if (injected) throw withFile(injected, toLoad[0]?.rel ?? '', table, '', 1);

  const conn = ctx.session.conn;
  const rows: (string | null)[][] = [];
  await run(conn, 'BEGIN TRANSACTION');
  try {
    for (const f of toLoad) {
      const path = readablePath(ctx.dataDir, join(stageDir(ctx.dataDir, ref.name), f.rel));
      const n = await loadFile(conn, table, columns, path, f.rel, opts, ctx.unmatchedColumn);
      rows.push([f.rel, 'LOADED', String(n.parsed), String(n.loaded), '1', '0', null, null, null, null]);
    }
    await run(conn, 'COMMIT');
  } catch (e) {
    // DuckDB aborts the transaction on the first error; roll back before looking for the culprit.
    await run(conn, 'ROLLBACK');
    if (e instanceof FileFailure) throw await explain(conn, e.cause, e.source, e.casts, table, e.rel);
    throw e;
  }
  for (const f of toLoad) object.loaded.set(`${stageKey}:${f.rel}`, f.md5);
  const result: ResultSet = {
    columns: RESULT_COLUMNS.map(([name, type]) => ({ name, type })),
    rows,
    statementTypeId: STATEMENT_TYPE.copy,
  };
  return { result };
}

function selectFiles(dataDir: string, ref: StageRef, files: string[] | undefined): string[] {
  const all = listStage(dataDir, ref);
  if (!files) return all;
  const prefix = ref.path === '' || ref.path.endsWith('/') ? ref.path : `${ref.path}/`;
  return files.map((f) => {
    const rel = prefix + f;
    if (!all.includes(rel)) {
      // Believed wording (wire-protocol report §10.1); floe never names a file it did not PUT.
      throw new SfError('100140', '58030', `Remote file '${ref.name.join('.')}/${rel}' was not found.`);
    }
    return rel;
  });
}

/** Parquet PUT with AUTO_COMPRESS=TRUE arrives gzipped (`x.parquet.gz`); COPY reads through it. */
function readablePath(dataDir: string, path: string): string {
  if (!path.endsWith('.gz')) return path;
  const dir = join(dataDir, 'tmp');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${Date.now()}-${Math.random().toString(36).slice(2)}.parquet`);
  writeFileSync(out, gunzipSync(readFileSync(path)));
  return out;
}

async function loadFile(
  conn: DuckDBConnection,
  table: QualifiedName,
  columns: readonly DuckColumn[],
  path: string,
  rel: string,
  opts: CopyOptions,
  unmatched?: string,
): Promise<{ parsed: number; loaded: number }> {
  const fields = (await run(conn, `DESCRIBE SELECT * FROM read_parquet(${duckString(path)})`))
    .getRowsJS()
    .map((r) => asText(r[0]));
  const casts: Cast[] = [];
  const exprs = columns.map((col, index) => {
    const meta = opts.metadata.get(col.name);
    if (meta === 'FILENAME') return duckString(rel);
    if (meta === 'FILE_ROW_NUMBER') return 'ordinality';
    const field =
      fields.find((f) => f === col.name) ??
      (opts.match === 'CASE_INSENSITIVE'
        ? fields.find((f) => simpleUpper(f) === simpleUpper(col.name))
        : undefined);
    if (field === undefined || col.name === unmatched) return 'NULL';
    casts.push({ col, field, index: index + 1 });
    return col.type === 'JSON' ? `to_json(${duckIdent(field)})` : `CAST(${duckIdent(field)} AS ${col.type})`;
  });
  const source = `read_parquet(${duckString(path)}) WITH ORDINALITY`;
  const parsed = Number((await run(conn, `SELECT count(*) FROM ${source}`)).getRowsJS()[0]?.[0] ?? 0);
  try {
    const r = await conn.runAndReadAll(
      `INSERT INTO ${duckName(table)} (${columns.map((c) => duckIdent(c.name)).join(', ')}) SELECT ${exprs.join(', ')} FROM ${source}`,
    );
    return { parsed, loaded: r.rowsChanged };
  } catch (e) {
    throw new FileFailure(e, source, casts, rel);
  }
}

type Cast = { col: DuckColumn; field: string; index: number };

class FileFailure extends Error {
  constructor(
    override readonly cause: unknown,
    readonly source: string,
    readonly casts: readonly Cast[],
    readonly rel: string,
  ) {
    super('COPY file failed');
  }
}

/** Turns a DuckDB conversion failure into Snowflake's COPY error naming the file, row and column. */
async function explain(
  conn: DuckDBConnection,
  e: unknown,
  source: string,
  casts: readonly Cast[],
  table: QualifiedName,
  rel: string,
): Promise<SfError> {
  const base = toSfError(e);
  let best: { row: number; value: string; col: DuckColumn; index: number } | undefined;
  for (const k of casts) {
    if (k.col.type === 'JSON' || k.col.type === 'VARCHAR') continue;
    const f = duckIdent(k.field);
    const r = await run(
      conn,
      `SELECT ordinality, CAST(${f} AS VARCHAR) FROM ${source} WHERE ${f} IS NOT NULL AND TRY_CAST(${f} AS ${k.col.type}) IS NULL ORDER BY 1 LIMIT 1`,
    );
    const hit = r.getRowsJS()[0];
    if (hit && (!best || Number(hit[0]) < best.row))
      best = { row: Number(hit[0]), value: asText(hit[1]), col: k.col, index: k.index };
  }
  if (!best) return withFile(base, rel, table, '', 1);
  const t = best.col.type;
  const [code, first] = t.startsWith('TIMESTAMP')
    ? ['100035', `Timestamp '${best.value}' is not recognized`]
    : t === 'DATE'
      ? ['100040', `Date '${best.value}' is not recognized`]
      : t === 'BOOLEAN'
        ? ['100037', `Boolean value '${best.value}' is not recognized`]
        : ['100038', `Numeric value '${best.value}' is not recognized`];
  return withFile(
    new SfError(code, '22018', first),
    rel,
    table,
    `"${best.col.name}":${best.index}`,
    best.row,
  );
}

function withFile(e: SfError, rel: string, table: QualifiedName, column: string, row: number): SfError {
  const lines = [
    e.message,
    `  File '${rel}', line ${row}, character 1`,
    `  Row ${row}, column "${table[2]}"[${column}]`,
    "  If you would like to continue loading when an error is encountered, use other values such as 'SKIP_FILE' or 'CONTINUE' for the ON_ERROR option. For more information on loading options, please run 'info loading_data' in a SQL client.",
  ];
  return new SfError(e.code, e.sqlState, lines.join('\n'));
}

/**
 * Upper-casing one code point at a time, keeping any whose upper case is not a single code point
 * (`ß` stays `ß`): how Snowflake compares names for MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE, unlike
 * JavaScript's full case mapping (`'ß'.toUpperCase()` is `SS`). A field that does not match loads NULL.
 */
export function simpleUpper(name: string): string {
  let out = '';
  for (const ch of name) {
    const up = ch.toUpperCase();
    out += [...up].length === 1 ? up : ch;
  }
  return out;
}
