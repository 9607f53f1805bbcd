import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { endpointName, tableName } from '../config/load-config.js';
import type { EndpointConfig, FloeConfig } from '../config/schema.js';
import type { Destination } from '../types.js';
import type { Clock } from '../util/clock.js';
import { toFloeError, type FloeError } from '../util/errors.js';
import { HeapGuard } from '../util/heap-guard.js';
import type { Logger } from '../util/logger.js';
import type { Redactor } from '../util/redact.js';
import type { BackfillWindow } from './backfill/windows.js';
import { windowRange } from './backfill/window-range.js';
import { allOnDisk, extractEndpoint } from './extract-endpoint.js';
import { computeIncrementalRange, type IncrementalRange } from './incremental/start-value.js';
import type { Parts, SourcePart } from './parts.js';
import type { EndpointErrorRecord, EndpointRunRecord, StagedManifest } from './run-history.js';
import type { StateStore } from './state-store.js';
import { CheckpointTokens } from './checkpoint-tokens.js';
import type { ParentRow, ParentRowsFile } from './parent-child/parent-rows.js';

export interface ProgressEvent {
  readonly endpoint: string;
  readonly phase: 'extracting' | 'loading' | 'succeeded' | 'failed' | 'interrupted';
  readonly pages: number;
  readonly rows: number;
  readonly bytes: number;
  readonly elapsedMs: number;
}

export interface EndpointJobContext {
  readonly runId: string;
  readonly config: FloeConfig;
  readonly stageRoot: string;
  readonly source: SourcePart;
  /** Opened lazily by the first endpoint that needs it, so an empty run never wakes a warehouse. */
  readonly destination: () => Promise<Destination>;
  readonly state: StateStore;
  /** Resume tokens of checkpoints, kept out of the run history. */
  readonly tokens: CheckpointTokens;
  readonly parts: Parts;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly redactor: Redactor;
  readonly signal: AbortSignal | undefined;
  readonly keepStage: boolean;
  /** Extra template variables (`dt` from `--dt`). */
  readonly vars: Readonly<Record<string, string>>;
  /**
   * Backfill windows: bound instead of the endpoint's state, which is left alone. Several windows
   * (a slice) are extracted one after another into the same stage files and loaded once.
   */
  readonly windows?: readonly BackfillWindow[];
  /**
   * Ask the destination's ledger before extracting: a unit another attempt already committed
   * (a slice run twice, on another machine) sends no request and loads nothing.
   */
  readonly skipCommitted?: boolean;
  /**
   * Keep the checkpoint of a failed extraction, for a next attempt under the same run id (a
   * slice's retry); a run's failure otherwise starts the endpoint afresh next time.
   */
  readonly keepProgressOnFailure?: boolean;
  readonly onProgress: (e: ProgressEvent) => void;
  /** Called whenever the record changes, so run history shows progress. */
  readonly onUpdate: () => Promise<void>;
  /** Parent/child: the parent records of a child, and where a parent keeps them for its children. */
  readonly family?: { readonly parentRows?: () => Promise<ParentRow[]>; readonly collect?: ParentRowsFile };
}

/**
 * One endpoint, start to finish: pages stream through the normalizer into Parquet files; only
 * when the extraction finished are the files loaded, in one atomic destination load that also
 * commits the endpoint's new incremental state. A failure anywhere becomes data in the record;
 * it never escapes to stop the other endpoints.
 */
