/**
 * One measured process of the bench (peak RSS is per process, so each measurement gets its own):
 *   ceiling     — fetch the same pages with undici.request and only JSON.parse them
 *   pipeline    — the real `floe run`: REST source → normalize → Parquet stage → DuckDB
 *   duckdb-json — the design floe does not use (yet): DuckDB's C++ JSON reader parses, flattens
 *                 and writes the Parquet (see duckdbJson)
 * Prints one JSON line with rows, seconds and peak RSS.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Agent, request, type Dispatcher } from 'undici';
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

/**
 * Walks the bench's cursor pages with undici.request on one connection; `read` takes each response
 * and returns the next cursor (null after the last page). Returns the walk's wall time and CPU
 * (every thread), measured before the connection is closed.
 */
async function walkPages(
  read: (res: Dispatcher.ResponseData, page: number) => Promise<string | null>,
): Promise<{ seconds: number; cpuUs: number }> {
  const agent = new Agent({ connections: 1 });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let cursor: string | null = '0';
  for (let page = 0; cursor !== null && page < pages; page++) {
    cursor = await read(await request(`${url}/items?cursor=${cursor}`, { dispatcher: agent }), page);
  }
  const walked = { seconds: (performance.now() - t0) / 1000, cpuUs: cpuMicros(cpu0) };
  await agent.close();
  return walked;
}

async function ceiling(): Promise<Record<string, number>> {
  let n = 0;
  const { seconds, cpuUs } = await walkPages(async (res) => {
    const body = JSON.parse(await res.body.text()) as { data: unknown[]; next_cursor: string | null };
    n += body.data.length;
    return body.next_cursor;
  });
  return { rows: n, seconds, rows_per_s: n / seconds, cpu_us_per_row: cpuUs / n, peak_rss_mb: peakRssMb() };
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

/**
 * What letting DuckDB's JSON reader do the work costs, on the same pages: fetch as the ceiling does
 * but keep each body as bytes (spooled to a file, the cursor read from the body's tail: no
 * JSON.parse in JS), then one `read_json` → flatten → `COPY TO` Parquet (ZSTD) on DuckDB's threads.
 * The flattening is a column list written for the bench's pages: this measures the cost of the
 * design, not floe's semantics (which it does not keep: see the README's bench section).
 */
async function duckdbJson(): Promise<Record<string, number>> {
  const dir = await mkdtemp(join(tmpdir(), 'floe-bench-duckjson-'));
  try {
    const cpu0 = process.cpuUsage();
    const { seconds: fetchSeconds } = await walkPages(async (res, page) => {
      const body = Buffer.from(await res.body.arrayBuffer());
      await writeFile(join(dir, `page-${String(page).padStart(6, '0')}.json`), body);
      return /"next_cursor":(?:"([^"]*)"|null)/.exec(body.subarray(-200).toString('latin1'))?.[1] ?? null;
    });
    const db = await DuckDBInstance.create(':memory:', { memory_limit: '256MB' });
    const con = await db.connect();
    const t1 = performance.now();
    const cpu1 = process.cpuUsage();
    const nested = (parent: string, keys: string[]): string =>
      keys.map((k) => `r.${parent}.${k} AS ${parent}_${k}`).join(', ');
    await con.run(
      `COPY (SELECT r.id, r.uuid, r.name, r.email, r.created_at, r.active, r.score, r.amount, r.quantity, ` +
        `r.version, r.status, r.notes, r.country_code, r.locale, ` +
        `${nested('address', ['street', 'city', 'postal_code', 'country'])}, ` +
        `${nested('metadata', ['source', 'campaign', 'ip'])}, to_json(r.tags) AS tags ` +
        `FROM (SELECT unnest(data) AS r FROM read_json('${join(dir, '*.json')}'))) ` +
        `TO '${join(dir, 'out.parquet')}' (FORMAT parquet, COMPRESSION zstd)`,
    );
    const convertSeconds = (performance.now() - t1) / 1000;
    const convertCpu = cpuMicros(cpu1);
    const cpu = cpuMicros(cpu0);
    const n = Number(
      (await con.runAndReadAll(`SELECT count(*) FROM '${join(dir, 'out.parquet')}'`)).getRows()[0]?.[0],
    );
    con.closeSync();
    db.closeSync();
    const seconds = fetchSeconds + convertSeconds;
    return {
      rows: n,
      seconds,
      fetch_seconds: fetchSeconds,
      convert_seconds: convertSeconds,
      rows_per_s: n / seconds,
      cpu_us_per_row: cpu / n,
      convert_cpu_us_per_row: convertCpu / n,
      peak_rss_mb: peakRssMb(),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const result =
  mode === 'ceiling' ? await ceiling() : mode === 'duckdb-json' ? await duckdbJson() : await pipeline();
process.stdout.write(JSON.stringify({ mode, ...result }) + '\n');
