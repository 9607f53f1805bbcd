/**
 * The Parquet worker must load from compiled JS (production runs `node dist/...`), not only under
 * vitest. This compiles the stage and normalize modules with tsc, as `npm run build` would, and
 * runs them in a plain `node` process.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duck, removeDir, tempDir } from './helpers.js';

const run = promisify(execFile);
/** The repo root: the nearest folder with a package.json (this file may itself run from dist/). */
function repoRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}
const root = repoRoot(import.meta.dirname);
let out: string;
let dir: string;

beforeAll(async () => {
  // Inside the repo, so the compiled files resolve node_modules as dist/ does.
  out = await mkdtemp(join(root, 'node_modules', '.floe-compiled-'));
  dir = await tempDir();
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
  await removeDir(dir);
});

describe('compiled (dist) build', () => {
  it('writes Parquet through the worker from plain node', async () => {
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    // The same compiler options as tsconfig.json; only our modules, so others' work in progress
    // cannot break this test.
    await run(process.execPath, [
      tsc,
      ...['--outDir', out, '--rootDir', root, '--module', 'NodeNext', '--moduleResolution', 'NodeNext'],
      ...['--target', 'ES2022', '--lib', 'ES2023', '--strict', '--skipLibCheck', '--types', 'node'],
      ...['--verbatimModuleSyntax', '--exactOptionalPropertyTypes', '--noUncheckedIndexedAccess'],
      join(root, 'src/stage/parquet-stage-writer.ts'),
      join(root, 'src/normalize/normalizer.ts'),
    ]);
    const script = join(out, 'smoke.mjs');
    await writeFile(
      script,
      `import { Normalizer } from './src/normalize/normalizer.js';
import { ParquetStageWriter } from './src/stage/parquet-stage-writer.js';
const n = new Normalizer({ endpoint: 'smoke', batchRows: 100 });
const w = new ParquetStageWriter({ dir: process.argv[2], fileMaxBytes: 1 << 20 });
const recs = Array.from({ length: 250 }, (_, i) => ({ id: i, who: { name: 'Zoë ' + i } }));
for (const b of n.push(recs)) await w.write(b);
await w.write(n.flush());
console.log(JSON.stringify(await w.close()));
`,
    );
    const { stdout } = await run(process.execPath, [script, dir], { cwd: '/' });
    const files = JSON.parse(stdout) as { path: string; rows: number }[];
    expect(files).toHaveLength(1);
    expect(files[0]?.rows).toBe(250);
    const [agg] = await duck(
      `SELECT count(*) AS c, max(who_name) AS m FROM read_parquet('${files[0]?.path ?? ''}')`,
    );
    expect(agg).toEqual({ c: 250n, m: 'Zoë 99' });

    // A writer that is never closed must not keep the process alive (the worker is unref'd
    // whenever nobody is waiting on it).
    const forgot = join(out, 'forgot.mjs');
    await writeFile(
      forgot,
      `import { ParquetStageWriter } from './src/stage/parquet-stage-writer.js';
const w = new ParquetStageWriter({ dir: process.argv[2], fileMaxBytes: 1 << 20 });
await w.write({ columns: [{ name: 'x', type: 'long' }], length: 1, values: [[1]] });
console.log('done');
`,
    );
    const r = await run(process.execPath, [forgot, join(dir, 'forgot')], { timeout: 20_000 });
    expect(r.stdout.trim()).toBe('done');
  }, 180_000);
});
