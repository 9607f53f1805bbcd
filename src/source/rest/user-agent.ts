import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `floe/<version>`, read once from the nearest package.json named "floe" above this file (the same
 * code runs from `src/` under vitest and from `dist/src/` when built).
 */
export const USER_AGENT = `floe/${findVersion()}`;

function findVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === 'floe' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not here; look one level up
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return '0.0.0';
}
