/**
 * Gives a load's Parquet files their deterministic stage names. PUT names a staged file after the
 * local file, so each file is symlinked into a private directory as `part-<n>.parquet` (n = its
 * position among the load's files, zero-padded so names sort in write order) and one wildcard PUT
 * uploads them all.
 */
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { StageFile } from '../../types.js';
import { FloeError } from '../../util/errors.js';
import type { ExpectedFile } from './copy-result.js';

/** The private directory of links, the stage names, and its cleanup. */
export interface LinkedFiles {
  readonly dir: string;
  readonly files: readonly ExpectedFile[];
  cleanup(): void;
}

/** Stage names for the files that hold rows (an empty file has nothing to load). */
export function stageNames(files: readonly StageFile[]): ExpectedFile[] {
  const withRows = files.filter((f) => f.rows > 0);
  const width = Math.max(5, String(Math.max(0, withRows.length - 1)).length);
  return withRows.map((f, i) => ({
    name: `part-${String(i).padStart(width, '0')}.parquet`,
    rows: f.rows,
    source: resolve(f.path),
  }));
}

/** Links a load's files under their stage names; fails if a file is missing. */
export function linkStageFiles(files: readonly StageFile[], root: string = tmpdir()): LinkedFiles {
  const expected = stageNames(files);
  const dir = mkdtempSync(join(root, 'floe-put-'));
  try {
    for (const f of expected) {
      if (!existsSync(f.source)) {
        throw new FloeError('LOAD_FAILED', 'terminal', `stage file ${f.source} does not exist`, {
          details: { file: f.source },
        });
      }
      symlinkSync(f.source, join(dir, f.name));
    }
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return { dir, files: expected, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
