import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Column, EndpointState, StageFile } from '../types.js';
import type { IncrementalState } from './incremental/incremental-state.js';
import { FloeError } from '../util/errors.js';

/** `interrupted`: stopped by a signal with its progress saved; the next run of the config continues it. */
export type RunStatus = 'running' | 'succeeded' | 'partially_failed' | 'failed' | 'interrupted';
export type EndpointStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'interrupted';

export interface EndpointErrorRecord {
  readonly code: string;
  readonly message: string;
  readonly kind?: string;
  readonly url?: string;
  readonly status?: number;
  readonly body_excerpt?: string;
}

export interface EndpointRunRecord {
  name: string;
  table: string;
  status: EndpointStatus;
  rows: number;
  pages: number;
  files: number;
  bytes: number;
  /** Rows that landed in the table (merge may collapse duplicate keys). */
  rows_loaded?: number;
  /** The destination's ledger already held this load (another attempt committed it): nothing was loaded now. */
  already_loaded?: true;
  extract_ms?: number;
  load_ms?: number;
  query_ids?: string[];
  error?: EndpointErrorRecord;
  /** Records the API sent, before the incremental filter (set when the source counts them). */
  received?: number;
  /** Records the client-side incremental filter dropped as outside [start, end). */
  out_of_range?: number;
  /**
   * The endpoint ended short of the total the API reported (its `TOTAL_SHORT` warning, as data):
   * the reported total and what arrived, in records (or pages, for `total_pages_path`).
   */
  short_of_total?: { expected: number; received: number; unit: 'records' | 'pages' };
  /**
   * What was loaded but not as the API sent it, or needs a look: invalid UTF-8, numbers beyond
   * the double range, renamed colliding columns. Each is one human-readable line.
   */
  warnings?: string[];
  /**
   * The endpoint's complete stage files, written before loading. A crashed run is resumed from
   * here: the same run id and the same files, so the destination's ledger makes the load
   * exactly-once.
   */
  staged?: StagedManifest;
  /** Progress within the extraction, saved every `stage.checkpoint_pages` pages. */
  checkpoint?: ExtractCheckpoint;
}

export interface ExtractCheckpoint {
  /**
   * The paginator's token for the next page (secrets masked; auth re-applies them); absent at a
   * segment boundary, where the extraction resumes with the first page of `segment`.
   */
  readonly next: unknown;
  /** Which segment (backfill window of a slice) `next` belongs to; absent: the first. */
  readonly segment?: number;
  /** The template variables the extraction started with; a resume must use the same. */
  readonly vars: Readonly<Record<string, string>>;
  readonly files: readonly StageFile[];
  readonly columns: readonly Column[];
  readonly pages: number;
  readonly rows: number;
  readonly bytes: number;
  /** Records the API had sent by the checkpoint (before the incremental filter). */
  readonly received?: number;
  /** Records the incremental filter had dropped by the checkpoint. */
  readonly out_of_range?: number;
  /** The largest incremental cursor among the rows in `files`. */
  readonly max?: IncrementalState;
  /** A parent endpoint: the parent records kept for its children by the checkpoint. */
  readonly parent_rows?: number;
}

export interface StagedManifest {
  /** The run that staged these files, when an earlier run's failed load is retried by a later run. */
  readonly run_id?: string;
  readonly files: readonly StageFile[];
  readonly columns: readonly Column[];
  readonly rows: number;
  readonly state?: EndpointState;
}

export interface RunRecord {
  run_id: string;
  config_name: string;
  config_file?: string;
  destination: string;
  /** Where the tables land, e.g. `duckdb .floe/w.duckdb, schema main`. */
  target?: string;
  status: RunStatus;
  started_at: string;
  finished_at?: string;
  duration_ms?: number;
  /** Identifies the config's content, so only a run of the same config is resumed. */
  config_hash?: string;
  /** Set when this run continued a crashed run with the same id. */
  resumed_at?: string[];
  endpoints: EndpointRunRecord[];
}

/**
 * Run history as one JSON file per run under `<state dir>/runs/`, rewritten atomically as the run
 * progresses, so a crashed run still shows how far it got. Records are redacted before they get here.
 */
export class RunHistory {
  constructor(private readonly stateDir: string) {}

  get dir(): string {
    return join(this.stateDir, 'runs');
  }

  async save(record: RunRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = join(this.dir, `${record.run_id}.json`);
    const tmp = `${file}.tmp`;
    await writeFile(tmp, JSON.stringify(record, null, 2) + '\n');
    await rename(tmp, file);
  }

  /** Newest first. */
  async list(limit = 20): Promise<RunRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const ids = names
      .filter((n) => n.endsWith('.json'))
      .map((n) => n.slice(0, -5))
      .sort()
      .reverse()
      .slice(0, limit);
    const out: RunRecord[] = [];
    for (const id of ids) {
      const r = await this.get(id).catch(() => undefined);
      if (r) out.push(r);
    }
    return out;
  }

  async get(runId: string): Promise<RunRecord> {
    if (!/^[\w.-]+$/.test(runId)) throw new FloeError('USAGE', 'config', `not a run id: ${runId}`);
    try {
      return JSON.parse(await readFile(join(this.dir, `${runId}.json`), 'utf8')) as RunRecord;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new FloeError('USAGE', 'config', `no run ${runId} in ${this.dir} (see \`floe runs\`)`);
      }
      throw new FloeError('STATE_INVALID', 'terminal', `run record ${runId} is unreadable: ${(e as Error).message}`, { cause: e });
    }
  }
}

/** Sortable, unique enough for one state dir: `20261122T120301Z-a1b2c3`. */
export function newRunId(now: number, random: () => number = Math.random): string {
  const iso = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const suffix = Math.floor(random() * 0xffffff)
    .toString(16)
    .padStart(6, '0');
  return `${iso}-${suffix}`;
}
