import type { ColumnBatch, LogicalType } from '../../src/types.js';
import { Normalizer, type NormalizerOptions } from '../../src/normalize/normalizer.js';

export const ENGINES = ['auto', 'generic'] as const;

/** Pushes every page, flushes, and returns all batches. */
export function run(
  opts: NormalizerOptions,
  pages: readonly (readonly unknown[])[],
): { n: Normalizer; batches: ColumnBatch[] } {
  const n = new Normalizer(opts);
  const batches: ColumnBatch[] = [];
  for (const p of pages) batches.push(...n.push(p));
  const last = n.flush();
  if (last !== undefined) batches.push(last);
  return { n, batches };
}

/** Row objects (column name → value) of a batch. */
export function rowsOf(batch: ColumnBatch): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let r = 0; r < batch.length; r++) {
    const row: Record<string, unknown> = {};
    batch.columns.forEach((c, i) => (row[c.name] = batch.values[i]?.[r]));
    out.push(row);
  }
  return out;
}

export function allRows(batches: readonly ColumnBatch[]): Record<string, unknown>[] {
  return batches.flatMap(rowsOf);
}

/** Asserts the contract every batch must meet: one schema, values of its types, full length. */
export function checkBatch(b: ColumnBatch): void {
  if (b.values.length !== b.columns.length) throw new Error('values/columns length differ');
  b.columns.forEach((c, i) => {
    const values = b.values[i] ?? [];
    if (values.length !== b.length)
      throw new Error(`column ${c.name} has ${values.length} values, batch ${b.length}`);
    for (const v of values) {
      if (v === null) continue;
      if (!fits(v, c.type))
        throw new Error(`column ${c.name} (${c.type}) holds ${typeof v} ${JSON.stringify(v)}`);
    }
  });
}

function fits(v: unknown, t: LogicalType): boolean {
  switch (t) {
    case 'long':
    case 'decimal':
      return (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint';
    case 'null':
      return false;
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'double':
    case 'float':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    case 'string':
    case 'json':
    case 'timestamp':
    case 'date':
      return typeof v === 'string';
    case 'binary':
      return v instanceof Uint8Array;
  }
}

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
