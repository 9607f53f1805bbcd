/**
 * Micro-bench of normalize + stage on realistic records, without HTTP:
 *
 *   npm run build && node dist/scripts/bench-normalize-stage.js [--rows 1000000] [--mode both]
 *
 * Modes: `source` (only building and parsing the pages: the memory baseline), `normalize` (Normalizer only), `stage` (ParquetStageWriter only, fed prebuilt batches),
 * `both` (Normalizer → ParquetStageWriter), or `all` (each mode in a fresh process, then `both`
 * at 500k and 2M rows for the memory comparison). Records are JSON.parse'd page by page, as from
 * HTTP, but building and parsing the pages is timed apart and excluded from `main_us_per_row`.
 *
 * A record has 20 keys: 17 scalars (ints, floats, a bool, strings with accents, an ISO timestamp,
 * some nulls), `address{street,city,postal_code,country}`, `metadata{source,campaign,ip}`, and
 * `tags[]` (0–3 strings): 26 columns once flattened.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Normalizer } from '../src/normalize/normalizer.js';
import { ParquetStageWriter } from '../src/stage/parquet-stage-writer.js';
import type { ColumnBatch } from '../src/types.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    mode: { type: 'string', default: 'all' },
    'batch-rows': { type: 'string', default: '65536' },
    'file-max-mb': { type: 'string', default: '128' },
    'row-group-rows': { type: 'string' },
    queued: { type: 'string', default: '2' },
  },
});
const ROWS = Number(args.rows);
const BATCH = Number(args['batch-rows']);
const PAGE = 1000;

const CITIES = ['Zürich', 'Genève', 'São Paulo', 'Kraków', 'Malmö', 'Reykjavík', 'Auckland', 'Lyon'];
const NAMES = ['José', 'Zoë', 'Åsa', 'Anaïs', 'Bjørn', 'Chloé', 'Dmitri', 'Emma', 'Noah', 'Liam'];

/**
 * One page of records as JSON text, built fresh for every page (ids stay unique and nothing
 * resident grows with the row count, as with HTTP). Built as a string: faster than stringify.
 */
function page(p: number, size: number): string {
  let seed = p * 7919 + 1;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const q = JSON.stringify;
  const out: string[] = [];
  for (let i = 0; i < size; i++) {
    const id = p * PAGE + i;
    const name = pick(NAMES);
    out.push(
      `{"id":${id},"uuid":"${id.toString(16).padStart(8, '0')}-4b1c-9f0e-${Math.floor(rnd() * 1e12).toString(16)}",` +
        `"first_name":${q(name)},"last_name":${q(`${pick(NAMES)}son`)},"email":"user${id}@example.com",` +
        `"age":${18 + Math.floor(rnd() * 60)},"balance":${Math.round(rnd() * 1e6) / 100},` +
        `"score":${rnd() < 0.1 ? 'null' : rnd()},"active":${rnd() < 0.7},"status":${q(pick(['active', 'pending', 'closed']))},` +
        `"created_at":"${new Date(1.6e12 + id * 1000).toISOString()}","quantity":${Math.floor(rnd() * 1000)},` +
        `"version":${1 + Math.floor(rnd() * 5)},"notes":${rnd() < 0.5 ? 'null' : q(`Note for ${name} — ${pick(CITIES)}`)},` +
        `"plan":${q(pick(['free', 'pro', 'enterprise']))},"referrer":${rnd() < 0.3 ? 'null' : `"https://example.com/r/${id % 97}"`},` +
        `"locale":${q(pick(['en-US', 'fr-CH', 'de-DE', 'pt-BR']))},` +
        `"address":{"street":${q(`${1 + (id % 300)} Rue de l'Église`)},"city":${q(pick(CITIES))},` +
        `"postal_code":"${String(1000 + (id % 9000)).padStart(5, '0')}","country":${q(pick(['CH', 'FR', 'BR', 'PL']))}},` +
        `"metadata":{"source":${q(pick(['web', 'api', 'import']))},"campaign":${rnd() < 0.5 ? 'null' : `"c${id % 13}"`},` +
        `"ip":"10.${id % 256}.${(id >> 8) % 256}.1"},"tags":${q(['alpha', 'beta', 'gamma'].slice(0, Math.floor(rnd() * 4)))}}`,
    );
  }
  return `[${out.join(',')}]`;
}

interface Result {
  mode: string;
  rows: number;
  batch_rows: number;
  wall_s: number;
  rows_per_s: number;
  /** Main-thread busy time per row (event-loop utilization), building and parsing pages excluded. */
  main_us_per_row: number;
  /** Building the page text plus JSON.parse, per row (the bench's stand-in for HTTP). */
  source_us_per_row: number;
  peak_rss_mb: number;
  files: number;
  parquet_mb: number;
  /** The Parquet worker's wasm heap at the end (it never shrinks). */
  wasm_heap_mb: number;
}

