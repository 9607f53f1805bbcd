import { rm, stat } from 'node:fs/promises';
import type { EndpointConfig, FloeConfig } from '../config/schema.js';
import { canResume } from '../source/rest/index.js';
import type { Column, StageFile } from '../types.js';
import { FloeError } from '../util/errors.js';
import { HeapGuard } from '../util/heap-guard.js';
import type { Logger } from '../util/logger.js';
import { normalizerSettings } from '../normalize/normalizer-settings.js';
import { joinTypes, isInferredType } from '../normalize/type-lattice.js';
import { readKnownColumns, saveKnownColumns } from './known-columns-file.js';
import { IncrementalFilter } from './incremental/incremental-filter.js';
import { maxCursor, type CursorValue } from './incremental/cursor-value.js';
import { nextIncrementalState, readIncrementalState } from './incremental/incremental-state.js';
import { parseLookback } from './incremental/duration.js';
import { SeenRecords } from './incremental/seen-records.js';
import type { IncrementalRange } from './incremental/start-value.js';
import type { Parts, SourcePart } from './parts.js';
import { childPages } from './parent-child/child-pages.js';
import type { ParentRow, ParentRowsFile } from './parent-child/parent-rows.js';
import type { EndpointRunRecord, ExtractCheckpoint, StagedManifest } from './run-history.js';

export interface ExtractContext {
  readonly name: string;
  readonly dir: string;
  readonly config: FloeConfig;
  readonly source: SourcePart;
  readonly parts: Parts;
  readonly log: Logger;
  readonly signal: AbortSignal | undefined;
  /** The incremental range (or backfill window) of this extraction, if any. */
  readonly range: IncrementalRange | undefined;
  /** Template variables for the requests. */
  readonly vars: Readonly<Record<string, string>>;
  /** Whether to advance the endpoint's state (not for backfill windows). */
  readonly advanceState: boolean;
  /** Hashes of the records at the top of the previous range (see SeenRecords). */
  readonly previousSeen: readonly string[] | undefined;
  readonly onPage: () => void;
  /** Persists the record (with its checkpoint). */
  readonly save: () => Promise<void>;
  /** A child endpoint: the parent records it runs over (see childPages). */
  readonly parentRows?: readonly ParentRow[];
  /** A parent endpoint: where the records its children need are kept. */
  readonly collect?: ParentRowsFile;
  /** Where the table's column names are kept between runs (see known-columns-file.ts). */
  readonly columnsFile?: string;
  /** Where this extraction's resume token is kept, out of the run history. */
  readonly tokens: { save(next: unknown): Promise<void>; load(): Promise<unknown>; shown(next: unknown): unknown };
}

/**
 * Pages → incremental filter → normalizer → Parquet. Every `checkpoint_pages` pages the current
 * file is completed and a checkpoint (the next page's token, the complete files, the counts) is
 * saved in the run record, so a run that dies in page 900 of 1,000 resumes near page 900 — where
 * the pagination type allows it (see RESUME_SUPPORT).
 */
