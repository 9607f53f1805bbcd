import { decodeUtf8 } from './decode-utf8.js';
import { parseExactJson, type JsonNumberCounts } from './exact-json.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/** The keys of a records path that a stream can be split on (`$`, `$.data`, `$.a.b`, `$['x']`), else undefined. */
export function streamableKeys(recordsPath: string): string[] | undefined {
  if (recordsPath === '$') return [];
  const keys: string[] = [];
  const re = /\.([A-Za-z_][\w-]*)|\[\s*'([^'\\]*)'\s*\]|\[\s*"([^"\\]*)"\s*\]/y;
  let i = 1;
  if (!recordsPath.startsWith('$')) return undefined;
  while (i < recordsPath.length) {
    re.lastIndex = i;
    const m = re.exec(recordsPath);
    if (m === null) return undefined;
    keys.push((m[1] ?? m[2] ?? m[3]) as string);
    i = re.lastIndex;
  }
  return keys;
}

/**
 * Splits a JSON body that arrives in chunks into groups of records, without ever holding the whole
 * body: the array at a plain key path (`$.data`, or `$` for a top-level array) is cut at its
 * top-level commas into groups of about `groupBytes`, each parsed on its own (exact numbers as in
 * exact-json.ts); everything around the array — the envelope with cursors, totals and flags — is
 * kept, with the array replaced by `[]`, and parsed at the end. So a 500 MB page costs a few
 * groups of memory, not the page. A body whose path leads elsewhere (no such key, not an array)
 * ends up whole in the envelope, where the usual selector deals with it.
 *
 * It tracks strings, escapes and nesting byte by byte (jumping to the next quote inside strings);
 * it does not validate JSON: each group and the envelope are parsed by `JSON.parse`, which does.
 */
export class RecordSplitter {
  readonly #keys: readonly string[];
  readonly #groupBytes: number;
  readonly #counts: JsonNumberCounts;
  /** Bytes of the envelope (outside the records array). */
  #envelope: Buffer[] = [];
  /** Bytes of the current group of records. */
  #group: Buffer[] = [];
  #groupSize = 0;
  #depth = 0;
  #inString = false;
  #escaped = false;
  /** For each open container: object or array, and for objects the last key read. */
  #stack: { array: boolean; key: string | undefined }[] = [];
  /** Bytes of the string being read, when it may be an object key (outside the records). */
  #keyBytes: Buffer[] | undefined;
  /** Depth of the records array while inside it (its elements are at depth + 1), else -1. */
  #inRecords = -1;
  #found = false;
  #invalidUtf8 = 0;

  constructor(recordsKeys: readonly string[], opts: { groupBytes?: number; counts: JsonNumberCounts }) {
    this.#keys = recordsKeys;
    this.#groupBytes = opts.groupBytes ?? 4 << 20;
    this.#counts = opts.counts;
  }

  /** Whether the records array was found (else the whole body is the envelope). */
  get found(): boolean {
    return this.#found;
  }

  /** Invalid UTF-8 sequences met so far (loaded as U+FFFD). */
  get invalidUtf8(): number {
    return this.#invalidUtf8;
  }

