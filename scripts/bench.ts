/**
 * `npm run bench [-- --rows 1000000 --pairs 3 --rss-small 500000 --rss-large 5000000 --quick]`
 *
 * In one run: the fetch + JSON.parse ceiling and the full floe pipeline (to Parquet, then into
 * DuckDB) alternate on the same pages from the same local server, so the ratio is fair on a noisy
 * machine; then two pipeline runs at different sizes show whether memory stays flat.
 * The last line is one JSON object with the headline figures.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    pairs: { type: 'string', default: '3' },
    'rss-small': { type: 'string', default: '500000' },
    'rss-large': { type: 'string', default: '5000000' },
    quick: { type: 'boolean', default: false },
  },
});
const quick = values.quick ?? false;
const rows = quick ? 200_000 : Number(values.rows);
const pairs = quick ? 1 : Number(values.pairs);
const rssSmall = quick ? 100_000 : Number(values['rss-small']);
const rssLarge = quick ? 500_000 : Number(values['rss-large']);

async function startServer(pages: number): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(here, 'bench-server.js'), String(pages)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    const m = /^BENCH_SERVER_URL=(.+)$/.exec(line);
    if (m) return { url: m[1]!, child };
  }
  throw new Error('bench server did not start');
}

async function measure(mode: 'ceiling' | 'pipeline', url: string, n: number): Promise<Record<string, number>> {
  const child = spawn(process.execPath, [join(here, 'bench-worker.js'), mode, url, String(n)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`${mode} ${n} exited ${code}`);
  const r = JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
  process.stderr.write(
    `${mode.padEnd(8)} ${String(n).padStart(8)} rows  ${fmt(r.rows_per_s!)} rows/s  peak RSS ${r.peak_rss_mb} MB` +
      (r.rows_per_s_with_load ? `  (to Parquet: peak RSS ${r.peak_rss_mb_to_parquet} MB; with the DuckDB load ${fmt(r.rows_per_s_with_load)} rows/s)` : '') +
      '\n',
  );
  return r;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const server = await startServer(Math.ceil(Math.max(rows, rssLarge) / 1000));
try {
  process.stderr.write(`bench: ${pairs} pair(s) of ceiling/pipeline at ${fmt(rows)} rows, then RSS at ${fmt(rssSmall)} and ${fmt(rssLarge)} rows\n`);
  const ceilings: number[] = [];
  const pipes: Record<string, number>[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < pairs; i++) {
    const c = await measure('ceiling', server.url, rows);
    const p = await measure('pipeline', server.url, rows);
    ceilings.push(c.rows_per_s!);
    pipes.push(p);
    ratios.push(p.rows_per_s! / c.rows_per_s!);
  }
  const small = await measure('pipeline', server.url, rssSmall);
  const large = await measure('pipeline', server.url, rssLarge);
  const result = {
    rows,
    rows_per_s: Math.round(median(pipes.map((p) => p.rows_per_s!))),
    rows_per_s_with_duckdb_load: Math.round(median(pipes.map((p) => p.rows_per_s_with_load!))),
    ceiling_rows_per_s: Math.round(median(ceilings)),
    ratio: Number(median(ratios).toFixed(3)),
    peak_rss_mb: Math.round(median(pipes.map((p) => p.peak_rss_mb!))),
    [`peak_rss_mb_at_${rssSmall}`]: small.peak_rss_mb,
    [`peak_rss_mb_at_${rssLarge}`]: large.peak_rss_mb,
    rss_growth: Number((large.peak_rss_mb! / small.peak_rss_mb! - 1).toFixed(3)),
    [`peak_rss_mb_to_parquet_at_${rssSmall}`]: small.peak_rss_mb_to_parquet,
    [`peak_rss_mb_to_parquet_at_${rssLarge}`]: large.peak_rss_mb_to_parquet,
    rss_growth_to_parquet: Number((large.peak_rss_mb_to_parquet! / small.peak_rss_mb_to_parquet! - 1).toFixed(3)),
  };
  process.stdout.write(JSON.stringify(result) + '\n');
} finally {
  server.child.kill('SIGTERM');
}
