import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { KnownColumn } from '../normalize/column-registry.js';

/**
 * The column names a table's key paths were given, kept in the state dir so the next run gives
 * each path the same name even when its records arrive in another order or a colliding key is
 * missing (see the column rules in column-registry.ts). A missing or unreadable file means no
 * history: the rules alone decide, as on a first run.
 */
export async function readKnownColumns(file: string, naming: string): Promise<KnownColumn[]> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { naming?: unknown; columns?: unknown };
    // Names from another naming convention are not this table's names any more.
    if (parsed.naming !== naming || !Array.isArray(parsed.columns)) return [];
    return parsed.columns.filter(
      (c): c is KnownColumn =>
        typeof (c as KnownColumn).name === 'string' &&
        Array.isArray((c as KnownColumn).path) &&
        (c as KnownColumn).path.every((k) => typeof k === 'string'),
    );
  } catch {
    return [];
  }
}

let writes = 0;

/**
 * Adds `columns` to the file (names already there win), atomically. Best effort: returns the
 * error instead of throwing, since losing the history only weakens naming across runs.
 */
export async function saveKnownColumns(
  file: string,
  naming: string,
  columns: readonly KnownColumn[],
): Promise<Error | undefined> {
  try {
    const before = await readKnownColumns(file, naming);
    const seen = new Set(before.map((c) => JSON.stringify(c.path)));
    const merged = [...before, ...columns.filter((c) => !seen.has(JSON.stringify(c.path)))];
    if (merged.length === before.length && before.length > 0) return undefined;
    await mkdir(dirname(file), { recursive: true });
    // Backfill windows of one table run concurrently in one process: each write has its own file.
    const tmp = `${file}.${process.pid}.${++writes}.tmp`;
    await writeFile(tmp, JSON.stringify({ naming, columns: merged }) + '\n');
    await rename(tmp, file);
    return undefined;
  } catch (e) {
    return e as Error;
  }
}