export async function runEndpoint(endpoint: EndpointConfig, record: EndpointRunRecord, ctx: EndpointJobContext): Promise<void> {
  const name = endpointName(endpoint);
  const table = tableName(endpoint);
  const windows = ctx.windows && ctx.windows.length > 0 ? ctx.windows : undefined;
  const log = ctx.logger.child({ endpoint: name, ...(windows ? { window: spanId(windows) } : {}) });
  const started = ctx.clock.now();
  const dir = join(ctx.stageRoot, ctx.runId, table);
  const progress = (phase: ProgressEvent['phase']): void =>
    ctx.onProgress({ endpoint: name, phase, pages: record.pages, rows: record.rows, bytes: record.bytes, elapsedMs: ctx.clock.now() - started });

  let previousSeen: string[] | undefined;
  /** The staged files being loaded (set once the extraction is complete). */
  let loading: StagedManifest | undefined;
  record.status = 'running';
  await ctx.onUpdate();
  try {
    if (ctx.skipCommitted && !record.staged && (await committedBefore())) return;
    const staged = (await usableManifest(record.staged)) ?? (await extract());
    // Files staged by an earlier run are loaded under that run's id: the ledger then knows
    // whether that load already committed (exactly once), whichever run retries it.
    const loadRunId = staged.run_id ?? ctx.runId;
    loading = staged;
    if (staged.rows === 0) {
      log.info('no rows; nothing to load');
      if (staged.state && endpoint.load === false) {
        // Extracted for its children only: no data to commit the cursor with, so it is written alone.
        await ctx.state.write(name, staged.state.value, ctx.signal);
      }
    } else {
      progress('loading');
      // The extraction's garbage goes before the warehouse client takes its working memory.
      new HeapGuard().collect();
      const loadStarted = ctx.clock.now();
      const destination = await ctx.destination();
      const result = await destination.load(
        {
          runId: loadRunId,
          connector: ctx.config.name,
          endpoint: name,
          table,
          columns: staged.columns,
          files: staged.files,
          rows: staged.rows,
          writeDisposition: endpoint.write_disposition ?? ctx.config.destination.write_disposition,
          ...(endpoint.primary_key ? { primaryKey: endpoint.primary_key } : {}),
          ...(endpoint.merge_strategy === 'scd2'
            ? { scd2: { validFrom: endpoint.validity_columns?.[0] ?? 'valid_from', validTo: endpoint.validity_columns?.[1] ?? 'valid_to' } }
            : {}),
          ...(staged.state ? { state: staged.state } : {}),
        },
        ctx.signal,
      );
      if (staged.state) await ctx.state.committed(name, staged.state.value);
      record.rows_loaded = result.rowsLoaded;
      if (result.alreadyLoaded) record.already_loaded = true;
      record.load_ms = ctx.clock.now() - loadStarted;
      if (result.queryIds.length) record.query_ids = [...result.queryIds];
      log.info(result.alreadyLoaded ? 'already committed under this run id (by an earlier attempt or another process); nothing loaded now' : 'loaded', {
        table,
        rows: result.rowsLoaded,
        query_ids: result.queryIds.join(',') || undefined,
        ...(staged.state ? { state: JSON.stringify(staged.state.value) } : {}),
      });
    }
    record.status = 'succeeded';
    delete record.staged;
    await ctx.tokens.drop(ctx.runId, name);
    progress('succeeded');
    if (!ctx.keepStage) await rm(join(ctx.stageRoot, loadRunId, table), { recursive: true, force: true });
  } catch (e) {
    const err = toFloeError(e);
    if (ctx.signal?.aborted) {
      // Stopped by a signal: like a crash, keep the stage files, the manifest and the checkpoint,
      // so the next run of this config continues under the same run id.
      record.status = 'interrupted';
      log.warn('interrupted; the next run continues from here', {
        pages: record.pages,
        rows: record.rows,
        ...(record.staged ? { staged_files: record.staged.files.length } : {}),
        ...(record.checkpoint ? { checkpoint_pages: record.checkpoint.pages } : {}),
      });
      progress('interrupted');
      return;
    }
    record.status = 'failed';
    if (!ctx.keepProgressOnFailure) {
      delete record.checkpoint;
      await ctx.tokens.drop(ctx.runId, name).catch(() => undefined);
    }
    record.error = errorRecord(err, ctx.redactor);
    if (loading && loading.rows > 0) {
      // The extraction is complete and on disk; only the load failed (a locked DuckDB file, a
      // warehouse outage). Keep the files: the next run loads them without fetching again.
      record.staged = { ...loading, run_id: loading.run_id ?? ctx.runId };
      log.error('load failed; the stage files are kept and the next run loads them without fetching again', {
        code: err.code,
        error: record.error.message,
        files: loading.files.length,
      });
    } else {
      delete record.staged;
      // A kept checkpoint names files in `dir`: the next attempt resumes from them.
      if (!ctx.keepStage && !(ctx.keepProgressOnFailure && record.checkpoint)) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      log.error('endpoint failed', { code: err.code, error: record.error.message });
    }
    progress('failed');
  } finally {
    await ctx.onUpdate();
  }

  /** The range (or windows), then pages → Parquet; the manifest is saved before anything is loaded. */
  async function extract(): Promise<StagedManifest> {
    const segments = windows
      ? windows.map((window) => windowRange({ endpoint: name, config: endpoint.incremental, window }))
      : [await incrementalRange()];
    const range = segments.length === 1 ? segments[0] : undefined;
    if (range?.empty) {
      log.info('incremental range is empty (start >= end); nothing to request', { start: range.vars['incremental.start_value'] });
      return { files: [], columns: [], rows: 0 };
    }
    const first = segments[0]?.vars;
    const last = segments[segments.length - 1]?.vars;
    log.info('extracting', {
      table,
      ...(first && last ? { from: first['incremental.start_value'], to: last['incremental.end_value'] } : {}),
      ...(segments.length > 1 ? { windows: segments.length } : {}),
    });
    const parentRows = ctx.family?.parentRows ? await ctx.family.parentRows() : undefined;
    const manifest = await extractEndpoint(endpoint, record, {
      ...(parentRows ? { parentRows } : {}),
      ...(ctx.family?.collect ? { collect: ctx.family.collect } : {}),
      name,
      dir,
      config: ctx.config,
      source: ctx.source,
      parts: ctx.parts,
      log,
      signal: ctx.signal,
      segments: segments.map((r) => ({ range: r, vars: { ...ctx.vars, ...(r?.vars ?? {}) } })),
      advanceState: windows === undefined,
      previousSeen,
      onPage: () => progress('extracting'),
      save: ctx.onUpdate,
      ...(ctx.keepProgressOnFailure ? { keepProgressOnFailure: true } : {}),
      columnsFile: join(ctx.stageRoot, '..', 'columns', ctx.config.name.replace(/[^\w.-]/g, '_'), `${table.replace(/[^\w.-]/g, '_')}.json`),
      tokens: {
        save: (next) => ctx.tokens.save(ctx.runId, name, next),
        load: () => ctx.tokens.load(ctx.runId, name),
        shown: (next) => CheckpointTokens.shown(ctx.redactor.value(next)),
      },
    });
    record.extract_ms = ctx.clock.now() - started;
    log.info('extracted', { pages: record.pages, rows: record.rows, files: manifest.files.length });
    record.staged = manifest;
    await ctx.onUpdate();
    return manifest;
  }

  async function incrementalRange(): Promise<IncrementalRange | undefined> {
    if (!endpoint.incremental) return undefined;
    const state = await ctx.state.read(name, ctx.signal);
    const seen = (state as { seen?: unknown } | undefined)?.seen;
    if (Array.isArray(seen)) previousSeen = seen.filter((h): h is string => typeof h === 'string');
    return computeIncrementalRange({ endpoint: name, config: endpoint.incremental, state });
  }

  /** True (and the record finished) when the ledger already holds this unit's load. */
  async function committedBefore(): Promise<boolean> {
    const done = await (await ctx.destination()).ledgerEntry(ctx.runId, { connector: ctx.config.name, endpoint: name }, ctx.signal);
    if (!done) return false;
    Object.assign(record, { status: 'succeeded', rows_loaded: done.rows, already_loaded: true });
    delete record.checkpoint;
    delete record.error;
    await ctx.tokens.drop(ctx.runId, name);
    if (!ctx.keepStage) await rm(dir, { recursive: true, force: true });
    log.info('already committed by another attempt; nothing requested or loaded', { table, rows: done.rows, run_id: ctx.runId });
    progress('succeeded');
    return true;
  }

  /** A crashed run's manifest, if every file it names is still on disk. */
  async function usableManifest(m: StagedManifest | undefined): Promise<StagedManifest | undefined> {
    if (!m) return undefined;
    if (await allOnDisk(m.files)) {
      log.info('resuming: loading the stage files of the interrupted run', { files: m.files.length, rows: m.rows });
      return m;
    }
    log.warn('stage files of the interrupted run are gone; extracting again');
    return undefined;
  }
}

function errorRecord(e: FloeError, redactor: Redactor): EndpointErrorRecord {
  const d = e.details;
  return {
    code: e.code,
    kind: e.kind,
    message: redactor.text(e.message),
    ...(typeof d.url === 'string' ? { url: redactor.url(d.url) } : {}),
    ...(typeof d.status === 'number' ? { status: d.status } : {}),
    ...(typeof d.body_excerpt === 'string' ? { body_excerpt: redactor.text(d.body_excerpt) } : {}),
  };
}

/** A window's id, or `<first start>..<last end>` for a run of windows. */
function spanId(windows: readonly BackfillWindow[]): string {
  if (windows.length === 1) return windows[0]!.id;
  return `${windows[0]!.id.split('..')[0]}..${windows[windows.length - 1]!.id.split('..')[1]}`;
}
