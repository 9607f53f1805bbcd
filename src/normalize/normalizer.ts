/**
 * Records → column batches: flattening, schema inference, declared types and column selection
 * for one endpoint. See column-registry.ts for the naming rules and type-lattice.ts for widening.
 */
import type { ColumnsConfig, DeclaredColumn } from '../config/schema.js';
import type { Column, ColumnBatch } from '../types.js';
import { FloeError } from '../util/errors.js';
import { BatchBuffer } from './batch-buffer.js';
import { ColumnRegistry, type KnownColumn } from './column-registry.js';
import { generateFlattener, type FastFlatten } from './flatten-codegen.js';
import type { NormalizerSettings } from './normalizer-settings.js';
import { flattenGeneric } from './generic-flatten.js';

/** Options for one endpoint's {@link Normalizer}. */
export interface NormalizerOptions {
  /** Endpoint name, for error messages. */
  endpoint: string;
  /** Column selection and renaming, applied to flattened names. */
  columns?: ColumnsConfig;
  /** Declared column types; the others are inferred. */
  schema?: DeclaredColumn[];
  /** Rows per batch (the config's `stage.batch_rows`, e.g. 65536). */
  batchRows: number;
  /**
   * Naming convention, timestamp inference, nesting depth and column limit (config `normalize`);
   * defaults: source naming, timestamps inferred, {@link DEFAULT_MAX_NESTING}, no column limit.
   */
  settings?: Partial<NormalizerSettings>;
  /** Names earlier runs gave to paths; they keep them (see column-registry.ts). */
  known?: readonly KnownColumn[];
  /**
   * `generic` turns the generated fast path off. For tests (the differential test compares both)
   * and for debugging; output is identical either way.
   * @internal
   */
  engine?: 'auto' | 'generic';
}

/**
 * After this many regenerations the schema is evidently unbounded (say, an object keyed by ids),
 * where recompiling per new key costs more than it saves: stay on the generic path.
 */
const MAX_REGENERATIONS = 500;

/**
 * After a schema change, this many records in a row must go through the generic path without
 * another change before code is regenerated: early pages often reveal keys one record at a time,
 * and recompiling for each would cost more than the generic path does.
 */
const CALM_RECORDS = 16;

/** Default `max_table_nesting`: deeper objects stay JSON text (no real API nests this deep). */
export const DEFAULT_MAX_NESTING = 32;

/**
 * Turns an endpoint's pages of records into {@link ColumnBatch}es of at most `batchRows` rows.
 *
 * - Nested objects flatten to `parent_child` columns at any depth, keeping each key's spelling;
 *   arrays become one `json` column holding `JSON.stringify` text; `null` and `{}` produce NULLs.
 * - Types are inferred (long, double, boolean, json, string; strings are never sniffed) and widen
 *   along the lattice in type-lattice.ts; declared columns are converted or fail with
 *   `SCHEMA_MISMATCH`.
 * - A column first seen late is added (earlier rows NULL). Schema changes apply to the batch being
 *   filled, so each batch has one schema, and the schema only ever grows or widens: a batch's
 *   columns are a prefix of the final {@link Normalizer.columns}, each with the same or a narrower type.
 *
 * @example
 * ```ts
 * const n = new Normalizer({ endpoint: 'users', batchRows: 65536 });
 * for (const page of pages) for (const b of n.push(page.records)) await stage.write(b);
 * const last = n.flush();
 * if (last) await stage.write(last);
 * ```
 */
export class Normalizer {
  readonly #endpoint: string;
  readonly #buffer: BatchBuffer;
  readonly #registry: ColumnRegistry;
  readonly #useFast: boolean;
  #fast: FastFlatten | undefined;
  #fastVersion = -1;
  /** Consecutive generic-path records that did not change the schema. */
  #calm = 0;
  #regenerations = 0;
  #rows = 0;
  #fastRows = 0;

  constructor(opts: NormalizerOptions) {
    if (!Number.isInteger(opts.batchRows) || opts.batchRows < 1) {
      throw new FloeError(
        'INTERNAL',
        'internal',
        `batchRows must be a positive integer, got ${opts.batchRows}`,
      );
    }
    this.#endpoint = opts.endpoint;
    this.#buffer = new BatchBuffer(opts.batchRows);
    this.#registry = new ColumnRegistry(opts.endpoint, opts.columns, opts.schema, this.#buffer, {
      naming: opts.settings?.naming ?? 'source',
      maxNesting: opts.settings?.maxNesting ?? DEFAULT_MAX_NESTING,
      maxColumns: opts.settings?.maxColumns ?? Number.POSITIVE_INFINITY,
      inferTimestamps: opts.settings?.inferTimestamps ?? true,
      known: opts.known ?? [],
    });
    this.#buffer.cols = this.#registry.columns.map(() => new Array<unknown>(opts.batchRows));
    this.#useFast = opts.engine !== 'generic';
  }

  /** Adds one page of records; returns the batches completed by it (0..n). */
  push(records: readonly unknown[]): ColumnBatch[] {
    const out: ColumnBatch[] = [];
    const buffer = this.#buffer;
    const base = this.#rows;
    const end = records.length;
    let i = 0;
    try {
      while (i < end) {
        if (buffer.full) out.push(this.#take());
        const fast = this.#fastPath();
        if (fast !== undefined) {
          const j = fast(records, i, end, buffer.row, buffer.capacity, buffer.cols, base);
          buffer.row += j - i;
          this.#fastRows += j - i;
          i = j;
          if (i === end || buffer.full) continue;
        }
        const before = this.#registry.version;
        flattenGeneric(this.#endpoint, this.#registry, buffer, records[i], base + i);
        this.#calm = this.#registry.version === before ? this.#calm + 1 : 0;
        i++;
      }
      if (buffer.full) out.push(this.#take());
    } finally {
      this.#rows = base + i;
    }
    return out;
  }

  /** Returns the last partial batch, if any. */
  flush(): ColumnBatch | undefined {
    return this.#buffer.row > 0 ? this.#take() : undefined;
  }

  /**
   * The endpoint's schema so far: every column seen, widened, in first-seen order (declared
   * columns first), after include/exclude/rename.
   */
  get columns(): readonly Column[] {
    return this.#registry.columns.map((c) => ({ name: c.name, type: c.type }));
  }

  /** Each column's name and the key path that feeds it (for keeping names across runs). */
  get columnPaths(): KnownColumn[] {
    return this.#registry.columns.flatMap((c) => (c.node === undefined ? [] : [{ name: c.source ?? c.name, path: c.node.path }]));
  }

  /** Lines for the run summary: colliding names and how they were resolved, reserved names. */
  get warnings(): string[] {
    return this.#registry.warnings;
  }

  /** Records pushed so far. */
  get rows(): number {
    return this.#rows;
  }

  /**
   * Rows written by the generated fast path (the rest went through the generic path).
   * @internal
   */
  get fastRows(): number {
    return this.#fastRows;
  }

  #take(): ColumnBatch {
    this.#registry.emitted();
    return this.#buffer.take(this.#registry.columns);
  }

  /** The generated flattener for the current schema, (re)compiled when the schema moved on. */
  #fastPath(): FastFlatten | undefined {
    if (!this.#useFast || this.#registry.root.childList.length === 0) return undefined;
    if (this.#fastVersion !== this.#registry.version) {
      if (this.#calm < CALM_RECORDS || this.#regenerations >= MAX_REGENERATIONS) return undefined;
      this.#regenerations++;
      this.#fast = generateFlattener(this.#registry);
      this.#fastVersion = this.#registry.version;
    }
    return this.#fast;
  }
}
