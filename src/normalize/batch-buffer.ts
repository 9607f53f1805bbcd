/**
 * The batch being filled: one preallocated array per column, written by row index (the fastest
 * store V8 has for this; `push` measured 1.6× slower).
 *
 * When the schema changes mid-batch the batch follows it in place instead of being cut short: a
 * new column gets NULL for the rows already in, a widened column has those rows converted. Every
 * batch still has one schema with values of its types, and a page that discovers twenty optional
 * keys yields one batch (so one stage file) instead of twenty tiny ones.
 */
import type { Column, ColumnBatch } from '../types.js';
import type { ColumnState, SchemaListener } from './column-registry.js';
import { isInferredType, widenStored, type InferredType } from './type-lattice.js';

/**
 * Cells (rows × columns) a batch may hold: a wide endpoint gets fewer rows per batch, so a batch
 * (its column arrays and the values they hold) stays within a few MB whatever the width: 26
 * columns keep the default 16,384 rows, 600 columns get 873, 10,000 columns 64. Bigger batches
 * only cost memory (Parquet row groups are assembled from them by the writer) and, when a batch
 * holds a whole small extraction, leave the Parquet worker idle until the end.
 */
const CELL_BUDGET = 1 << 19;
const MIN_ROWS = 64;

export class BatchBuffer implements SchemaListener {
  /** `cols[c][r]`; only rows below `row` are live. */
  cols: unknown[][] = [];
  row = 0;
  readonly #maxRows: number;
  #capacity: number;

  constructor(capacity: number) {
    this.#maxRows = capacity;
    this.#capacity = capacity;
  }

  get full(): boolean {
    return this.row >= this.#capacity;
  }

  get capacity(): number {
    return this.#capacity;
  }

  columnAdded(column: ColumnState): void {
    // A wider schema holds fewer rows per batch: `full` may turn true, and the batch is taken.
    this.#capacity = Math.max(this.row, this.#fit(column.index + 1));
    const values = new Array<unknown>(this.#capacity);
    for (let r = 0; r < this.row; r++) values[r] = null;
    this.cols[column.index] = values;
  }

  columnWidened(column: ColumnState, from: InferredType): void {
    const values = this.cols[column.index];
    if (values !== undefined && isInferredType(column.type)) widenStored(values, this.row, from, column.type);
  }

  /** Rows per batch for `columns` columns. */
  #fit(columns: number): number {
    return Math.min(this.#maxRows, Math.max(MIN_ROWS, Math.floor(CELL_BUDGET / Math.max(1, columns))));
  }

  /** Hands out the filled rows as a batch and starts an empty one with the same columns. */
  take(columns: readonly ColumnState[]): ColumnBatch {
    const length = this.row;
    const schema: Column[] = columns.map((c) => Object.freeze({ name: c.name, type: c.type }));
    const values = this.cols.map((v) => {
      v.length = length;
      return v;
    });
    this.#capacity = this.#fit(columns.length);
    this.cols = columns.map(() => new Array<unknown>(this.#capacity));
    this.row = 0;
    return Object.freeze({ columns: Object.freeze(schema), length, values: Object.freeze(values) });
  }
}
