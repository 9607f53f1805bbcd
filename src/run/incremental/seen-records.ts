import { createHash } from 'node:crypto';
import { compileJsonPath } from '../../source/rest/json-path.js';
import { compareCursors, parseCursorValue, type CursorKind, type CursorValue } from '../../util/cursor-value.js';
import { subtract, type Lookback } from '../../util/duration.js';

/** More records than this in the re-read zone: stop remembering them (the next run reloads the zone). */
export const SEEN_CAP = 5000;

/**
 * An incremental run re-reads the top of the previous range — the records at the last cursor
 * (the start is inclusive) and everything within `lookback` of it, for late-arriving updates. A
 * record re-read unchanged was already loaded; loading it again would only cost warehouse time
 * (and wake a suspended warehouse on every scheduled run). So the state also keeps short hashes
 * of the records in that zone, and the next run drops re-read records whose hash it has seen:
 * a changed record hashes differently and is loaded; a run with nothing new loads nothing.
 *
 * Bounded: at most {@link SEEN_CAP} hashes are kept; past that the zone is simply reloaded
 * (merge makes that harmless).
 */
export class SeenRecords {
  readonly #read: (record: unknown) => unknown;
  readonly #kind: CursorKind;
  readonly #previous: ReadonlySet<string>;
  readonly #previousMax: CursorValue | undefined;
  readonly #lookback: Lookback | undefined;
  readonly #field: string;
  #candidates: { cursor: CursorValue; hash: string }[] = [];
  #runningMax: CursorValue | undefined;
  #overflow = false;
  #skipped = 0;

  constructor(opts: {
    cursorPath: string;
    kind: CursorKind;
    previousSeen: readonly string[] | undefined;
    previousMax: CursorValue | undefined;
    lookback: Lookback | undefined;
    field: string;
  }) {
    const path = compileJsonPath(opts.cursorPath.startsWith('$') ? opts.cursorPath : `$.${opts.cursorPath}`);
    this.#read = (r) => path.query(r)[0];
    this.#kind = opts.kind;
    this.#previous = new Set(opts.previousSeen ?? []);
    this.#previousMax = opts.previousMax;
    this.#lookback = opts.lookback;
    this.#field = opts.field;
  }

  /** Records re-read unchanged since the previous run. */
  get skipped(): number {
    return this.#skipped;
  }

  /** Drops re-read records loaded unchanged before, and remembers the recent ones for the next run. */
  filter(records: readonly unknown[]): unknown[] {
    const out: unknown[] = [];
    for (const record of records) {
      const cursor = parseCursorValue(this.#read(record), this.#kind);
      if (cursor === undefined) {
        out.push(record); // no cursor (on_missing: include): nothing to compare
        continue;
      }
      let hash: string | undefined;
      if (this.#previousMax !== undefined && this.#previous.size > 0 && compareCursors(cursor, this.#previousMax) <= 0) {
        hash = hashRecord(record);
        if (this.#previous.has(hash)) {
          this.#skipped++;
          this.#remember(cursor, record, hash);
          continue;
        }
      }
      out.push(record);
      this.#remember(cursor, record, hash);
    }
    return out;
  }

  /** Hashes of the records within `lookback` of `max`, for the state; undefined when too many. */
  seenFor(max: CursorValue | undefined): string[] | undefined {
    if (this.#overflow || max === undefined) return undefined;
    const from = this.#zoneStart(max);
    return this.#candidates.filter((c) => compareCursors(c.cursor, from) >= 0).map((c) => c.hash);
  }

  #remember(cursor: CursorValue, record: unknown, hash: string | undefined): void {
    if (this.#overflow) return;
    if (this.#runningMax === undefined || compareCursors(cursor, this.#runningMax) > 0) this.#runningMax = cursor;
    // Pages usually come in cursor order, so most records fall out of the zone here, unhashed.
    if (compareCursors(cursor, this.#zoneStart(this.#runningMax)) < 0) return;
    this.#candidates.push({ cursor, hash: hash ?? hashRecord(record) });
    if (this.#candidates.length > SEEN_CAP * 2) this.#prune();
  }

  #prune(): void {
    const from = this.#zoneStart(this.#runningMax!);
    this.#candidates = this.#candidates.filter((c) => compareCursors(c.cursor, from) >= 0);
    if (this.#candidates.length > SEEN_CAP) {
      this.#overflow = true;
      this.#candidates = [];
    }
  }

  #zoneStart(max: CursorValue): CursorValue {
    return this.#lookback === undefined ? max : subtract(max, this.#lookback, this.#field);
  }
}

function hashRecord(record: unknown): string {
  return createHash('sha1').update(JSON.stringify(record) ?? '').digest('base64').slice(0, 16);
}
