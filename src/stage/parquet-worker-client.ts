/**
 * The main-thread side of the Parquet worker (parquet-worker-source.ts): Parquet encoding is
 * about 40 % of a single-threaded pipeline (perf.md), so it runs on the second core while the
 * main thread fetches, parses, flattens and builds Arrow buffers.
 *
 * Backpressure: at most `maxQueued` batches may wait in the worker; `send` resolves once the
 * worker has taken enough of them, so memory stays flat however fast the producer is.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { PARQUET_WORKER_SOURCE } from './parquet-worker-source.js';

/** What the worker reports for a finished file. */
export interface ClosedFile {
  readonly bytes: number;
  /** The worker's wasm heap size at that point (it never shrinks; for diagnostics). */
  readonly wasmBytes: number;
}

interface FileState {
  readonly path: string;
  /** Batches sent and not yet taken by the encoder. */
  queued: number;
  /** Bytes in the file so far, as of the last message from the worker. */
  written: number;
  error: Error | undefined;
  onClosed: ((c: ClosedFile) => void) | undefined;
  onFailed: ((e: Error) => void) | undefined;
}

type WorkerMessage =
  | { op: 'ack'; id: number; bytes: number }
  | { op: 'closed'; id: number; bytes: number; wasmBytes: number }
  | { op: 'error'; id: number; message: string };

const parquetWasmPath = createRequire(import.meta.url).resolve('parquet-wasm');

export class ParquetWorkerClient {
  readonly #worker: Worker;
  readonly #files = new Map<number, FileState>();
  readonly #maxQueued: number;
  #queued = 0;
  #wake: (() => void)[] = [];
  #dead: Error | undefined;
  #terminating = false;
  /** Callers awaiting the worker; only while there are any does it keep the process alive. */
  #awaiting = 0;

  constructor(maxQueued: number) {
    this.#maxQueued = maxQueued;
    this.#worker = new Worker(PARQUET_WORKER_SOURCE, {
      eval: true,
      workerData: { parquetWasm: parquetWasmPath },
    });
    this.#worker.on('message', (m: WorkerMessage) => this.#onMessage(m));
    this.#worker.on('error', (e) => this.#die(e));
    this.#worker.on('exit', (code) => {
      if (!this.#terminating) this.#die(new Error(`Parquet worker exited unexpectedly (code ${code})`));
    });
    // A writer someone forgot to close must not keep the process from exiting.
    this.#worker.unref();
  }

  /** Keeps the process alive while `p` (which needs the worker) is pending. */
  async #hold<T>(p: Promise<T>): Promise<T> {
    if (this.#awaiting++ === 0) this.#worker.ref();
    try {
      return await p;
    } finally {
      if (--this.#awaiting === 0) this.#worker.unref();
    }
  }

  /** Starts a file. Errors surface on the next `send` or on `close`. */
  open(id: number, path: string, rowGroupRows: number): void {
    this.#files.set(id, {
      path,
      queued: 0,
      written: 0,
      error: undefined,
      onClosed: undefined,
      onFailed: undefined,
    });
    this.#worker.postMessage({ op: 'open', id, path, rowGroupRows });
  }

  /** Bytes written to the file so far (lags the batches sent by what is being encoded). */
  written(id: number): number {
    return this.#files.get(id)?.written ?? 0;
  }

  /** Queues an Arrow IPC stream for the file; resolves when the worker has room for more. */
  async send(id: number, ipc: Uint8Array): Promise<void> {
    const f = this.#file(id);
    // Transfer, never copy; but never detach a buffer that is shared with other data.
    const own = ipc.byteOffset === 0 && ipc.byteLength === ipc.buffer.byteLength ? ipc : ipc.slice();
    this.#worker.postMessage({ op: 'batch', id, ipc: own }, [own.buffer as ArrayBuffer]);
    f.queued++;
    this.#queued++;
    while (this.#queued > this.#maxQueued) {
      await this.#hold(new Promise<void>((resolve) => this.#wake.push(resolve)));
      this.#file(id);
    }
  }

  /** Finishes the file; resolves when it is complete on disk. */
  close(id: number): Promise<ClosedFile> {
    let f: FileState;
    try {
      f = this.#file(id);
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    return this.#hold(
      new Promise<ClosedFile>((resolve, reject) => {
        f.onClosed = resolve;
        f.onFailed = reject;
        this.#worker.postMessage({ op: 'close', id });
      }),
    );
  }

  /** Stops the worker at once; pending sends and closes reject. */
  async terminate(): Promise<void> {
    this.#terminating = true;
    this.#die(new Error('Parquet worker stopped'));
    await this.#worker.terminate();
  }

  #file(id: number): FileState {
    const f = this.#files.get(id);
    if (f === undefined) throw new Error(`unknown stage file ${id}`);
    const e = f.error ?? this.#dead;
    if (e !== undefined) throw e;
    return f;
  }

  #onMessage(m: WorkerMessage): void {
    const f = this.#files.get(m.id);
    if (f === undefined) return;
    switch (m.op) {
      case 'ack':
        f.written = m.bytes;
        f.queued--;
        this.#release(1);
        return;
      case 'closed':
        f.written = m.bytes;
        this.#files.delete(m.id);
        f.onClosed?.({ bytes: m.bytes, wasmBytes: m.wasmBytes });
        return;
      case 'error':
        this.#fail(f, new Error(m.message));
        return;
    }
  }

  #fail(f: FileState, e: Error): void {
    if (f.error !== undefined) return;
    f.error = e;
    // Its batches will never be acked: stop counting them, or every other file would stall.
    this.#release(f.queued);
    f.queued = 0;
    f.onFailed?.(e);
  }

  #release(n: number): void {
    this.#queued -= n;
    const wake = this.#wake;
    this.#wake = [];
    for (const w of wake) w();
  }

  #die(e: Error): void {
    if (this.#dead !== undefined) return;
    this.#dead = e;
    for (const f of this.#files.values()) this.#fail(f, e);
    this.#release(0);
  }
}
