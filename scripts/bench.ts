/**
 * `npm run bench [-- --quick] [-- --vs-dlt]` (options below). Everything is measured in one run, each
 * figure in a fresh process (peak RSS is per process), against local servers in their own processes:
 *
 * 1. throughput — the fetch + JSON.parse ceiling and the full pipeline (to Parquet, then into DuckDB)
 *    alternate on the same cursor pages, so `ratio` and `ratio_with_load` are fair on a noisy machine;
 *    then DuckDB's JSON reader on the same pages (the design floe does not use, for comparison);
 * 2. memory — the whole run's peak RSS (load included) at two sizes, one huge page, wide records
 *    (600 columns) and records of 10,000 keys;
 * 3. slow API — every page 100 ms late, offset pagination at concurrency 1, 2, 4, 8;
 * 4. bytes — wire bytes per row with and without gzip;
 * 5. `--vs-dlt` — dlt 1.31.0 (a cached venv, see dltPython) on the same server and pages, to Parquet and
 *    into DuckDB, next to floe on the same rows.
 *
 * Progress goes to stderr; the last stdout line is one JSON object with every figure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    pairs: { type: 'string', default: '3' },
    'rss-small': { type: 'string', default: '500000' },
    'rss-large': { type: 'string', default: '5000000' },
    'huge-rows': { type: 'string', default: '1000000' },
    'latency-ms': { type: 'string', default: '100' },
    'latency-pages': { type: 'string', default: '160' },
    'dlt-rows': { type: 'string', default: '300000' },
    'vs-dlt': { type: 'boolean', default: false },
    'only-dlt': { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
  },
});
const quick = values.quick ?? false;
const rows = quick ? 200_000 : Number(values.rows);
const pairs = quick ? 1 : Number(values.pairs);
const rssSmall = quick ? 100_000 : Number(values['rss-small']);
const rssLarge = quick ? 500_000 : Number(values['rss-large']);
const hugeRows = quick ? 200_000 : Number(values['huge-rows']);
const latencyPages = quick ? 32 : Number(values['latency-pages']);
const dltRows = quick ? 50_000 : Number(values['dlt-rows']);

type Figures = Record<string, number>;

const DLT_VERSION = '1.31.0';

async function startServer(args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(here, 'bench-server.js'), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    const m = /^BENCH_SERVER_URL=(.+)$/.exec(line);
    if (m) return { url: m[1]!, child };
  }
  throw new Error('bench server did not start');
}

async function withServer<T>(args: string[], fn: (url: string) => Promise<T>): Promise<T> {
  const s = await startServer(args);
  try {
    return await fn(s.url);
  } finally {
    s.child.kill('SIGTERM');
  }
}

async function lastJsonLine(cmd: string, args: string[], what: string): Promise<Figures> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`${what} exited ${code}`);
  return JSON.parse(out.trim().split('\n').pop()!) as Figures;
}

async function measure(
  mode: 'ceiling' | 'pipeline' | 'duckdb-json',
  url: string,
  n: number,
  opts: object = {},
  label = '',
): Promise<Figures> {
  const r = await lastJsonLine(
    process.execPath,
    [join(here, 'bench-worker.js'), mode, url, String(n), JSON.stringify(opts)],
    `${mode} ${n}`,
  );
  process.stderr.write(
    `${(label || mode).padEnd(22)} ${fmt(n).padStart(9)} rows  ${fmt(r.rows_per_s!).padStart(7)} rows/s  peak RSS ${r.peak_rss_mb} MB` +
      (r.cpu_us_per_row ? `  ${r.cpu_us_per_row.toFixed(1)} µs CPU a row` : '') +
      (r.rows_per_s_with_load
        ? `  (with the DuckDB load ${fmt(r.rows_per_s_with_load)} rows/s; to Parquet peak ${r.peak_rss_mb_to_parquet} MB)`
        : '') +
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

const r3 = (x: number): number => Number(x.toFixed(3));

/**
 * The dlt venv, created once and then reused: the same place scripts/ensure-dlt.sh (the dlt
 * differential suite) keeps dlt 1.31.0, `${XDG_CACHE_HOME:-~/.cache}/floe/dlt-1.31.0`, outside
 * the repository. The bench also needs dlt's parquet and filesystem extras (pyarrow, fsspec).
 */
function dltPython(): string {
  const venv = join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'floe', `dlt-${DLT_VERSION}`);
  const py = join(venv, 'bin', 'python');
  const ok = (): boolean =>
    existsSync(py) &&
    spawnSync(py, ['-c', `import dlt, duckdb, pyarrow, fsspec; assert dlt.__version__ == "${DLT_VERSION}"`])
      .status === 0;
  if (ok()) return py;
  process.stderr.write(
    `bench: installing dlt ${DLT_VERSION} (duckdb, parquet, filesystem) into ${venv} (once)…\n`,
  );
  const steps: [string, string[]][] = [
    ...(existsSync(py) ? [] : ([['python3', ['-m', 'venv', venv]]] as [string, string[]][])),
    [
      join(venv, 'bin', 'pip'),
      ['install', '-q', '--disable-pip-version-check', `dlt[duckdb,parquet,filesystem]==${DLT_VERSION}`],
    ],
  ];
  for (const [cmd, args] of steps) {
    if (spawnSync(cmd, args, { stdio: 'inherit' }).status !== 0)
      throw new Error(`could not install dlt: ${cmd} ${args.join(' ')}`);
  }
  if (!ok()) throw new Error(`dlt ${DLT_VERSION} did not install into ${venv}`);
  return py;
}

