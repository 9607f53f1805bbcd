/**
 * Column batches → Parquet stage files (`part-00000.parquet`, …) in one directory, ZSTD, rotated
 * on schema change and at about `fileMaxBytes`.
 *
 * The main thread turns each batch into Arrow IPC bytes (arrow-columns.ts) and transfers them to
 * a worker thread that encodes Parquet incrementally (parquet-worker-source.ts). Memory stays
 * flat: at most `maxQueuedBatches` batches wait for the worker, a file is streamed to disk row
 * group by row group, and each writer's worker (with its wasm heap, which never shrinks) ends with
 * the writer.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Column, ColumnBatch, StageFile } from '../types.js';
import { FloeError, isFloeError } from '../util/errors.js';
import { ArrowEncoder } from './arrow-columns.js';
import { ParquetWorkerClient } from './parquet-worker-client.js';

/** Options for a {@link ParquetStageWriter}. */
export interface StageWriterOptions {
  /** Directory for this writer's files; created if missing. Files: part-00000.parquet, … */
  dir: string;
  /** Rotate to a new file at about this many bytes (config `stage.file_max_mb`, default 128 MB). */
  fileMaxBytes: number;
  /** Aborting stops the writer and deletes its files; pending and later calls reject `ABORTED`. */
  signal?: AbortSignal;
  /** Maximum rows per Parquet row group (default {@link ROW_GROUP_ROWS}). */
  rowGroupRows?: number;
  /** Batches allowed to wait for the encoder before `write` waits (default 2). */
  maxQueuedBatches?: number;
  /** Number of the first file (`part-<firstPart>.parquet`), to continue after a checkpoint. */
  firstPart?: number;
}

interface OpenFile {
  readonly id: number;
  readonly path: string;
  readonly columns: readonly Column[];
  rows: number;
  /** Arrow IPC bytes sent, the basis of the size estimate. */
  ipcBytes: number;
}

/**
 * Compressed bytes per Arrow IPC byte assumed until a file says otherwise. On purpose on the high
 * side (perf.md's data: 0.26; the bench's: 0.06): an early rotation costs one smaller file, an
 * overshoot costs a file past the limit.
 */
const INITIAL_RATIO = 0.35;
/** Bytes on disk after which a file's own compression ratio is trusted. */
const LEARN_AFTER = 4 << 20;

/**
 * Rows, cells and Arrow bytes a row group may hold. The encoder keeps the open row group in (wasm)
 * memory, and wasm memory never shrinks; a reader (DuckDB's load, within its `memory_limit`) holds
 * a row group's column chunks. So a wide table or big values get fewer rows per group: 26 columns
 * of typical values keep 16,384 rows, 600 columns 1,024, records of ~100 KB of text ~320.
 * 16,384 rows (not 65,536) took 23 MB off the bench's peak RSS to Parquet, at the same speed and
 * 2 % more staged bytes; the load reads the files as fast.
 */
const ROW_GROUP_ROWS = 16_384;
const ROW_GROUP_CELLS = 1 << 19;
const ROW_GROUP_BYTES = 32 << 20;

function rowGroupRows(max: number, columns: number, bytesPerRow: number): number {
  const byCells = Math.max(1024, Math.floor(ROW_GROUP_CELLS / Math.max(1, columns)));
  const byBytes = Math.max(64, Math.floor(ROW_GROUP_BYTES / Math.max(1, bytesPerRow)));
  return Math.min(max, byCells, byBytes);
}

function sameColumns(a: readonly Column[], b: readonly Column[]): boolean {
  return a.length === b.length && a.every((c, i) => c.name === b[i]?.name && c.type === b[i]?.type);
}

