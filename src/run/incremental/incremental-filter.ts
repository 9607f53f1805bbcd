import type { IncrementalConfig } from '../../config/schema.js';
import { compileJsonPath, simpleKeys } from '../../source/rest/json-path.js';
import { FloeError } from '../../util/errors.js';
import {
  compareCursors,
  cursorFromConfig,
  describeCursorMismatch,
  excerpt,
  parseCursorValue,
  type CursorKind,
  type CursorValue,
} from '../../util/cursor-value.js';

/** What an `IncrementalFilter` needs: the endpoint's config and the run's range. */
export interface IncrementalFilterOptions {
  /** The endpoint's name, for messages. */
  readonly endpoint: string;
  readonly config: IncrementalConfig;
  /** Inclusive lower bound; undefined keeps everything from the start. */
  readonly start: CursorValue | undefined;
  /** Exclusive upper bound; undefined keeps everything to the end. */
  readonly end: CursorValue | undefined;
}

/** `$.a.b` (or dlt's bare `a.b`) to the record's value; `undefined` when absent. */
type CursorReader = (record: unknown) => unknown;

// Keys that usually identify a record, to point at it in an error without dumping it.
const ID_KEYS = ['id', 'ID', 'Id', '_id', 'uuid', 'key'];

/**
 * Client-side incremental filtering, for APIs that ignore (or only roughly apply) the filter
 * parameter: keeps records with `start <= cursor < end` and tracks the largest cursor kept, which
 * becomes the endpoint's next state. Runs on every record of every page, so a simple `cursor_path`
 * (`$.updated_at`, `$.fields.updated`, or dlt's bare `updated_at`) is walked directly and values
 * are parsed without regexes; other paths (filters, `..`) go to jsonpath-plus and use the first match.
 *
 * Records whose cursor is null, absent or `""` follow `on_missing`: `fail` throws a terminal error
 * naming the record, `include` keeps it (it never moves `max`), `exclude` drops it.
 *
 * The filter never signals the end of the data: an empty result (a page of null cursors, or of
 * records outside the range) says nothing about later pages, so pagination must go on.
 *
 * @example
 * const f = new IncrementalFilter({ endpoint: 'users', config, start, end: undefined });
 * for await (const page of pages) write(f.filter(page.records));
 * const next = f.max; // commit with the data
 */
export class IncrementalFilter {
  /** The cursor kind, fixed by `initial_value`. */
  readonly kind: CursorKind;
  readonly #endpoint: string;
  readonly #path: string;
  readonly #onMissing: IncrementalConfig['on_missing'];
  readonly #read: CursorReader;
  readonly #start: CursorValue | undefined;
  readonly #end: CursorValue | undefined;
  #max: CursorValue | undefined;
  #kept = 0;
  #dropped = 0;
  #missing = 0;
  #seen = 0;

  constructor({ endpoint, config, start, end }: IncrementalFilterOptions) {
    const where = `endpoints[${endpoint}].incremental`;
    this.kind = cursorFromConfig(config.initial_value, `${where}.initial_value`).kind;
    for (const [name, bound] of [
      ['start', start],
      ['end', end],
    ] as const) {
      if (bound !== undefined && bound.kind !== this.kind) {
        throw new FloeError(
          'INTERNAL',
          'internal',
          `${where}: the run's ${name} bound is of kind ${bound.kind} but the cursor's kind is ${this.kind}`,
          { details: { endpoint } },
        );
      }
    }
    this.#endpoint = endpoint;
    this.#path = config.cursor_path.startsWith('$') ? config.cursor_path : `$.${config.cursor_path}`;
    this.#onMissing = config.on_missing;
    this.#read = compileReader(this.#path);
    this.#start = start;
    this.#end = end;
  }

  /** The records of one page that fall in the range (and missing-cursor records per `on_missing`). */
  filter(records: readonly unknown[]): unknown[] {
    const out: unknown[] = [];
    const start = this.#start;
    const end = this.#end;
    for (let i = 0; i < records.length; i++) {
      const record = records[i];
      const raw = this.#read(record);
      if (raw === undefined || raw === null || raw === '') {
        this.#missing++;
        if (this.#onMissing === 'include') {
          out.push(record);
          this.#kept++;
        } else if (this.#onMissing === 'exclude') {
          this.#dropped++;
        } else {
          throw this.#recordError(
            record,
            this.#seen + i,
            `has no cursor (${raw === undefined ? 'absent' : excerpt(raw)})`,
            'incremental.on_missing is fail; set it to include or exclude, or point cursor_path at a field every record has',
          );
        }
        continue;
      }
      const value = parseCursorValue(raw, this.kind);
      if (value === undefined) {
        throw this.#recordError(
          record,
          this.#seen + i,
          `has a cursor that ${describeCursorMismatch(raw, this.kind)}`,
          'check cursor_path and initial_value',
        );
      }
      if (
        (start !== undefined && compareCursors(value, start) < 0) ||
        (end !== undefined && compareCursors(value, end) >= 0)
      ) {
        this.#dropped++;
        continue;
      }
      out.push(record);
      this.#kept++;
      if (this.#max === undefined || compareCursors(value, this.#max) > 0) this.#max = value;
    }
    this.#seen += records.length;
    return out;
  }

  /** The largest cursor among kept records (missing-cursor records never count), or undefined. */
  get max(): CursorValue | undefined {
    return this.#max;
  }

  /** Records kept so far, over all pages. */
  get kept(): number {
    return this.#kept;
  }

  /** Records dropped so far: out of range, or missing a cursor under `on_missing: exclude`. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Records seen without a cursor (null, absent or `""`), whatever `on_missing` did with them. */
  get missing(): number {
    return this.#missing;
  }

  #recordError(record: unknown, index: number, what: string, fix: string): FloeError {
    const path = `endpoints[${this.#endpoint}].incremental.cursor_path`;
    return new FloeError(
      'STATE_INVALID',
      'terminal',
      `Endpoint "${this.#endpoint}": record ${index} (${identify(record)}) ${what} at ${this.#path}; ${fix}`,
      { details: { endpoint: this.#endpoint, path, record_index: index } },
    );
  }
}

function compileReader(path: string): CursorReader {
  const keys = simpleKeys(path);
  if (keys === undefined) {
    // Filters, wildcards, `..`: jsonpath-plus; a record's cursor is the first match.
    const query = compileJsonPath(path).query;
    return (record) => query(record)[0];
  }
  if (keys.length === 1) {
    const [k] = keys as [string];
    return (record) =>
      record !== null && typeof record === 'object' && Object.hasOwn(record, k)
        ? (record as Record<string, unknown>)[k]
        : undefined;
  }
  return (record) => {
    let cur: unknown = record;
    for (const key of keys) {
      if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return undefined;
      cur = (cur as Record<string, unknown>)[key];
    }
    return cur;
  };
}

/** `id=42`, or a short JSON excerpt when the record has no id-like key. */
function identify(record: unknown): string {
  if (record !== null && typeof record === 'object') {
    for (const k of ID_KEYS) {
      const v = (record as Record<string, unknown>)[k];
      if (Object.hasOwn(record, k) && (typeof v === 'string' || typeof v === 'number'))
        return `${k}=${excerpt(v, 40)}`;
    }
  }
  return excerpt(record);
}
