import { open } from 'node:fs/promises';
import { removeFiles } from '../../util/durable-file.js';
import type { OutputFiles, OutputState } from '../ledger/output-state.js';
import { compareCursor, cursorValue, jsonText, rowHash, type JsonReady } from '../json-text.js';
import type { RowOrigin, RowReader } from '../source/row-reader.js';
import { writePlan, type Plan } from './plan.js';

export interface BuildPlanArgs {
  readonly files: OutputFiles;
  readonly state: OutputState;
  readonly reader: RowReader;
  readonly origin: RowOrigin;
  readonly key?: readonly string[];
  readonly cursor?: string;
  readonly batchSize: number;
  readonly pushId: string;
  readonly now: string;
  readonly signal?: AbortSignal;
}

/**
 * Reads the rows to push and fixes them as the output's plan (see `Plan`):
 * - incremental (`cursor`): rows at or past the committed cursor; rows exactly at it that were
 *   pushed before (same hash) are skipped, late arrivals at the same value are not;
 * - rows rejected by earlier pushes go first, in batches of their own, unless the source has a
 *   newer version of the row (same key), which then goes in its place among the rows read.
 */
export async function buildPlan(args: BuildPlanArgs): Promise<Plan> {
  const { files, state, key, cursor } = args;
  await files.ensureDir();
  // A journal without a plan belongs to no push (a crash mid-spool): it must not mark this one's batches.
  await removeFiles([files.journal]);
  const rejected = new Map(state.rejected.map((r) => [r.identity, r]));
  const superseded = new Set<string>();
  const boundary = new Set(state.boundary ?? []);
  let max: JsonReady | undefined;
  let atMax: string[] = [];
  let rows = 0;

  const spool = await open(files.spool, 'w');
  try {
    for await (const page of args.reader.rows({
      origin: args.origin,
      ...(key ? { key } : {}),
      ...(cursor !== undefined ? { cursor } : {}),
      ...(cursor !== undefined && state.cursor !== undefined ? { since: cursorValue(state.cursor) } : {}),
      ...(args.signal ? { signal: args.signal } : {}),
    })) {
      let chunk = '';
      for (const row of page) {
        const text = jsonText(row);
        const hash = rowHash(text);
        const cv = cursor !== undefined ? (row[cursor] ?? null) : null;
        if (cv !== null && state.cursor !== undefined && jsonText(cv) === state.cursor && boundary.has(hash)) continue;
        const identity = key ? jsonText(key.map((k) => row[k] ?? null)) : hash;
        if (rejected.has(identity)) superseded.add(identity);
        chunk += `${identity}\t${text}\n`;
        rows++;
        if (cv !== null) {
          const c = max === undefined ? 1 : compareCursor(cv, max);
          if (c > 0) {
            max = cv;
            atMax = [hash];
          } else if (c === 0) atMax.push(hash);
        }
      }
      if (chunk) await spool.write(chunk);
    }
    await spool.sync();
  } finally {
    await spool.close();
  }

  const retry = await open(files.retry, 'w');
  let retried = 0;
  try {
    let chunk = '';
    for (const r of state.rejected) {
      if (superseded.has(r.identity)) continue;
      chunk += `${r.identity}\t${r.row}\n`;
      retried++;
    }
    await retry.write(chunk);
    await retry.sync();
  } finally {
    await retry.close();
  }

  const next = nextCursor(state, max, atMax);
  const plan: Plan = {
    version: 1,
    push_id: args.pushId,
    seq: state.seq + 1,
    created_at: args.now,
    batch_size: args.batchSize,
    retried,
    rows,
    retried_rows: retried + superseded.size,
    ...next,
    carried: Object.fromEntries(state.rejected.map((r) => [r.identity, { attempts: r.attempts, first_rejected_at: r.first_rejected_at }])),
  };
  await writePlan(files, plan);
  return plan;
}

/** The cursor after this plan: the largest read, with the hashes of the rows at it. */
function nextCursor(state: OutputState, max: JsonReady | undefined, atMax: string[]): { cursor?: string; boundary?: string[] } {
  if (max === undefined) {
    return state.cursor !== undefined ? { cursor: state.cursor, boundary: [...(state.boundary ?? [])] } : {};
  }
  const cursor = jsonText(max);
  // Nothing newer arrived, only late rows at the same value: they join the old boundary.
  if (cursor === state.cursor) return { cursor, boundary: [...new Set([...(state.boundary ?? []), ...atMax])] };
  return { cursor, boundary: atMax };
}
