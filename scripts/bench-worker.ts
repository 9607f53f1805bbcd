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

const [mode, url, rowsArg] = process.argv.slice(2);
const rows = Number(rowsArg);
const pages = Math.ceil(rows / 1000);

function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

async function ceiling(): Promise<Record<string, number>> {
  const agent = new Agent({ connections: 1 });
  let cursor: string | null = '0';
  let n = 0;
  let page = 0;
  const t0 = performance.now();
  while (cursor !== null && page < pages) {
    const res = await request(`${url}/items?cursor=${cursor}`, { dispatcher: agent });
    const body = JSON.parse(await res.body.text()) as { data: unknown[]; next_cursor: string | null };
    n += body.data.length;
    cursor = body.next_cursor;
    page++;
  }
  const seconds = (performance.now() - t0) / 1000;
  await agent.close();
  return { rows: n, seconds, rows_per_s: n / seconds, peak_rss_mb: peakRssMb() };
}

async function pipeline(): Promise<Record<string, number>> {
  const dir = await mkdtemp(join(tmpdir(), 'floe-bench-'));
  try {
    const loaded = parseConfig({
      name: 'bench',
      base_url: url,
      endpoints: [
        {
          path: '/items',
          records_path: '$.data',
          pagination: { type: 'cursor', cursor_param: 'cursor', cursor_path: '$.next_cursor', max_pages: pages },
        },
      ],
      destination: { type: 'duckdb', path: join(dir, 'bench.duckdb') },
    });
    const t0 = performance.now();
    let extractRss = 0;
    const run = await runConnector(loaded, {
      stateDir: join(dir, 'state'),
      // The peak so far when loading starts is the streaming pipeline's own (to Parquet).
      onProgress: (e) => {
        if (e.phase === 'loading') extractRss = peakRssMb();
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
      peak_rss_mb: peakRssMb(),
      peak_rss_mb_to_parquet: extractRss,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const result = mode === 'ceiling' ? await ceiling() : await pipeline();
process.stdout.write(JSON.stringify({ mode, ...result }) + '\n');