export async function extractEndpoint(endpoint: EndpointConfig, record: EndpointRunRecord, ctx: ExtractContext): Promise<StagedManifest> {
  const every = ctx.config.stage.checkpoint_pages;
  const resumable = ctx.parentRows !== undefined || canResume(endpoint.pagination);
  const from = resumable ? await usableCheckpoint(record.checkpoint, ctx) : undefined;
  delete record.short_of_total;
  // The source's warnings (short of the API's total, …), then the normalizer's.
  const sourceWarnings: string[] = [];
  if (from) {
    // Files written after the checkpoint were cut short; the writer overwrites them by name.
    Object.assign(record, { rows: from.rows, pages: from.pages, bytes: from.bytes, received: from.received ?? from.rows });
  } else {
    Object.assign(record, { rows: 0, pages: 0, bytes: 0, files: 0, received: 0 });
    await rm(ctx.dir, { recursive: true, force: true }); // leftovers of an interrupted attempt
  }
  const before: readonly StageFile[] = from ? from.files : [];
  let files: StageFile[] = [...before];
  const columnsBefore: readonly Column[] = from ? from.columns : [];
  const vars = from ? from.vars : ctx.vars;
  let carriedMax: CursorValue | undefined =
    from?.max && ctx.range ? readIncrementalState(from.max, { endpoint: ctx.name, kind: ctx.range.start.kind }) : undefined;

  const inc = endpoint.incremental;
  const filter = inc && ctx.range ? new IncrementalFilter({ endpoint: ctx.name, config: inc, start: ctx.range.start, end: ctx.range.end }) : undefined;
  const seen =
    inc && ctx.range && ctx.advanceState
      ? new SeenRecords({
          cursorPath: inc.cursor_path,
          kind: ctx.range.start.kind,
          previousSeen: ctx.previousSeen,
          previousMax: ctx.range.previous,
          lookback: parseLookback(inc.lookback, `endpoints[${ctx.name}].incremental.lookback`),
          field: `endpoints[${ctx.name}].incremental.lookback`,
        })
      : undefined;
  const settings = normalizerSettings(ctx.config, endpoint);
  const known = ctx.columnsFile === undefined ? [] : await readKnownColumns(ctx.columnsFile, settings.naming);
  const normalizer = ctx.parts.createNormalizer({
    endpoint: ctx.name,
    batchRows: ctx.config.stage.batch_rows,
    settings,
    known,
    ...(endpoint.columns ? { columns: endpoint.columns } : {}),
    ...(endpoint.schema ? { schema: endpoint.schema } : {}),
  });
  // The writer does not see the run's signal: on Ctrl-C or SIGTERM the files so far are completed
  // and checkpointed below (a crash keeps them too), not deleted.
  const writer = ctx.parts.createStageWriter({
    dir: ctx.dir,
    fileMaxBytes: ctx.config.stage.file_max_mb * 1024 * 1024,
    firstPart: before.length,
  });
  /** Completes the files so far and saves where the next page starts. */
  const checkpoint = async (next: unknown): Promise<void> => {
    const last = normalizer.flush();
    if (last) await writer.write(last);
    files = [...before, ...(await writer.checkpoint())];
    carriedMax = maxCursor(carriedMax, filter?.max);
    await ctx.tokens.save(next);
    record.checkpoint = {
      next: ctx.tokens.shown(next),
      vars,
      files: [...files],
      columns: unionColumns(columnsBefore, normalizer.columns),
      pages: record.pages,
      rows: record.rows,
      bytes: record.bytes,
      received: record.received ?? 0,
      ...(filter ? { out_of_range: (from?.out_of_range ?? 0) + filter.dropped } : {}),
      ...(carriedMax ? { max: nextIncrementalState(undefined, carriedMax)! } : {}),
      ...(ctx.collect ? { parent_rows: ctx.collect.rows } : {}),
    };
    await ctx.save();
    ctx.log.debug('checkpoint', { pages: record.pages, rows: record.rows });
  };
  let sincePoint = 0;
  /** The last processed page's next token: where a stopped extraction resumes. */
  let lastNext: unknown;
  let invalidUtf8 = 0;
  let nonFinite = 0;
  const heap = new HeapGuard();
  try {
    const resume = from ? { resumeFrom: from.next, resumedAt: { pages: from.pages, records: from.received ?? from.rows } } : {};
    await ctx.collect?.reset(from?.parent_rows ?? 0);
    const pages =
      ctx.parentRows !== undefined
        ? childPages(ctx.source, endpoint, ctx.parentRows, {
            ...(ctx.signal ? { signal: ctx.signal } : {}),
            vars,
            ...(from ? { resumeFrom: from.next } : {}),
            log: ctx.log,
            warn: (w) => sourceWarnings.push(w),
          })
        : ctx.source.pages(endpoint, { ...(ctx.signal ? { signal: ctx.signal } : {}), vars, ...resume });
    for await (const page of pages) {
      record.received = (record.received ?? 0) + page.records.length;
      if (page.end?.warning !== undefined) {
        const { code = 'WARNING', warning, expected, received, unit } = page.end;
        sourceWarnings.push(`${code}: ${warning}`);
        if (code === 'TOTAL_SHORT' && expected !== undefined && received !== undefined) {
          record.short_of_total = { expected, received, unit: unit ?? 'records' };
        }
      }
      const inRange = filter ? filter.filter(page.records) : page.records;
      const records = seen ? seen.filter(inRange) : inRange;
      await ctx.collect?.add(records);
      // load: false extracts for the children only: nothing is staged.
      if (endpoint.load !== false) for (const batch of normalizer.push(records)) await writer.write(batch);
      record.pages += 1;
      if (endpoint.load !== false) record.rows += records.length;
      record.bytes += page.bytes;
      lastNext = page.resume ?? page.next;
      invalidUtf8 += page.invalidUtf8 ?? 0;
      nonFinite += page.nonFiniteNumbers ?? 0;
      ctx.onPage();
      heap.check();
      if (ctx.signal?.aborted && page.next !== undefined) break; // no new request after a signal
      if (resumable && ++sincePoint >= every && page.next !== undefined) {
        sincePoint = 0;
        await checkpoint(lastNext);
      }
    }
    if (ctx.signal?.aborted && lastNext !== undefined) throw aborted(ctx.signal);
    const last = normalizer.flush();
    if (last) await writer.write(last);
    files = [...before, ...(await writer.close())];
  } catch (e) {
    if (ctx.signal?.aborted) {
      await stopGracefully();
      throw aborted(ctx.signal, e);
    }
    await writer.abort().catch(() => undefined);
    throw e;
  }

  /**
   * Interrupted by a signal: the last page that was processed is checkpointed (its rows are in
   * the completed files), so the next run starts at the page after it, not at the last regular
   * checkpoint or page 1. Without a resumable pagination the extraction restarts anyway.
   */
  async function stopGracefully(): Promise<void> {
    try {
      if (resumable && lastNext !== undefined) {
        await checkpoint(lastNext);
        ctx.log.info('interrupted: checkpoint saved', { pages: record.pages, rows: record.rows, files: files.length });
      }
      await writer.close().catch(() => undefined);
    } catch (e) {
      // The checkpoint could not be completed: the last regular one (if any) still holds.
      ctx.log.warn('interrupted: could not save a checkpoint', { error: (e as Error).message });
      await writer.close().catch(() => undefined);
    }
  }
  record.files = files.length;
  if (ctx.columnsFile !== undefined && normalizer.columnPaths) {
    const failed = await saveKnownColumns(ctx.columnsFile, settings.naming, normalizer.columnPaths);
    if (failed) ctx.log.warn('could not keep the column names for the next run', { error: failed.message });
  }
  const data = dataWarnings(invalidUtf8, nonFinite, normalizer.warnings ?? []);
  for (const w of data) ctx.log.warn(w);
  const warnings = [...sourceWarnings, ...data];
  if (warnings.length > 0) record.warnings = warnings;
  else delete record.warnings;
  const columns = unionColumns(columnsBefore, normalizer.columns);
  delete record.checkpoint;
  const runMax = maxCursor(carriedMax, filter?.max);
  const next = ctx.advanceState && ctx.range ? nextIncrementalState(ctx.range.previous, runMax) : undefined;
  if (filter) {
    record.out_of_range = (from?.out_of_range ?? 0) + filter.dropped;
    ctx.log.info('incremental filter', { kept: filter.kept, out_of_range: filter.dropped, missing_cursor: filter.missing, unchanged: seen?.skipped ?? 0 });
  }
  const seenNow = seen?.seenFor(runMax === undefined ? ctx.range?.previous : maxCursor(ctx.range?.previous, runMax));
  const rows = files.reduce((n, f) => n + f.rows, 0);
  // State is committed with the data; a run that loads nothing leaves it as it was.
  // load: false stages nothing, but the records it kept for its children still move its cursor.
  const moved = endpoint.load === false ? (ctx.collect?.rows ?? 0) > 0 : rows > 0;
  const state = next && moved ? { endpoint: ctx.name, value: { ...next, ...(seenNow ? { seen: seenNow } : {}) } } : undefined;
  return { files, columns, rows, ...(state ? { state } : {}) };
}

