import { rm, stat } from 'node:fs/promises';
import type { EndpointConfig, FloeConfig } from '../config/schema.js';
import { canResume } from '../source/rest/index.js';
import type { Column, StageFile } from '../types.js';
import { FloeError } from '../util/errors.js';
import { HeapGuard } from '../util/heap-guard.js';
import type { Logger } from '../util/logger.js';
import { unionColumns } from './union-columns.js';
import { normalizerSettings } from '../normalize/normalizer-settings.js';
import { readKnownColumns, saveKnownColumns } from './known-columns-file.js';
import { IncrementalFilter } from './incremental/incremental-filter.js';
import { maxCursor, type CursorValue } from '../util/cursor-value.js';
import { nextIncrementalState, readIncrementalState } from './incremental/incremental-state.js';
import { parseLookback } from '../util/duration.js';
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
  /**
   * What to request, in order: one segment for a run (its incremental range, if any), one per
   * backfill window for a slice of several windows. All segments go into the same stage files.
   */
  readonly segments: readonly ExtractSegment[];
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
  /**
   * On a failure (not only a signal), checkpoint the last processed page and keep the files, so
   * the next attempt under the same run id resumes there (a slice's retry).
   */
  readonly keepProgressOnFailure?: boolean;
}

/**
 * A batch is cut once its pages held this much JSON text, whatever `stage.batch_rows` says: 1,000
 * records of a 115 KB map fit in one batch by rows, and peaked at 799 MB to Parquet (444 MB cut).
 */
const BATCH_MAX_TEXT_BYTES = 16 * 1024 * 1024;

/** One extraction pass: a range (or none) and the template variables its requests use. */
export interface ExtractSegment {
  readonly range: IncrementalRange | undefined;
  readonly vars: Readonly<Record<string, string>>;
}

/**
 * Pages → incremental filter → normalizer → Parquet. Every `checkpoint_pages` pages the current
 * file is completed and a checkpoint (the next page's token, the complete files, the counts) is
 * saved in the run record, so a run that dies in page 900 of 1,000 resumes near page 900 — where
 * the pagination type allows it (see RESUME_SUPPORT). Several segments (the windows of a slice)
 * run one after another into the same files; the end of a segment is a checkpoint too (at the
 * same `checkpoint_pages` cadence, or when stopped), from which any pagination type resumes with
 * the next segment.
 */