async function dlt(py: string, url: string, n: number, target: 'parquet' | 'duckdb'): Promise<Figures> {
  const work = await mkdtemp(join(tmpdir(), 'floe-bench-dlt-'));
  try {
    const r = await lastJsonLine(
      py,
      [join(root, 'scripts', 'bench-dlt.py'), url, String(n), target, work],
      `dlt ${target}`,
    );
    process.stderr.write(
      `${`dlt → ${target}`.padEnd(22)} ${fmt(r.rows!).padStart(9)} rows  ${fmt(r.rows_per_s!).padStart(7)} rows/s  peak RSS ${r.peak_rss_mb} MB\n`,
    );
    if (r.rows !== n) throw new Error(`dlt loaded ${r.rows} rows, expected ${n}`);
    return r;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function vsDlt(): Promise<Figures> {
  const py = dltPython();
  return withServer(['--pages', String(Math.ceil(dltRows / 1000))], async (url) => {
    const floe = await measure('pipeline', url, dltRows, {}, 'floe (same rows)');
    const parquet = await dlt(py, url, dltRows, 'parquet');
    const duck = await dlt(py, url, dltRows, 'duckdb');
    return {
      dlt_rows: dltRows,
      dlt_rows_per_s: Math.round(parquet.rows_per_s!),
      dlt_peak_rss_mb: parquet.peak_rss_mb!,
      dlt_rows_per_s_duckdb: Math.round(duck.rows_per_s!),
      dlt_peak_rss_mb_duckdb: duck.peak_rss_mb!,
      floe_rows_per_s_at_dlt_rows: Math.round(floe.rows_per_s!),
      floe_rows_per_s_with_load_at_dlt_rows: Math.round(floe.rows_per_s_with_load!),
      floe_peak_rss_mb_at_dlt_rows: floe.peak_rss_mb!,
      speedup_vs_dlt_parquet: r3(floe.rows_per_s! / parquet.rows_per_s!),
      speedup_vs_dlt_duckdb: r3(floe.rows_per_s_with_load! / duck.rows_per_s!),
    };
  });
}

const result: Record<string, unknown> = {};
if (!values['only-dlt']) {
  await withServer(['--pages', String(Math.ceil(Math.max(rows, rssLarge) / 1000))], async (url) => {
    process.stderr.write(
      `bench: ${pairs} pair(s) of ceiling/pipeline at ${fmt(rows)} rows, then peak RSS at ${fmt(rssSmall)} and ${fmt(rssLarge)} rows, one ${fmt(hugeRows)}-row page\n`,
    );
    const ceilings: number[] = [];
    const ceilingCpu: number[] = [];
    const ceilingRss: number[] = [];
    const pipes: Figures[] = [];
    const ratios: number[] = [];
    const withLoad: number[] = [];
    for (let i = 0; i < pairs; i++) {
      const c = await measure('ceiling', url, rows);
      const p = await measure('pipeline', url, rows);
      ceilings.push(c.rows_per_s!);
      ceilingCpu.push(c.cpu_us_per_row!);
      ceilingRss.push(c.peak_rss_mb!);
      pipes.push(p);
      ratios.push(p.rows_per_s! / c.rows_per_s!);
      withLoad.push(p.rows_per_s_with_load! / c.rows_per_s!);
    }
    // The design the issue also names: DuckDB's C++ JSON reader does parse, flatten and Parquet.
    const duckJson = await measure('duckdb-json', url, rows, {}, 'DuckDB JSON reader');
    const small = await measure('pipeline', url, rssSmall);
    const large = await measure('pipeline', url, rssLarge);
    const huge = await measure('pipeline', url, hugeRows, { pagination: 'huge' }, 'one huge page');
    const flat = Math.max(small.peak_rss_mb!, large.peak_rss_mb!);
    /** The best ratio a design costing `cpuUsPerRow` allows: every core on it, nothing else. */
    const boundByCpu = (cpuUsPerRow: number): number =>
      (availableParallelism() * 1e6) / median(ceilings) / cpuUsPerRow;
    Object.assign(result, {
      rows,
      rows_per_s: Math.round(median(pipes.map((p) => p.rows_per_s!))),
      rows_per_s_with_duckdb_load: Math.round(median(pipes.map((p) => p.rows_per_s_with_load!))),
      ceiling_rows_per_s: Math.round(median(ceilings)),
      ratio: r3(median(ratios)),
      ratios: ratios.map(r3),
      ratio_with_load: r3(median(withLoad)),
      // CPU a row costs (every thread of the measuring process; the server's is not counted), and
      // the best ratio that CPU allows: all cores busy with the pipeline's work and nothing else.
      ceiling_cpu_us_per_row: r3(median(ceilingCpu)),
      cpu_us_per_row: r3(median(pipes.map((p) => p.cpu_us_per_row!))),
      cpu_us_per_row_with_load: r3(median(pipes.map((p) => p.cpu_us_per_row_with_load!))),
      cores: availableParallelism(),
      ratio_bound_by_cpu: r3(boundByCpu(median(pipes.map((p) => p.cpu_us_per_row!)))),
      peak_rss_mb: Math.round(median(pipes.map((p) => p.peak_rss_mb!))),
      // A Node process doing nothing but fetch + JSON.parse of the same pages: the floor under floe's.
      ceiling_peak_rss_mb: Math.round(median(ceilingRss)),
      // Fetch + spool the bytes, then DuckDB's read_json → Parquet, one after the other (not
      // overlapped): what the other design costs a row, and the ratio its CPU would allow.
      duckdb_json_rows_per_s: Math.round(duckJson.rows_per_s!),
      duckdb_json_ratio: r3(duckJson.rows_per_s! / median(ceilings)),
      duckdb_json_cpu_us_per_row: r3(duckJson.cpu_us_per_row!),
      duckdb_json_ratio_bound_by_cpu: r3(boundByCpu(duckJson.cpu_us_per_row!)),
      duckdb_json_peak_rss_mb: duckJson.peak_rss_mb,
      [`peak_rss_mb_at_${rssSmall}`]: small.peak_rss_mb,
      [`peak_rss_mb_at_${rssLarge}`]: large.peak_rss_mb,
      rss_growth: r3(large.peak_rss_mb! / small.peak_rss_mb! - 1),
      [`peak_rss_mb_to_parquet_at_${rssSmall}`]: small.peak_rss_mb_to_parquet,
      [`peak_rss_mb_to_parquet_at_${rssLarge}`]: large.peak_rss_mb_to_parquet,
      rss_growth_to_parquet: r3(large.peak_rss_mb_to_parquet! / small.peak_rss_mb_to_parquet! - 1),
      [`peak_rss_mb_one_page_of_${hugeRows}`]: huge.peak_rss_mb,
      huge_page_mb: Math.round(huge.wire_bytes! / 2 ** 20),
      huge_page_rss_vs_flat: r3(huge.peak_rss_mb! / flat),
      wire_bytes_per_row: Math.round(pipes[0]!.wire_bytes! / rows),
    });
  });
  await withServer(['--pages', '300', '--shape', 'wide'], async (url) => {
    const wide = await measure(
      'pipeline',
      url,
      quick ? 5_000 : 30_000,
      { perPage: 100 },
      'wide (600 columns)',
    );
    result.peak_rss_mb_wide_600_columns = wide.peak_rss_mb;
    result.rows_per_s_wide_600_columns = Math.round(wide.rows_per_s!);
  });
  await withServer(['--pages', '300', '--shape', 'keys'], async (url) => {
    // 1,000 records of 10,000 keys are ~115 MB of JSON; the map is declared `string` (one JSON
    // text column): without that, max_columns refuses it, as it should.
    try {
      const keys = await measure(
        'pipeline',
        url,
        quick ? 200 : 1_000,
        { perPage: 20, asText: ['counts'] },
        'records of 10,000 keys',
      );
      result.peak_rss_mb_10000_keys = keys.peak_rss_mb;
      result.peak_rss_mb_to_parquet_10000_keys = keys.peak_rss_mb_to_parquet;
    } catch (e) {
      result.error_10000_keys = (e as Error).message;
    }
  });
  await withServer(['--pages', '200', '--gzip'], async (url) => {
    const gz = await measure('pipeline', url, 100_000, {}, 'gzip on the wire');
    result.wire_bytes_per_row_gzip = Math.round(gz.wire_bytes! / gz.rows!);
  });
  const latency = Number(values['latency-ms']);
  await withServer(['--pages', String(latencyPages), '--latency-ms', String(latency)], async (url) => {
    process.stderr.write(`bench: every page ${latency} ms late, offset pagination, ${latencyPages} pages\n`);
    const curve: Record<string, number> = {};
    for (const concurrency of [1, 2, 4, 8]) {
      const r = await measure(
        'pipeline',
        url,
        latencyPages * 1000,
        { pagination: 'offset', concurrency },
        `concurrency ${concurrency}`,
      );
      curve[concurrency] = Math.round(r.rows_per_s!);
    }
    result.latency_ms = latency;
    result.latency_curve = curve;
    result.latency_speedup_at_8 = r3(curve[8]! / curve[1]!);
  });
}
if (values['vs-dlt'] || values['only-dlt']) Object.assign(result, await vsDlt());
process.stdout.write(JSON.stringify(result) + '\n');