/** Pages of parsed records; building and parsing the text are timed apart (`outside.ms`). */
function* pages(rows: number, outside: { ms: number }): Generator<unknown[]> {
  for (let done = 0; done < rows; done += PAGE) {
    const t = performance.now();
    const recs = JSON.parse(page(done / PAGE, Math.min(PAGE, rows - done))) as unknown[];
    outside.ms += performance.now() - t;
    yield recs;
  }
}

async function once(mode: string, rows: number): Promise<Result> {
  const dir = await mkdtemp(join(tmpdir(), 'floe-bench-'));
  const parse = { ms: 0 };
  const normalizer = new Normalizer({ endpoint: 'bench', batchRows: BATCH });
  const writer = new ParquetStageWriter({
    dir,
    fileMaxBytes: Number(args['file-max-mb']) * 2 ** 20,
    rowGroupRows: Number(args['row-group-rows'] ?? 65536),
    maxQueuedBatches: Number(args.queued),
  });
  // For `stage`: a few prebuilt batches, written over and over.
  const prebuilt: ColumnBatch[] = [];
  if (mode === 'stage') {
    for (const recs of pages(Math.min(rows, 4 * BATCH), parse)) prebuilt.push(...normalizer.push(recs));
    const last = normalizer.flush();
    if (last !== undefined) prebuilt.push(last);
  }
  parse.ms = 0;
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  let files = 0;
  let bytes = 0;
  if (mode === 'stage') {
    for (let done = 0, k = 0; done < rows; k++) {
      const b = prebuilt[k % prebuilt.length] as ColumnBatch;
      await writer.write(b);
      done += b.length;
    }
  } else if (mode === 'source') {
    for (const recs of pages(rows, parse)) if (recs.length === 0) break;
  } else {
    for (const recs of pages(rows, parse)) {
      const out = normalizer.push(recs);
      if (mode === 'both') for (const b of out) await writer.write(b);
    }
    const last = normalizer.flush();
    if (last !== undefined && mode === 'both') await writer.write(last);
  }
  if (mode === 'both' || mode === 'stage') {
    const written = await writer.close();
    files = written.length;
    bytes = written.reduce((s, f) => s + f.bytes, 0);
  }
  const wall = (performance.now() - t0) / 1000;
  const elu = performance.eventLoopUtilization(elu0);
  await rm(dir, { recursive: true, force: true });
  return {
    mode,
    rows,
    batch_rows: BATCH,
    wall_s: +wall.toFixed(2),
    rows_per_s: Math.round(rows / wall),
    main_us_per_row: +(((elu.active - parse.ms) * 1000) / rows).toFixed(2),
    source_us_per_row: +((parse.ms * 1000) / rows).toFixed(2),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    files,
    parquet_mb: +(bytes / 2 ** 20).toFixed(1),
    wasm_heap_mb: Math.round(writer.wasmHeapBytes / 2 ** 20),
  };
}

function child(mode: string, rows: number, batchRows = BATCH): Result {
  const r = spawnSync(
    process.execPath,
    [
      fileURLToPath(import.meta.url),
      '--mode',
      mode,
      '--rows',
      String(rows),
      '--batch-rows',
      String(batchRows),
      '--file-max-mb',
      String(args['file-max-mb']),
      '--queued',
      String(args.queued),
      ...(args['row-group-rows'] === undefined ? [] : ['--row-group-rows', args['row-group-rows']]),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (r.status !== 0) throw new Error(`${mode} ${rows} failed`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as Result;
}

if (args.mode === 'all') {
  // `source` is the memory baseline (page building and parsing alone); the `both` runs at two
  // sizes and two batch sizes show whether memory stays flat and what the batch size costs.
  const results = [
    child('source', ROWS),
    child('normalize', ROWS),
    child('stage', ROWS),
    child('both', ROWS),
    child('source', 500_000),
    child('both', 500_000),
    child('both', 2_000_000),
    child('both', 500_000, 16384),
    child('both', 2_000_000, 16384),
  ];
  for (const r of results) {
    process.stderr.write(
      `${r.mode.padEnd(9)} ${String(r.rows).padStart(8)} rows  batch ${String(r.batch_rows).padStart(5)}  ` +
        `${String(r.rows_per_s).padStart(7)} rows/s  ` +
        `main thread ${r.main_us_per_row} µs/row  peak RSS ${r.peak_rss_mb} MB (wasm ${r.wasm_heap_mb} MB)  ` +
        `${r.files} files ${r.parquet_mb} MB\n`,
    );
  }
  console.log(JSON.stringify(results));
} else {
  console.log(JSON.stringify(await once(args.mode ?? 'both', ROWS)));
}
