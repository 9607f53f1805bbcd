/**
 * The Parquet worker, as plain CommonJS source run with `new Worker(source, { eval: true })`.
 *
 * Why a string: a worker needs a file Node can load as is. A `.ts` worker does not load from
 * `dist/` unless renamed, vitest does not transpile worker entry files, and tsc does not copy a
 * hand-written `.js` file into `dist/`. A string travels with whichever module imported it, so
 * the same code runs under vitest and from `dist/`. It only needs parquet-wasm, whose path the
 * main thread resolves and passes in `workerData` (an eval worker resolves `require` from the
 * process's cwd, not from this package).
 *
 * Protocol (main → worker):
 * - `{ op: 'open', id, path, rowGroupRows }` starts a file: an incremental parquet-wasm
 *   `transformParquetStream` (ZSTD) whose output is appended to `path` as it is produced, so a
 *   file is never held in memory whole.
 * - `{ op: 'batch', id, ipc }` queues one Arrow IPC stream (its buffer transferred).
 * - `{ op: 'close', id }` finishes the file.
 *
 * Worker → main:
 * - `{ op: 'ack', id, bytes }` when a queued batch is handed to the encoder (the main thread
 *   counts these for backpressure); `bytes` is what has reached the file so far. The batch's
 *   buffer is transferred back with it, to be freed by the main thread's GC.
 * - `{ op: 'closed', id, bytes, wasmBytes }` once the file is complete, closed, and its footer
 *   counts every row sent (parquet-wasm swallows encoder errors, so this is checked).
 * - `{ op: 'error', id, message }` when the file failed; the worker stays usable for others.
 */
export const PARQUET_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const pw = require(workerData.parquetWasm);

const files = new Map();

function fail(f, err) {
  if (f.failed) return;
  f.failed = true;
  files.delete(f.id);
  if (f.fd >= 0) {
    try { fs.closeSync(f.fd); } catch {}
    f.fd = -1;
  }
  const message = err && err.message ? err.message : String(err);
  parentPort.postMessage({ op: 'error', id: f.id, message });
}

// Hands the next queued batch (or the end) to the encoder; called from the stream's pull.
function feed(f, ctrl) {
  if (f.queue.length > 0) {
    const ipc = f.queue.shift();
    const table = pw.Table.fromIPCStream(ipc);
    try {
      for (const rb of table.recordBatches()) {
        f.rows += rb.numRows;
        ctrl.enqueue(rb);
      }
    } finally {
      table.free();
    }
    // The batch is in wasm memory now. Its buffer goes back to the main thread, where frequent
    // GCs free it at once: this worker allocates so little that a received buffer waited here for
    // the external-memory limit (~20 MB of dead batches at any time).
    parentPort.postMessage({ op: 'ack', id: f.id, bytes: f.bytes }, [ipc.buffer]);
  } else if (f.closing) {
    ctrl.close();
  }
}

async function drain(f, out) {
  const reader = out.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    let off = 0;
    while (off < value.length) off += fs.writeSync(f.fd, value, off, value.length - off);
    f.bytes += value.length;
  }
}

// transformParquetStream discards the encoder's errors (parquet-wasm 0.8 ignores the result of
// each write and of close), so a finished file is checked: its footer must count every row sent.
async function verify(f) {
  const file = await pw.ParquetFile.fromFile(await fs.openAsBlob(f.path));
  try {
    const meta = file.metadata();
    const rows = meta.fileMetadata().numRows();
    if (rows !== f.rows) throw new Error('Parquet encoder lost rows: ' + f.rows + ' sent, ' + rows + ' in the file');
  } finally {
    file.free();
  }
}

function open(m) {
  const f = { id: m.id, path: m.path, queue: [], closing: false, waiter: null, bytes: 0, rows: 0, fd: -1, failed: false };
  files.set(m.id, f);
  try {
    f.fd = fs.openSync(m.path, 'w');
  } catch (e) {
    fail(f, e);
    return;
  }
  // Every builder call consumes the old builder: reassign each time.
  let props = new pw.WriterPropertiesBuilder();
  props = props.setCompression(pw.Compression.ZSTD);
  props = props.setMaxRowGroupSize(m.rowGroupRows);
  props = props.setCreatedBy('floe');
  props = props.build();
  // highWaterMark 0: the encoder pulls one batch at a time, so nothing piles up in this worker.
  const input = new ReadableStream(
    {
      pull(ctrl) {
        return new Promise((resolve) => {
          f.waiter = () => {
            f.waiter = null;
            try {
              feed(f, ctrl);
            } catch (e) {
              ctrl.error(e);
            }
            resolve();
          };
          if (f.queue.length > 0 || f.closing) f.waiter();
        });
      },
    },
    { highWaterMark: 0 },
  );
  pw.transformParquetStream(input, props)
    .then((out) => drain(f, out))
    .then(() => {
      if (f.failed) return undefined;
      fs.closeSync(f.fd);
      f.fd = -1;
      return verify(f);
    })
    .then(() => {
      if (f.failed) return;
      files.delete(f.id);
      parentPort.postMessage({ op: 'closed', id: f.id, bytes: f.bytes, wasmBytes: pw.wasmMemory().buffer.byteLength });
    })
    .catch((e) => fail(f, e));
}

parentPort.on('message', (m) => {
  if (m.op === 'open') return open(m);
  const f = files.get(m.id);
  if (f === undefined) return;
  if (m.op === 'batch') f.queue.push(m.ipc);
  else if (m.op === 'close') f.closing = true;
  if (f.waiter !== null) f.waiter();
});
`;
