import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackfillRecord } from './backfill-runner.js';

/** The backfills recorded under `<state dir>/backfills/`, newest first. */
export async function listBackfills(stateDir: string, limit = 20): Promise<BackfillRecord[]> {
  const dir = join(stateDir, 'backfills');
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const records: BackfillRecord[] = [];
  for (const n of names) {
    try {
      records.push(JSON.parse(await readFile(join(dir, n), 'utf8')) as BackfillRecord);
    } catch {
      // a record being rewritten right now, or damaged: not listed
    }
  }
  return records.sort((a, b) => b.started_at.localeCompare(a.started_at)).slice(0, limit);
}