function stageError(path: string, e: unknown): FloeError {
  if (isFloeError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new FloeError('STAGE_WRITE_FAILED', 'terminal', `writing stage file ${path} failed: ${message}`, {
    details: { path },
    cause: e,
  });
}

function aborted(): FloeError {
  return new FloeError('ABORTED', 'terminal', 'stage writer aborted');
}

/**
 * Writes one endpoint's batches to Parquet files.
 *
 * @example
 * ```ts
 * const w = new ParquetStageWriter({ dir: '.floe/stage/run1/users', fileMaxBytes: 128 * 2 ** 20 });
 * try {
 *   for (const batch of batches) await w.write(batch);
 *   const files = await w.close();
 * } catch (e) {
 *   await w.abort();
 *   throw e;
 * }
 * ```
 */
export class ParquetStageWriter {
  readonly #opts: StageWriterOptions;
  readonly #encoder = new ArrowEncoder();
  readonly #done: StageFile[] = [];
  readonly #closing: Promise<void>[] = [];
  readonly #paths: string[] = [];
  #client: ParquetWorkerClient | undefined;
  #current: OpenFile | undefined;
  #ratio = INITIAL_RATIO;
  #state: 'open' | 'closed' | 'aborted' = 'open';
  #dirReady = false;
  #wasmBytes = 0;
  /** The last queued write/close: they run in call order. */
  #tail: Promise<void> = Promise.resolve();
  readonly #onAbort = (): void => void this.abort();

  constructor(opts: StageWriterOptions) {
    this.#opts = opts;
    opts.signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /**
   * Appends a batch; rotates to a new file when the batch's schema differs from the current
   * file's or the file would exceed `fileMaxBytes`. Resolves when the worker has room for more
   * (backpressure): await it. Calls made without awaiting still run one after another.
   */
  write(batch: ColumnBatch): Promise<void> {
    return this.#serial(() => this.#write(batch));
  }

  /**
   * Finishes the current file and waits until every file so far is complete on disk; returns
   * them, in order. Writing goes on into a new file with the same worker: this is how an
   * extraction checkpoints without paying for a new worker and wasm heap.
   */
  async checkpoint(): Promise<StageFile[]> {
    this.#check();
    if (this.#current !== undefined) this.#finish(this.#current);
    await Promise.all(this.#closing);
    this.#check();
    return [...this.#done].sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  /** Finishes the last file and returns every file written (path, rows, bytes, columns), in order. */
  close(): Promise<StageFile[]> {
    return this.#serial(() => this.#close());
  }

  #serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(op);
    this.#tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  async #write(batch: ColumnBatch): Promise<void> {
    this.#check();
    if (batch.length === 0) return;
    let cur = this.#current;
    let ipcs: Uint8Array[];
    try {
      ipcs = this.#encoder.encode(batch);
    } catch (e) {
      throw stageError(cur?.path ?? this.#nextPath(), e);
    }
    const size = ipcs.reduce((s, b) => s + b.byteLength, 0);
    if (cur !== undefined && (!sameColumns(cur.columns, batch.columns) || this.#wouldExceed(cur, size))) {
      this.#finish(cur);
      cur = undefined;
    }
    cur ??= await this.#open(batch.columns, size / batch.length);
    cur.rows += batch.length;
    cur.ipcBytes += size;
    try {
      for (const ipc of ipcs) await (this.#client as ParquetWorkerClient).send(cur.id, ipc);
    } catch (e) {
      throw this.#state === 'aborted' ? aborted() : stageError(cur.path, e);
    }
  }

  async #close(): Promise<StageFile[]> {
    this.#check();
    if (this.#current !== undefined) this.#finish(this.#current);
    try {
      await Promise.all(this.#closing);
    } finally {
      this.#state = this.#state === 'aborted' ? 'aborted' : 'closed';
      this.#opts.signal?.removeEventListener('abort', this.#onAbort);
      await this.#client?.terminate();
    }
    if (this.#state === 'aborted') throw aborted();
    return [...this.#done].sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  /** Stops at once and deletes every file this writer created (finished or partial). Idempotent. */
  async abort(): Promise<void> {
    if (this.#state === 'aborted') return;
    this.#state = 'aborted';
    this.#current = undefined;
    this.#opts.signal?.removeEventListener('abort', this.#onAbort);
    await this.#client?.terminate();
    // The close promises reject once the worker is gone; they are reported by close(), not here.
    await Promise.allSettled(this.#closing);
    // Best effort: a cleanup failure must not hide the error that led to the abort.
    await Promise.all(this.#paths.map((p) => rm(p, { force: true }).catch(() => undefined)));
  }

  /**
   * The worker's wasm heap at the last file close (it only grows), for benchmarks.
   * @internal
   */
  get wasmHeapBytes(): number {
    return this.#wasmBytes;
  }

  #check(): void {
    if (this.#state === 'aborted' || this.#opts.signal?.aborted === true) throw aborted();
    if (this.#state === 'closed')
      throw new FloeError('INTERNAL', 'internal', 'stage writer is already closed');
  }

  #nextPath(): string {
    const n = (this.#opts.firstPart ?? 0) + this.#paths.length;
    return join(this.#opts.dir, `part-${String(n).padStart(5, '0')}.parquet`);
  }

  #wouldExceed(cur: OpenFile, size: number): boolean {
    // Once enough of this file is on disk, its own ratio is the best guess; it runs slightly low
    // (the row group being encoded is not on disk yet), by about one row group at most.
    const written = (this.#client as ParquetWorkerClient).written(cur.id);
    const ratio =
      written >= Math.min(LEARN_AFTER, this.#opts.fileMaxBytes / 8) ? written / cur.ipcBytes : this.#ratio;
    return (cur.ipcBytes + size) * ratio > this.#opts.fileMaxBytes;
  }

  /** Opens the next file; its row groups are sized by the width and bytes per row of its first batch. */
  async #open(columns: readonly Column[], bytesPerRow: number): Promise<OpenFile> {
    const path = this.#nextPath();
    try {
      if (!this.#dirReady) await mkdir(this.#opts.dir, { recursive: true });
      this.#dirReady = true;
    } catch (e) {
      throw stageError(path, e);
    }
    this.#check(); // the signal may have fired while we waited
    this.#client ??= new ParquetWorkerClient(this.#opts.maxQueuedBatches ?? 2);
    const file: OpenFile = { id: this.#paths.length, path, columns, rows: 0, ipcBytes: 0 };
    this.#paths.push(path);
    this.#client.open(
      file.id,
      path,
      rowGroupRows(this.#opts.rowGroupRows ?? ROW_GROUP_ROWS, columns.length, bytesPerRow),
    );
    this.#current = file;
    return file;
  }

  /** Starts closing `file` without waiting, so the next file's batches can flow meanwhile. */
  #finish(file: OpenFile): void {
    this.#current = undefined;
    const closing = (this.#client as ParquetWorkerClient).close(file.id).then(
      ({ bytes, wasmBytes }) => {
        this.#wasmBytes = Math.max(this.#wasmBytes, wasmBytes);
        this.#done.push({ path: file.path, rows: file.rows, bytes, columns: file.columns });
        // A finished file gives the exact ratio; a tiny one (a few rows, mostly footer) would mislead.
        if (bytes >= 64 << 10) this.#ratio = bytes / file.ipcBytes;
      },
      (e: unknown) => {
        throw this.#state === 'aborted' ? aborted() : stageError(file.path, e);
      },
    );
    // Reported by close(); this only keeps an early failure from being an unhandled rejection.
    closing.catch(() => undefined);
    this.#closing.push(closing);
  }
}
