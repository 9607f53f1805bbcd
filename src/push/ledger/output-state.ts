import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FloeError } from '../../util/errors.js';
import { writeDurably } from '../../util/durable-file.js';

/** A row the API refused; kept, with the API's answer, and sent again by every push until it passes. */
export interface RejectedRow {
  /** The key values as JSON text (`[42]`), or the row's hash when the output has no key. */
  readonly identity: string;
  /** The row's JSON text, exactly as sent. */
  readonly row: string;
  readonly status: number;
  /** The API's answer, redacted and cut short. */
  readonly error: string;
  readonly attempts: number;
  readonly first_rejected_at: string;
  readonly last_rejected_at: string;
}

/** What an output has committed: written once per completed push, atomically. */
export interface OutputState {
  readonly version: 1;
  /** Completed pushes of this output. */
  readonly seq: number;
  readonly last_push_id?: string;
  readonly updated_at?: string;
  /** Largest cursor pushed so far, as JSON text. */
  readonly cursor?: string;
  /** Hashes of the pushed rows whose cursor equals `cursor` (they are read again, and skipped). */
  readonly boundary?: readonly string[];
  /** Ids of the batches the last completed push delivered: pushing the same rows again skips them. */
  readonly delivered: readonly string[];
  /**
   * Ids of the batches the last completed push split to isolate refused rows: the same batch
   * again is split at once, so its delivered halves are skipped rather than sent whole.
   */
  readonly split?: readonly string[];
  readonly rejected: readonly RejectedRow[];
}

export const EMPTY_STATE: OutputState = { version: 1, seq: 0, delivered: [], split: [], rejected: [] };

/**
 * Where one output keeps its ledger, under the state dir: `push/<config>/<output>/`.
 * - `state.json`: the committed state (cursor, delivered batch ids, rejected rows);
 * - `rejected.jsonl`: the rejected rows for people (one JSON object a line, with the API's error);
 * - `plan.json`, `spool.jsonl`, `retry.jsonl`, `journal.jsonl`: the push in progress (see `plan.ts`).
 */
export class OutputFiles {
  readonly dir: string;

  constructor(stateDir: string, configName: string, output: string) {
    this.dir = join(stateDir, 'push', safe(configName), safe(output));
  }

  get state(): string {
    return join(this.dir, 'state.json');
  }
  get rejected(): string {
    return join(this.dir, 'rejected.jsonl');
  }
  get plan(): string {
    return join(this.dir, 'plan.json');
  }
  get spool(): string {
    return join(this.dir, 'spool.jsonl');
  }
  get retry(): string {
    return join(this.dir, 'retry.jsonl');
  }
  get journal(): string {
    return join(this.dir, 'journal.jsonl');
  }

  async ensureDir(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  async readState(): Promise<OutputState> {
    const v = await readJson<OutputState>(this.state);
    if (v === undefined) return EMPTY_STATE;
    if (v.version !== 1 || typeof v.seq !== 'number' || !Array.isArray(v.delivered) || !Array.isArray(v.rejected)) {
      throw new FloeError('STATE_INVALID', 'terminal', `${this.state} is not a floe push state file; move it away to start this output afresh`);
    }
    return v;
  }

  /** Commits a push: the state first (the commit point), then the people-facing rejected file. */
  async writeState(state: OutputState, outputName: string): Promise<void> {
    await this.ensureDir();
    await writeDurably(this.state, JSON.stringify(state) + '\n');
    await writeDurably(
      this.rejected,
      state.rejected
        .map(
          (r) =>
            `{"output":${JSON.stringify(outputName)},"status":${r.status},"error":${JSON.stringify(r.error)},"attempts":${r.attempts},` +
            `"first_rejected_at":${JSON.stringify(r.first_rejected_at)},"last_rejected_at":${JSON.stringify(r.last_rejected_at)},"row":${r.row}}\n`,
        )
        .join(''),
    );
  }
}

/** Reads a JSON file; `undefined` when it does not exist. */
export async function readJson<T>(file: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new FloeError('STATE_INVALID', 'terminal', `${file} is not valid JSON (${(e as Error).message}); move it away to start afresh`, { cause: e });
  }
}

function safe(name: string): string {
  return name.replace(/[^\w.-]/g, '_');
}
