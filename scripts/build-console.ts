/**
 * Builds the web console (src/console) into dist/console: one minified script and one stylesheet
 * with content hashes in their names, and index.html pointing at them. Run by `npm run build`
 * (so by `npm install`), with no network: everything is bundled, nothing comes from a CDN.
 *
 *   node dist/scripts/build-console.js [--out dist/console]
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { projectRoot } from '../src/util/project-files.js';

export interface BuiltConsole {
  readonly dir: string;
  readonly files: readonly string[];
  readonly bytes: number;
}

export async function buildConsole(outDir = join(projectRoot(), 'dist', 'console')): Promise<BuiltConsole> {
  const src = join(projectRoot(), 'src', 'console');
  await rm(outDir, { recursive: true, force: true });
  await mkdir(join(outDir, 'assets'), { recursive: true });
  const result = await build({
    entryPoints: { app: join(src, 'main.tsx') },
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2022'],
    platform: 'browser',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: join(outDir, 'assets'),
    entryNames: '[name]-[hash]',
    sourcemap: 'linked',
    metafile: true,
    legalComments: 'linked',
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((f) => basename(f));
  const script = outputs.find((f) => f.endsWith('.js'));
  const style = outputs.find((f) => f.endsWith('.css'));
  if (!script || !style)
    throw new Error(`console build: expected a .js and a .css output, got ${outputs.join(', ')}`);
  const html = (await readFile(join(src, 'index.html'), 'utf8'))
    .replace('%APP_JS%', `assets/${script}`)
    .replace('%APP_CSS%', `assets/${style}`);
  await writeFile(join(outDir, 'index.html'), html);
  let bytes = 0;
  for (const [f, meta] of Object.entries(result.metafile.outputs))
    if (!f.endsWith('.map')) bytes += meta.bytes;
  return { dir: outDir, files: ['index.html', ...outputs.map((f) => `assets/${f}`)], bytes };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const i = process.argv.indexOf('--out');
  const built = await buildConsole(i > 0 && process.argv[i + 1] ? process.argv[i + 1] : undefined);
  process.stdout.write(
    `console: ${relative(process.cwd(), built.dir) || '.'} (${built.files.length} files, ${Math.round(built.bytes / 1024)} KiB)\n`,
  );
}
