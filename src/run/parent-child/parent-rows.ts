import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FloeError } from '../../util/errors.js';

/** The fields a child needs of one parent record, keyed by their dotted path (`number`, `user.id`). */
export type ParentRow = Readonly<Record<string, unknown>>;

/**
 * The parent records its children run over, projected to the fields they use, one JSON line per
 * record, in the run's stage dir. The parent's extraction appends to it page by page (its
 * checkpoints remember the count, so a resumed extraction truncates back to it); the children read
 * it once the parent succeeded — also in a later process that continues an interrupted run, so
 * parents already done are not requested again.
 */
export class ParentRowsFile {
  private count = 0;

  constructor(
    readonly path: string,
    private readonly fields: readonly string[],
  ) {}

  /** Starts empty (a fresh extraction) or keeps the first `keep` rows (a resumed one). */
  async reset(keep = 0): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const kept = keep > 0 ? (await this.lines()).slice(0, keep) : [];
    await writeFile(this.path, kept.map((l) => `${l}\n`).join(''));
    this.count = kept.length;
  }

  /** Appends the projections of `records`. */
  async add(records: readonly unknown[]): Promise<void> {
    if (records.length === 0) return;
    const lines = records.map((r) => JSON.stringify(project(r, this.fields)));
    await appendFile(this.path, lines.map((l) => `${l}\n`).join(''));
    this.count += records.length;
  }

  /** Rows written so far. */
  get rows(): number {
    return this.count;
  }

  /** Every row, for the children. */
  async read(parent: string): Promise<ParentRow[]> {
    let lines: string[];
    try {
      lines = await this.lines(true);
    } catch (e) {
      throw new FloeError(
        'PARENT_FAILED',
        'terminal',
        `the records of parent endpoint "${parent}" are not on disk (${(e as NodeJS.ErrnoException).code ?? 'unreadable'}); ` +
          'run again with --no-resume to extract the parent anew',
        { cause: e },
      );
    }
    return lines.map((l) => JSON.parse(l) as ParentRow);
  }

  async remove(): Promise<void> {
    await rm(this.path, { force: true });
  }

  private async lines(strict = false): Promise<string[]> {
    try {
      return (await readFile(this.path, 'utf8')).split('\n').filter((l) => l !== '');
    } catch (e) {
      if (strict) throw e;
      return [];
    }
  }
}

/** `record` reduced to `fields`; an absent field is left out (the child reports it per parent). */
export function project(record: unknown, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = valueAt(record, f);
    if (v !== undefined) out[f] = v;
  }
  return out;
}

/** The value at a dotted path, or undefined. */
export function valueAt(record: unknown, path: string): unknown {
  let at: unknown = record;
  for (const k of path.split('.')) {
    if (at === null || typeof at !== 'object' || Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[k];
  }
  return at;
}
