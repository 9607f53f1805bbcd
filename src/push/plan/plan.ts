import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { FloeError } from '../../util/errors.js';
import { readJson, type OutputFiles, type OutputState } from '../ledger/output-state.js';
import { removeFiles, writeDurably } from '../../util/durable-file.js';

/**
 * A push's plan: the rows it sends, fixed before the first request. The rows are spooled to the
 * state dir in batch order (`retry.jsonl`: rows rejected by earlier pushes, then `spool.jsonl`: the
 * rows read now), one `<identity>\t<row JSON>` line each, and `plan.json` is written last, as the
 * commit point. An interrupted push is finished from its plan, so it sends exactly the batches it
 * would have sent — whatever happened to the source meanwhile — and only then does a new push read.
 */
export interface Plan {
  readonly version: 1;
  /** The push that made the plan (a resumed push finishes another push's plan). */
  readonly push_id: string;
  /** This output's push number: the state's `seq` + 1. */
  readonly seq: number;
  readonly created_at: string;
  readonly batch_size: number;
  /** Rows in `retry.jsonl`. */
  readonly retried: number;
  /** Rows in `spool.jsonl`. */
  readonly rows: number;
  /** Rejected rows of earlier pushes that this plan sends again (in retry.jsonl or, superseded by a newer version, in spool.jsonl). */
  readonly retried_rows: number;
  /** The cursor to commit when the plan is done (JSON text), and the hashes of rows at it. */
  readonly cursor?: string;
  readonly boundary?: readonly string[];
  /** Earlier rejections by identity: attempts and first time, carried into the new rejected set. */
  readonly carried: Readonly<Record<string, { readonly attempts: number; readonly first_rejected_at: string }>>;
}

/** One spooled row: its identity (key values or hash) and its JSON text. */
export interface SpoolRow {
  readonly identity: string;
  readonly text: string;
}

/** The unfinished plan of this output, if any; a plan already committed (a crash during cleanup) is removed. */
export async function loadPlan(files: OutputFiles, state: OutputState): Promise<Plan | undefined> {
  const plan = await readJson<Plan>(files.plan);
  if (plan === undefined) return undefined;
  if (plan.version !== 1 || typeof plan.seq !== 'number') {
    throw new FloeError('STATE_INVALID', 'terminal', `${files.plan} is not a floe push plan; move ${files.dir} away to start this output afresh`);
  }
  if (plan.seq <= state.seq) {
    await discardPlan(files);
    return undefined;
  }
  return plan;
}

export async function writePlan(files: OutputFiles, plan: Plan): Promise<void> {
  await writeDurably(files.plan, JSON.stringify(plan) + '\n');
}

/**
 * Removes the plan and its files: after a commit, or a plan already committed. `plan.json` goes
 * last, so a plan that is gone has no journal left behind either.
 */
export async function discardPlan(files: OutputFiles): Promise<void> {
  await removeFiles([files.journal, files.spool, files.retry, files.plan]);
}

/** The plan's batches in order: retried rows first (batched on their own), then the rows read. */
export async function* planBatches(files: OutputFiles, plan: Plan): AsyncGenerator<{ rows: SpoolRow[]; retry: boolean }> {
  for (const [file, count, retry] of [
    [files.retry, plan.retried, true],
    [files.spool, plan.rows, false],
  ] as const) {
    if (count === 0) continue;
    let batch: SpoolRow[] = [];
    let seen = 0;
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    for await (const line of lines) {
      if (line === '') continue;
      const tab = line.indexOf('\t');
      batch.push({ identity: line.slice(0, tab), text: line.slice(tab + 1) });
      seen++;
      if (batch.length === plan.batch_size) {
        yield { rows: batch, retry };
        batch = [];
      }
    }
    if (batch.length > 0) yield { rows: batch, retry };
    if (seen !== count) {
      throw new FloeError('STATE_INVALID', 'terminal', `${file} holds ${seen} rows, its plan says ${count}; the push spool was changed or cut short — move ${files.dir} away to start afresh`);
    }
  }
}