  /** Feeds the next chunk; returns the groups of records it completed (parsed, in order). */
  push(chunk: Buffer): unknown[][] {
    const out: unknown[][] = [];
    let from = 0; // start of the bytes not yet copied out
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      if (this.#inString) {
        const q = chunk.indexOf(QUOTE, i);
        const end = q < 0 ? n : q;
        // Escapes before the quote decide whether it closes the string.
        for (let j = i; j < end; j++) {
          if (this.#escaped) this.#escaped = false;
          else if (chunk[j] === BACKSLASH) this.#escaped = true;
        }
        if (q < 0) {
          if (this.#keyBytes) this.#keyBytes.push(Buffer.from(chunk.subarray(i, n)));
          break;
        }
        if (this.#escaped) {
          this.#escaped = false;
          if (this.#keyBytes) this.#keyBytes.push(Buffer.from(chunk.subarray(i, q + 1)));
          i = q;
          continue;
        }
        if (this.#keyBytes) this.#keyBytes.push(chunk.subarray(i, q));
        this.#inString = false;
        i = q;
        continue;
      }
      const b = chunk[i] as number;
      if (this.#inRecords >= 0) {
        // Inside the records only nesting matters (and the commas between records).
        if (b === QUOTE) this.#inString = true;
        else if (b === OPEN_OBJECT || b === OPEN_ARRAY) this.#depth++;
        else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
          if (--this.#depth === this.#inRecords) {
            this.#stack.pop();
            this.#addToGroup(chunk.subarray(from, i));
            from = i + 1;
            this.#inRecords = -1;
            const last = this.#flush();
            if (last !== undefined) out.push(last);
          }
        } else if (
          b === COMMA &&
          this.#depth === this.#inRecords + 1 &&
          this.#groupSize + (i - from) >= this.#groupBytes
        ) {
          // A boundary between two records, and the group is full: it is parsed here.
          this.#addToGroup(chunk.subarray(from, i));
          from = i + 1;
          const group = this.#flush();
          if (group !== undefined) out.push(group);
        }
        continue;
      }
      if (b === QUOTE) {
        this.#inString = true;
        const top = this.#stack[this.#stack.length - 1];
        this.#keyBytes = top !== undefined && !top.array ? [] : undefined;
      } else if (b === COLON) {
        const top = this.#stack[this.#stack.length - 1];
        if (this.#keyBytes && top && !top.array)
          top.key = JSON.parse(`"${Buffer.concat(this.#keyBytes).toString('utf8')}"`) as string;
        this.#keyBytes = undefined;
      } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
        if (b === OPEN_ARRAY && this.#inRecords < 0 && !this.#found && this.#atRecordsPath()) {
          this.#envelope.push(chunk.subarray(from, i + 1), Buffer.from(']'));
          from = i + 1;
          this.#inRecords = this.#depth;
          this.#found = true;
          this.#keyBytes = undefined;
        }
        this.#stack.push({ array: b === OPEN_ARRAY, key: undefined });
        this.#depth++;
      } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
        this.#stack.pop();
        this.#depth--;
      }
    }
    if (from < n) {
      if (this.#inRecords >= 0) this.#addToGroup(chunk.subarray(from, n));
      else this.#envelope.push(chunk.subarray(from, n));
    }
    return out;
  }

  /**
   * Ends the body: returns the records not yet handed out and the envelope's text (the body with
   * the records array emptied, or the whole body when the path was not found).
   */
  end(): { records: unknown[]; envelope: string } {
    const records = this.#flush() ?? [];
    const { text, invalidUtf8 } = decodeUtf8(Buffer.concat(this.#envelope));
    this.#invalidUtf8 += invalidUtf8;
    this.#envelope = [];
    return { records, envelope: text };
  }

  #atRecordsPath(): boolean {
    const keys = this.#keys;
    if (this.#stack.length !== keys.length) return false;
    for (let k = 0; k < keys.length; k++) {
      const s = this.#stack[k]!;
      if (s.array || s.key !== keys[k]) return false;
    }
    return true;
  }

  #addToGroup(bytes: Buffer): void {
    if (bytes.length === 0) return;
    // Chunks are reused by nothing downstream, but copy: a subarray would pin the whole chunk.
    this.#group.push(Buffer.from(bytes));
    this.#groupSize += bytes.length;
  }

  #flush(): unknown[] | undefined {
    if (this.#groupSize === 0) return undefined;
    const raw = Buffer.concat(this.#group);
    const { text, invalidUtf8 } = decodeUtf8(raw);
    this.#invalidUtf8 += invalidUtf8;
    this.#group = [];
    this.#groupSize = 0;
    if (text.trim() === '') return undefined;
    return parseExactJson(`[${text}]`, this.#counts, raw) as unknown[];
  }
}