export async function extractEndpoint(endpoint: EndpointConfig, record: EndpointRunRecord, ctx: ExtractContext): Promise<StagedManifest> {
  const every = ctx.config.stage.checkpoint_pages;
  // A child resumes at its parent row (see childPages), whatever its pagination.
  const resumable = ctx.parentRows !== undefined || canResume(endpoint.pagination);
  const segments = ctx.segments;
  const single = segments.length === 1 ? segments[0]!.range : undefined;
  // A checkpoint at a segment boundary (no token) resumes with any pagination; one inside a segment needs a resumable one.
  const stored = await usableCheckpoint(record.checkpoint, ctx);
  const from = stored && (stored.next === undefined || resumable) ? stored : undefined;
  const fromSegment = from?.segment ?? 0;
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
  const kind = segments[0]?.range?.start.kind;
  let carriedMax: CursorValue | undefined =
    from?.max && kind ? readIncrementalState(from.max, { endpoint: ctx.name, kind }) : undefined;

  const inc = endpoint.incremental;
  /** The current segment's filter; those of finished segments are summed into `done`. */
  let filter: IncrementalFilter | undefined;
  const done = { dropped: from?.out_of_range ?? 0, kept: 0, missing: 0 };
  const seen =
    inc && single && ctx.advanceState
      ? new SeenRecords({
          cursorPath: inc.cursor_path,
          kind: single.start.kind,
          previousSeen: ctx.previousSeen,
          previousMax: single.previous,
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
  /** JSON text of the pages in the batch being filled (see BATCH_MAX_TEXT_BYTES). */
  let batchText = 0;
  /** Completes the files so far and saves where the next page starts (no token: at the start of `segment`). */
  const checkpoint = async ({ segment, next, vars }: ResumePoint): Promise<void> => {
    const last = normalizer.flush();
    if (last) await writer.write(last);
    batchText = 0;
    files = [...before, ...(await writer.checkpoint())];
    carriedMax = maxCursor(carriedMax, filter?.max);
    await ctx.tokens.save(next);
    record.checkpoint = {
      ...(next !== undefined ? { next: ctx.tokens.shown(next) } : { next: undefined }),
      vars,
      ...(segment > 0 ? { segment } : {}),
      files: [...files],
      columns: unionColumns(columnsBefore, normalizer.columns),
      pages: record.pages,
      rows: record.rows,
      bytes: record.bytes,
      received: record.received ?? 0,
      ...(inc && kind ? { out_of_range: done.dropped + (filter?.dropped ?? 0) } : {}),
      ...(carriedMax ? { max: nextIncrementalState(undefined, carriedMax)! } : {}),
      ...(ctx.collect ? { parent_rows: ctx.collect.rows } : {}),
    };
    await ctx.save();
    ctx.log.debug('checkpoint', { pages: record.pages, rows: record.rows });
  };
  let sincePoint = 0;
  /** Where a stopped extraction resumes: after the last processed page, or at the next segment. */
  let point: ResumePoint | undefined;
  let invalidUtf8 = 0;
  let nonFinite = 0;
  /** True while the parts of a streamed page are read: no checkpoint can be taken then. */
  let midPage = false;
  const heap = new HeapGuard();
  try {
    await ctx.collect?.reset(from?.parent_rows ?? 0);
    for (let k = fromSegment; k < segments.length; k++) {
      const segment = segments[k]!;
      const resumeHere = from !== undefined && k === fromSegment && from.next !== undefined;
      const vars = resumeHere ? from.vars : segment.vars;
      const range = segment.range;
      filter = inc && range ? new IncrementalFilter({ endpoint: ctx.name, config: inc, start: range.start, end: range.end }) : undefined;
      const resume = resumeHere ? { resumeFrom: from.next, resumedAt: { pages: from.pages, records: from.received ?? from.rows } } : {};
      const pages =
        ctx.parentRows !== undefined
          ? childPages(ctx.source, endpoint, ctx.parentRows, {
              ...(ctx.signal ? { signal: ctx.signal } : {}),
              vars,
              ...(resumeHere ? { resumeFrom: from.next } : {}),
              log: ctx.log,
              warn: (w) => sourceWarnings.push(w),
            })
          : ctx.source.pages(endpoint, { ...(ctx.signal ? { signal: ctx.signal } : {}), vars, ...resume });
      let more = false;
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
        if (endpoint.load !== false) {
          const batches = normalizer.push(records);
          for (const batch of batches) await writer.write(batch);
          // Rows are capped by count (stage.batch_rows) and, for records of big values, by size:
          // a batch is held several times over (values, Arrow buffers, the Parquet worker's copy).
          batchText = batches.length > 0 ? 0 : batchText + (page.textBytes ?? page.bytes);
          if (batchText >= BATCH_MAX_TEXT_BYTES) {
            const part = normalizer.flush();
            if (part) await writer.write(part);
            batchText = 0;
          }
        }
        if (endpoint.load !== false) record.rows += records.length;
        // A part of a streamed page: the page (its count, bytes, checkpoint) is complete with its last part.
        midPage = page.more === true;
        if (midPage) {
          heap.check();
          continue;
        }
        record.pages += 1;
        record.bytes += page.bytes;
        const next = page.resume ?? page.next;
        more = page.next !== undefined;
        point = more && resumable ? { segment: k, next, vars } : undefined;
        invalidUtf8 += page.invalidUtf8 ?? 0;
        nonFinite += page.nonFiniteNumbers ?? 0;
        ctx.onPage();
        heap.check();
        if (ctx.signal?.aborted && more) break; // no new request after a signal
        sincePoint += 1;
        if (point && sincePoint >= every) {
          sincePoint = 0;
          await checkpoint(point);
        }
      }
      if (ctx.signal?.aborted && more) throw aborted(ctx.signal);
      carriedMax = maxCursor(carriedMax, filter?.max);
      if (filter) {
        done.dropped += filter.dropped;
        done.kept += filter.kept;
        done.missing += filter.missing;
        filter = undefined;
      }
      if (k + 1 < segments.length) {
        point = { segment: k + 1, next: undefined, vars: segments[k + 1]!.vars };
        if (ctx.signal?.aborted) throw aborted(ctx.signal); // no next window after a signal
        if (sincePoint >= every) {
          sincePoint = 0;
          await checkpoint(point);
        }
      }
    }
    const last = normalizer.flush();
    if (last) await writer.write(last);
    files = [...before, ...(await writer.close())];
  } catch (e) {
    if (ctx.signal?.aborted) {
      await stopGracefully();
      throw aborted(ctx.signal, e);
    }
    if (ctx.keepProgressOnFailure) {
      await stopGracefully('failed');
      throw e;
    }
    await writer.abort().catch(() => undefined);
    throw e;
  }

  /**
   * Interrupted by a signal (or failed, for a slice): the last page that was processed is checkpointed (its rows are in
   * the completed files), so the next run starts at the page after it, not at the last regular
   * checkpoint or page 1. Without a resumable pagination the extraction restarts anyway.
   */
  async function stopGracefully(why: 'interrupted' | 'failed' = 'interrupted'): Promise<void> {
    try {
      if (point !== undefined && !midPage) {
        await checkpoint(point);
        ctx.log.info(`${why}: checkpoint saved`, { pages: record.pages, rows: record.rows, files: files.length });
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
  const runMax = carriedMax;
  const next = ctx.advanceState && single ? nextIncrementalState(single.previous, runMax) : undefined;
  if (inc && kind) {
    record.out_of_range = done.dropped;
    ctx.log.info('incremental filter', { kept: done.kept, out_of_range: done.dropped, missing_cursor: done.missing, unchanged: seen?.skipped ?? 0 });
  }
  const seenNow = seen?.seenFor(runMax === undefined ? single?.previous : maxCursor(single?.previous, runMax));
  const rows = files.reduce((n, f) => n + f.rows, 0);
  // State is committed with the data; a run that loads nothing leaves it as it was.
  // load: false stages nothing, but the records it kept for its children still move its cursor.
  const moved = endpoint.load === false ? (ctx.collect?.rows ?? 0) > 0 : rows > 0;
  const state = next && moved ? { endpoint: ctx.name, value: { ...next, ...(seenNow ? { seen: seenNow } : {}) } } : undefined;
  return { files, columns, rows, ...(state ? { state } : {}) };
}

/** A place to resume: the token of the page after the last one processed in `segment`, or none (the segment's start). */
interface ResumePoint {
  readonly segment: number;
  readonly next: unknown;
  readonly vars: Readonly<Record<string, string>>;
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
