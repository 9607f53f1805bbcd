import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The package root (the folder holding floe's package.json), from both `src/` and `dist/src/`. */
export function projectRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'floe') {
      root = dir;
      return dir;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find floe package root');
    dir = up;
  }
}

/** Reads a file shipped in the package, e.g. `sql/duckdb/bookkeeping.sql`. */
export function readProjectFile(relative: string): string {
  return readFileSync(join(projectRoot(), relative), 'utf8');
}

export function floeVersion(): string {
  return (JSON.parse(readProjectFile('package.json')) as { version: string }).version;
}
