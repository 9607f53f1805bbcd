import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { endpointName, tableName } from '../config/load-config.js';
import type { EndpointConfig, FloeConfig } from '../config/schema.js';
import type { Destination } from '../types.js';
import type { Clock } from '../util/clock.js';
import { toFloeError, type FloeError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import type { Redactor } from '../util/redact.js';
import type { Parts, SourcePart } from './parts.js';
import type { EndpointErrorRecord, EndpointRunRecord, StagedManifest } from './run-history.js';

export interface ProgressEvent {
  readonly endpoint: string;
  readonly phase: 'extracting' | 'loading' | 'succeeded' | 'failed';
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
  /** Opened lazily by the first endpoint with rows to load, so an empty run never wakes a warehouse. */
  readonly destination: () => Promise<Destination>;
  readonly parts: Parts;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly redactor: Redactor;
  readonly signal: AbortSignal | undefined;
  readonly keepStage: boolean;
  readonly onProgress: (e: ProgressEvent) => void;
  /** Called whenever the record changes, so run history shows progress. */
  readonly onUpdate: () => Promise<void>;
}

/**
 * One endpoint, start to finish: pages stream through the normalizer into Parquet files; only
 * when the extraction finished are the files loaded, in one atomic destination load. A failure
 * anywhere becomes data in the record; it never escapes to stop the other endpoints.
 */
export async function runEndpoint(endpoint: EndpointConfig, record: EndpointRunRecord, ctx: EndpointJobContext): Promise<void> {
  const name = endpointName(endpoint);
  const table = tableName(endpoint);
  const log = ctx.logger.child({ endpoint: name });
  const started = ctx.clock.now();
  const dir = join(ctx.stageRoot, ctx.runId, table);
  const progress = (phase: ProgressEvent['phase']): void =>
    ctx.onProgress({ endpoint: name, phase, pages: record.pages, rows: record.rows, bytes: record.bytes, elapsedMs: ctx.clock.now() - started });

  record.status = 'running';
  await ctx.onUpdate();
  const writer = ctx.parts.createStageWriter({
    dir,
    fileMaxBytes: ctx.config.stage.file_max_mb * 1024 * 1024,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  try {
    const staged = (await usableManifest(record.staged)) ?? (await extract());
    if (staged.rows === 0) {
      log.info('no rows; nothing to load');
    } else {
      progress('loading');
      const loadStarted = ctx.clock.now();
      const destination = await ctx.destination();
      const result = await destination.load(
        {
          runId: ctx.runId,
          endpoint: name,
          table,
          columns: staged.columns,
          files: staged.files,
          rows: staged.rows,
          writeDisposition: endpoint.write_disposition ?? ctx.config.destination.write_disposition,
          ...(endpoint.primary_key ? { primaryKey: endpoint.primary_key } : {}),
          ...(staged.state ? { state: staged.state } : {}),
        },
        ctx.signal,
      );
      record.rows_loaded = result.rowsLoaded;
      record.load_ms = ctx.clock.now() - loadStarted;
      if (result.queryIds.length) record.query_ids = [...result.queryIds];
      log.info(result.alreadyLoaded ? 'already loaded by this run before it was interrupted' : 'loaded', {
        table,
        rows: result.rowsLoaded,
        query_ids: result.queryIds.join(',') || undefined,
      });
    }
    record.status = 'succeeded';
    delete record.staged;
    progress('succeeded');
    if (!ctx.keepStage) await rm(dir, { recursive: true, force: true });
  } catch (e) {
    await writer.abort().catch(() => undefined);
    const err = toFloeError(e);
    record.status = 'failed';
    delete record.staged; // the writer's abort removed the files; a later run extracts afresh
    record.error = errorRecord(err, ctx.redactor);
    log.error('endpoint failed', { code: err.code, error: record.error.message });
    progress('failed');
  } finally {
    await ctx.onUpdate();
  }

  /** Pages → normalizer → Parquet; the manifest is saved before anything is loaded. */
  async function extract(): Promise<StagedManifest> {
    await rm(dir, { recursive: true, force: true }); // leftovers of an interrupted attempt
    Object.assign(record, { rows: 0, pages: 0, bytes: 0, files: 0 });
    const normalizer = ctx.parts.createNormalizer({
      endpoint: name,
      batchRows: ctx.config.stage.batch_rows,
      ...(endpoint.columns ? { columns: endpoint.columns } : {}),
      ...(endpoint.schema ? { schema: endpoint.schema } : {}),
    });
    log.info('extracting', { table, url: ctx.redactor.url(endpoint.path) });
    for await (const page of ctx.source.pages(endpoint, ctx.signal ? { signal: ctx.signal } : {})) {
      for (const batch of normalizer.push(page.records)) await writer.write(batch);
      record.pages += 1;
      record.rows += page.records.length;
      record.bytes += page.bytes;
      progress('extracting');
    }
    const last = normalizer.flush();
    if (last) await writer.write(last);
    const files = await writer.close();
    record.files = files.length;
    record.extract_ms = ctx.clock.now() - started;
    log.info('extracted', { pages: record.pages, rows: record.rows, files: files.length });
    const manifest: StagedManifest = { files, columns: normalizer.columns, rows: files.reduce((n, f) => n + f.rows, 0) };
    record.staged = manifest;
    await ctx.onUpdate();
    return manifest;
  }

  /** A crashed run's manifest, if every file it names is still on disk. */
  async function usableManifest(m: StagedManifest | undefined): Promise<StagedManifest | undefined> {
    if (!m) return undefined;
    const present = await Promise.all(m.files.map((f) => stat(f.path).then(() => true, () => false)));
    if (present.every(Boolean)) {
      log.info('resuming: loading the stage files of the interrupted run', { files: m.files.length, rows: m.rows });
      return m;
    }
    log.warn('stage files of the interrupted run are gone; extracting again');
    return undefined;
  }
}

function errorRecord(e: FloeError, redactor: Redactor): EndpointErrorRecord {
  const d = e.details;
  const out: EndpointErrorRecord = {
    code: e.code,
    kind: e.kind,
    message: redactor.text(e.message),
    ...(typeof d.url === 'string' ? { url: redactor.url(d.url) } : {}),
    ...(typeof d.status === 'number' ? { status: d.status } : {}),
    ...(typeof d.body_excerpt === 'string' ? { body_excerpt: redactor.text(d.body_excerpt) } : {}),
  };
  return out;
}

