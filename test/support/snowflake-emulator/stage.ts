/**
 * Named internal stages as directories, PUT through the driver's LOCAL_FS storage type (the server
 * only answers where to copy; the driver copies), and REMOVE.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { keyOf, type QualifiedName } from './catalog.js';
import { resolveName, type ExecContext, type ExecOutcome } from './context.js';
import { identName, tokenize, type TokenCursor } from './lexer.js';
import { statusResult, STATEMENT_TYPE } from './results.js';
import { doesNotExist, SfError, unsupported } from './sf-error.js';

export interface StageRef {
  readonly name: QualifiedName;
  /** Path inside the stage, without a leading slash; `''` for the stage root. */
  readonly path: string;
}

/** The stage reference a token holds: `@…` written bare, or single-quoted `'@…'`. */
export function stageText(t: { kind: string; text: string } | undefined): string | undefined {
  if (t?.kind === 'stage') {
    // Snowflake reads a bare reference only up to characters such as blanks, ';' or quotes inside
    // names: one that needs them must be single-quoted.
    const quotedParts = [...t.text.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => m[1] ?? '');
    if (/[^A-Za-z0-9_$./"=~%-]/.test(t.text) || quotedParts.some((q) => /[^A-Za-z0-9_$]/.test(q)))
      throw new SfError('001003', '42000', `SQL compilation error:\nsyntax error: stage reference @${t.text} must be single-quoted`);
    return t.text;
  }
  if (t?.kind === 'string' && t.text.startsWith('@')) return t.text.slice(1);
  return undefined;
}

/** Parses the text after `@`: `"DB"."SCH"."STAGE"/a/b/` (named stages only: floe uses no other). */
export function parseStageRef(text: string, ctx: ExecContext): StageRef {
  if (text.startsWith('~') || text.startsWith('%') || /\.%/.test(text))
    throw unsupported(`user and table stages (@${text})`);
  let inQuote = false;
  let cut = text.length;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') inQuote = !inQuote;
    else if (!inQuote && text[i] === '/') {
      cut = i;
      break;
    }
  }
  const parts = tokenize(text.slice(0, cut))
    .filter((t) => t.kind !== 'punct')
    .map(identName);
  const path = text.slice(cut + 1);
  if (path.includes('..') || path.includes('"') || path.includes("'"))
    throw unsupported(`stage path '${path}'`);
  const name = resolveName(parts, ctx);
  if (!ctx.catalog.stages.has(keyOf(name))) throw doesNotExist('Stage', name.join('.'));
  return { name, path };
}

export function stageDir(dataDir: string, name: QualifiedName): string {
  return join(dataDir, 'stages', ...name);
}

/** Files in a stage under a path prefix, as sorted stage-relative paths. */
export function listStage(dataDir: string, ref: StageRef): string[] {
  const root = stageDir(dataDir, ref.name);
  const out: string[] = [];
  const walk = (dir: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const e of entries) {
      const full = join(dir, e);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(root, full).split('\\').join('/'));
    }
  };
  walk(root);
  return out.filter((p) => p.startsWith(ref.path)).sort();
}

export function md5(file: string): string {
  return createHash('md5').update(readFileSync(file)).digest('hex');
}

/** `PUT 'file://<path>' @stage/path [AUTO_COMPRESS=..] [OVERWRITE=..] [PARALLEL=n] [SOURCE_COMPRESSION=AUTO_DETECT]` */
export function put(c: TokenCursor, ctx: ExecContext, queryId: string, sqlText: string): ExecOutcome {
  const src = c.next();
  if (src.kind !== 'string' || !src.text.startsWith('file://'))
    throw unsupported("PUT without a quoted 'file://…' source");
  const target = stageText(c.next());
  if (target === undefined)
    throw new SfError('001003', '42000', 'SQL compilation error:\nsyntax error: expected a stage');
  const ref = parseStageRef(target, ctx);
  const opts: Record<string, string> = {
    AUTO_COMPRESS: 'TRUE',
    OVERWRITE: 'FALSE',
    PARALLEL: '4',
    SOURCE_COMPRESSION: 'AUTO_DETECT',
  };
  while (!c.done()) {
    const key = c.expectWord('AUTO_COMPRESS', 'OVERWRITE', 'PARALLEL', 'SOURCE_COMPRESSION');
    c.expectPunct('=');
    opts[key] = c.next().text.toUpperCase();
  }
  // Any other value makes snowflake-sdk 3.3.0 crash with a TypeError (wire-protocol report §6).
  if (opts.SOURCE_COMPRESSION !== 'AUTO_DETECT')
    throw unsupported(`SOURCE_COMPRESSION=${opts.SOURCE_COMPRESSION}`);
  const location = join(stageDir(ctx.dataDir, ref.name), ref.path);
  mkdirSync(location, { recursive: true });
  return {
    put: {
      command: 'UPLOAD',
      src_locations: [src.text.slice('file://'.length)],
      stageInfo: {
        locationType: 'LOCAL_FS',
        location: location.endsWith('/') ? location : `${location}/`,
        path: '',
        region: null,
        storageAccount: null,
        isClientSideEncrypted: false,
        creds: {},
      },
      autoCompress: opts.AUTO_COMPRESS === 'TRUE',
      sourceCompression: 'auto_detect',
      parallel: Number(opts.PARALLEL),
      overwrite: opts.OVERWRITE === 'TRUE',
      encryptionMaterial: null,
      presignedUrls: [],
      queryId,
      sqlText,
    },
  };
}

/** `REMOVE @stage/path`: deletes every file under the prefix; one row per file removed. */
export function remove(c: TokenCursor, ctx: ExecContext): ExecOutcome {
  const target = stageText(c.next());
  if (target === undefined) throw unsupported('REMOVE without a stage');
  c.expectEnd();
  const ref = parseStageRef(target, ctx);
  const files = listStage(ctx.dataDir, ref);
  for (const f of files) rmSync(join(stageDir(ctx.dataDir, ref.name), f), { force: true });
  const stageName = (ref.name[2] ?? '').toLowerCase();
  return {
    result: {
      columns: [
        { name: 'name', type: 'text' },
        { name: 'result', type: 'text' },
      ],
      rows: files.map((f) => [`${stageName}/${f}`, 'removed']),
      statementTypeId: STATEMENT_TYPE.ddl,
    },
  };
}

/** `CREATE STAGE [IF NOT EXISTS] name` (no properties: floe sets none). */
export function createStage(name: QualifiedName, ifNotExists: boolean, ctx: ExecContext): ExecOutcome {
  const key = keyOf(name);
  if (ctx.catalog.stages.has(key)) {
    if (!ifNotExists)
      throw new SfError('002002', '42710', `SQL compilation error:\nObject '${name[2]}' already exists.`);
    return { result: statusResult(`${name[2]} already exists, statement succeeded.`) };
  }
  ctx.catalog.stages.add(key);
  mkdirSync(stageDir(ctx.dataDir, name), { recursive: true });
  return { result: statusResult(`Stage area ${name[2]} successfully created.`) };
}