/** The run summary's lines about values that were not loaded as sent, or columns renamed. */
function dataWarnings(invalidUtf8: number, nonFinite: number, fromNormalizer: readonly string[]): string[] {
  const out = [...fromNormalizer];
  if (invalidUtf8 > 0) {
    out.push(`${invalidUtf8} invalid UTF-8 byte sequence(s) in the responses were loaded as U+FFFD (\ufffd)`);
  }
  if (nonFinite > 0) {
    out.push(`${nonFinite} number(s) beyond the double range (such as 1e400) were loaded as their JSON text`);
  }
  return out;
}


/** The error an extraction stopped by a signal ends with; the signal's reason names it. */
function aborted(signal: AbortSignal, cause?: unknown): FloeError {
  const reason: unknown = signal.reason;
  if (reason instanceof FloeError && reason.code === 'ABORTED') return reason;
  return new FloeError('ABORTED', 'terminal', 'interrupted', { cause: cause ?? reason });
}

/**
 * A checkpoint whose files are all still on disk, with its resume token from the token file
 * (a record written before tokens moved there holds it itself).
 */
async function usableCheckpoint(c: ExtractCheckpoint | undefined, ctx: ExtractContext): Promise<ExtractCheckpoint | undefined> {
  if (!c) return undefined;
  if (!(await allOnDisk(c.files))) {
    ctx.log.warn('the checkpoint files of the interrupted run are gone; extracting from the first page');
    return undefined;
  }
  ctx.log.info('resuming extraction from a checkpoint', { pages: c.pages, rows: c.rows, files: c.files.length });
  const next = await ctx.tokens.load();
  return next === undefined ? c : { ...c, next };
}

/** Whether every stage file an interrupted run recorded is still there to be reused. */
export async function allOnDisk(files: readonly StageFile[]): Promise<boolean> {
  const present = await Promise.all(files.map((f) => stat(f.path).then(() => true, () => false)));
  return present.every(Boolean);
}

/** The table's columns across segments: every column, in first-seen order, types widened. */
export function unionColumns(a: readonly Column[], b: readonly Column[]): Column[] {
  const out = a.map((c) => ({ ...c }));
  for (const c of b) {
    const i = out.findIndex((x) => x.name === c.name);
    if (i < 0) out.push({ ...c });
    else {
      const have = out[i]!;
      if (have.type !== c.type && isInferredType(have.type) && isInferredType(c.type)) out[i] = { name: c.name, type: joinTypes(have.type, c.type) };
      else if (have.type !== c.type) out[i] = { name: c.name, type: 'string' };
    }
  }
  return out;
}
