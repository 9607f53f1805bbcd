/**
 * The reference flatten: walks one record key by key, learning the schema as it goes (new paths,
 * new columns, widened types), then writes the row. It is the only code that changes the
 * registry; the generated fast path (flatten-codegen.ts) must produce exactly what this produces,
 * and a differential test holds it to that.
 */
import { FloeError } from '../util/errors.js';
import { ExactNumber } from '../util/exact-number.js';
import { isoKind } from '../util/iso-8601.js';
import type { BatchBuffer } from './batch-buffer.js';
import type { ColumnRegistry, ColumnState, FieldNode } from './column-registry.js';
import { sampleOf } from './declared-types.js';
import { inferType, toInferred, type InferredType } from './type-lattice.js';

/** True for values that flatten into child columns. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof ExactNumber);
}

/** `RECORDS_NOT_OBJECTS`, naming the endpoint, the record and a sample. */
export function recordsNotObjects(endpoint: string, record: unknown, recordNo: number): FloeError {
  const sample = sampleOf(record);
  return new FloeError(
    'RECORDS_NOT_OBJECTS',
    'terminal',
    `endpoint "${endpoint}": record ${recordNo} is ${sample}, not a JSON object; ` +
      'check records_path points at an array of objects',
    { details: { endpoint, record: recordNo, sample } },
  );
}

/** Reusable scratch: the (column, raw value) pairs of the record being flattened. */
const hitCols: ColumnState[] = [];
const hitVals: unknown[] = [];

function walk(registry: ColumnRegistry, node: FieldNode, obj: Record<string, unknown>): void {
  for (const key of Object.keys(obj)) {
    const child = registry.child(node, key);
    if (child.dropped) continue;
    const v = obj[key];
    if (v === undefined) continue;
    if (v === null) {
      // A field seen only as null still gets a column; one seen as an object does not need one.
      if (!child.hasLeaf && child.childList.length === 0) registry.sawNull(child);
      continue;
    }
    const col = child.column;
    if (col?.convert !== undefined) {
      // Declared columns take whatever is at their path, objects included (string → JSON text).
      hitCols.push(col);
      hitVals.push(v);
    } else if (isPlainObject(v) && !child.flat) {
      walk(registry, child, v);
    } else {
      const type = typeof v === 'string' && registry.inferTimestamps ? (isoKind(v) ?? 'string') : inferType(v);
      const c = registry.observe(child, type, v instanceof ExactNumber);
      if (c !== undefined) {
        hitCols.push(c);
        hitVals.push(v);
      }
    }
  }
}

/**
 * Flattens `record` into row `buffer.row` (every column is written, absent ones as null) and
 * advances the row. Schema changes reach the buffer through the registry's listener before the
 * row is written, so the row is converted with the final types.
 */
export function flattenGeneric(
  endpoint: string,
  registry: ColumnRegistry,
  buffer: BatchBuffer,
  record: unknown,
  recordNo: number,
): void {
  if (!isPlainObject(record)) throw recordsNotObjects(endpoint, record, recordNo);
  hitCols.length = 0;
  hitVals.length = 0;
  try {
    walk(registry, registry.root, record);
    const row = buffer.row;
    const cols = buffer.cols;
    for (const values of cols) values[row] = null;
    for (let h = 0; h < hitCols.length; h++) {
      const col = hitCols[h] as ColumnState;
      const v = hitVals[h];
      const values = cols[col.index] as unknown[];
      values[row] =
        col.convert !== undefined ? col.convert(v, recordNo) : toInferred(v, col.type as InferredType);
    }
    buffer.row = row + 1;
  } finally {
    // Do not keep the last record's values alive.
    hitVals.length = 0;
  }
}
