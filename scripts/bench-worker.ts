/**
 * One measured process of the bench (peak RSS is per process, so each measurement gets its own):
 *   ceiling  — fetch the same pages with undici.request and only JSON.parse them
 *   pipeline — the real `floe run`: REST source → normalize → Parquet stage → DuckDB
 * Prints one JSON line with rows, seconds and peak RSS.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { parseConfig } from '../src/config/load-config.js';
import { runConnector } from '../src/run/runner.js';

const [mode, url, rowsArg, optsArg] = process.argv.slice(2);
const rows = Number(rowsArg);
/** What the pipeline reads: cursor pages (default), offset pages (`concurrency`), or one huge page. */
const opts = JSON.parse(optsArg ?? '{}') as {
  pagination?: 'cursor' | 'offset' | 'huge';
  concurrency?: number;
  perPage?: number;
  /** Columns declared `string`: an object of 10,000 keys loads as one JSON text column. */
  asText?: string[];
};
const perPage = opts.perPage ?? 1000;
const pages = Math.ceil(rows / perPage);

/** CPU time (user + system, every thread of this process) since `from`, in µs. */
function cpuMicros(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return d.user + d.system;
}

function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

async function ceiling(): Promise<Record<string, number>> {
  const agent = new Agent({ connections: 1 });
  let cursor: string | null = '0';
  let n = 0;
  let page = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  while (cursor !== null && page < pages) {
    const res = await request(`${url}/items?cursor=${cursor}`, { dispatcher: agent });
    const body = JSON.parse(await res.body.text()) as { data: unknown[]; next_cursor: string | null };
    n += body.data.length;
    cursor = body.next_cursor;
    page++;
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuMicros(cpu0);
  await agent.close();
  return { rows: n, seconds, rows_per_s: n / seconds, cpu_us_per_row: cpu / n, peak_rss_mb: peakRssMb() };
}

async function pipeline(): Promise<Record<string, number>> {
  const dir = await mkdtemp(join(tmpdir(), 'floe-bench-'));
  try {
    const endpoint =
      opts.pagination === 'huge'
        ? { path: '/huge', query_params: { rows }, records_path: '$.data' }
        : opts.pagination === 'offset'
          ? {
              path: '/items',
              records_path: '$.data',
              concurrency: opts.concurrency ?? 1,
              pagination: { type: 'offset', limit_value: perPage, total_path: '$.total', max_pages: pages },
            }
          : {
              path: '/items',
              records_path: '$.data',
              pagination: {
                type: 'cursor',
                cursor_param: 'cursor',
                cursor_path: '$.next_cursor',
                max_pages: pages,
              },
            };
    if (opts.asText)
      Object.assign(endpoint, { schema: opts.asText.map((name) => ({ name, type: 'string' })) });
    const loaded = parseConfig({
      name: 'bench',
      base_url: url,
      endpoints: [endpoint],
      destination: { type: 'duckdb', path: join(dir, 'bench.duckdb') },
    });
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    let extractRss = 0;
    let extractCpu = 0;
    const run = await runConnector(loaded, {
      stateDir: join(dir, 'state'),
      // The peak so far when loading starts is the streaming pipeline's own (to Parquet).
      onProgress: (e) => {
        if (e.phase === 'loading' && extractCpu === 0) {
          extractRss = peakRssMb();
          extractCpu = cpuMicros(cpu0);
        }
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    const e = run.endpoints[0]!;
    if (e.status !== 'succeeded') throw new Error(`bench run failed: ${JSON.stringify(e.error)}`);
    const extractSeconds = (e.extract_ms ?? 0) / 1000;
    return {
      rows: e.rows,
      files: e.files,
      seconds,
      extract_seconds: extractSeconds,
      load_seconds: (e.load_ms ?? 0) / 1000,
      rows_per_s: e.rows / extractSeconds,
      rows_per_s_with_load: e.rows / seconds,
      wire_bytes: e.bytes,
      peak_rss_mb: peakRssMb(),
      peak_rss_mb_to_parquet: extractRss,
      // Every thread of the process (main, the Parquet worker, DuckDB's): what a row costs.
      cpu_us_per_row: extractCpu / e.rows,
      cpu_us_per_row_with_load: cpuMicros(cpu0) / e.rows,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const result = mode === 'ceiling' ? await ceiling() : await pipeline();
process.stdout.write(JSON.stringify({ mode, ...result }) + '\n');
