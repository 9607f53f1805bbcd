/**
 * Reads a stage file back as plain rows, for tests and `preview`. Uses parquet-wasm (already a
 * stage dependency) on the calling thread, so it is meant for small files or a `limit`.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Vector } from 'apache-arrow';
import { arrow } from './arrow-lib.js';
import type * as ParquetWasm from 'parquet-wasm';

/** Loaded on first use: compiling the 15 MB wasm module is not free. */
let wasm: typeof ParquetWasm | undefined;

function parquetWasm(): typeof ParquetWasm {
  wasm ??= createRequire(import.meta.url)('parquet-wasm') as typeof ParquetWasm;
  return wasm;
}

/** Options for {@link readParquetRows}. */
export interface ReadParquetOptions {
  /** Read at most this many rows. */
  limit?: number;
}

const TWO53 = 2n ** 53n;
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Arrow timestamps/dates come back as epoch milliseconds; give them the stage's text form. */
function isoFromMicros(us: bigint): string {
  const ms = Number(us / 1000n) - (us % 1000n < 0n ? 1 : 0);
  const frac = ((us % 1000000n) + 1000000n) % 1000000n;
  const d = new Date(ms);
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(Number(frac), 6)}Z`
  );
}

function converter(vector: Vector): (i: number) => unknown {
  const typeId = String(vector.type);
  if (typeId.startsWith('Timestamp')) {
    // Read the raw int64 microseconds: the Vector accessor rounds to milliseconds.
    const data = vector.data.map((d) => ({ values: d.values as BigInt64Array, length: d.length }));
    return (i) => {
      if (!vector.isValid(i)) return null;
      let k = i;
      for (const d of data) {
        if (k < d.length) return isoFromMicros(d.values[k] as bigint);
        k -= d.length;
      }
      return null;
    };
  }
  if (typeId.startsWith('Decimal')) {
    // apache-arrow hands out the 4 little-endian 32-bit words of each 128-bit value.
    return (i) => {
      const v = vector.get(i) as Uint32Array | null;
      if (v === null) return null;
      const w = new BigUint64Array(v.buffer, v.byteOffset, 2);
      const b = (BigInt.asIntN(64, w[1] as bigint) << 64n) | (w[0] as bigint);
      return b >= -TWO53 && b <= TWO53 ? Number(b) : b;
    };
  }
  if (typeId.startsWith('Date')) {
    return (i) => {
      const v = vector.get(i) as number | Date | null;
      return v === null ? null : new Date(v).toISOString().slice(0, 10);
    };
  }
  return (i) => {
    const v: unknown = vector.get(i);
    if (typeof v === 'bigint') return v >= -TWO53 && v <= TWO53 ? Number(v) : v;
    return v;
  };
}

/**
 * Every row of a Parquet file as `{ column: value }`, with values as a {@link ColumnBatch} holds
 * them: numbers (bigint beyond ±2^53, decimals too), booleans, strings, timestamps as
 * `YYYY-MM-DDTHH:MM:SS.ffffffZ`, dates as `YYYY-MM-DD`, binary as Uint8Array, NULL as null.
 */
export async function readParquetRows(
  path: string,
  opts: ReadParquetOptions = {},
): Promise<Record<string, unknown>[]> {
  const bytes = await readFile(path);
  const pw = parquetWasm();
  const table = arrow.tableFromIPC(
    pw
      .readParquet(
        new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        opts.limit === undefined ? null : { limit: opts.limit },
      )
      .intoIPCStream(),
  );
  const names = table.schema.fields.map((f) => f.name);
  const getters = names.map((_, c) => converter(table.getChildAt(c) as Vector));
  const rows: Record<string, unknown>[] = [];
  for (let r = 0; r < table.numRows; r++) {
    const row: Record<string, unknown> = {};
    names.forEach((n, c) => (row[n] = (getters[c] as (i: number) => unknown)(r)));
    rows.push(row);
  }
  return rows;
}
