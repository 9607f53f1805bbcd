/**
 * `npm run demo`: starts the sample API, loads it into .floe/demo.duckdb with `floe run`, then
 * prints row counts per table and a sample query. Runs from a fresh clone with no account.
 * `npm run demo -- --push` then also pushes the users table back to the API's batch endpoint with
 * `floe push config/demo-push.yaml` (reverse ETL) and prints what the API received.
 */
import { join } from 'node:path';
import { main } from '../src/cli/cli.js';
import { DuckdbDestination } from '../src/destination/duckdb/duckdb-destination.js';
import { table } from '../src/cli/render.js';
import { systemClock } from '../src/util/clock.js';
import { silentLogger } from '../src/util/logger.js';
import { projectRoot } from '../src/util/project-files.js';
import { startDemoApi, type DemoApi } from './demo-api.js';

async function startApi(): Promise<DemoApi> {
  try {
    return await startDemoApi({ port: 4010 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    return startDemoApi({ port: 0 });
  }
}

const root = projectRoot();
process.chdir(root);
const api = await startApi();
process.stderr.write(`demo API listening on ${api.url}\n`);
const env = { ...process.env, DEMO_PORT: String(api.port), DEMO_KEY: api.key };
const started = Date.now();
const code = await main(['run', join('config', 'demo.yaml'), '--state-dir', '.floe'], {
  stdout: process.stdout,
  stderr: process.stderr,
  env,
});
let pushCode = 0;
if (process.argv.includes('--push')) {
  process.stdout.write(`\nfloe push config/demo-push.yaml\n`);
  pushCode = await main(['push', join('config', 'demo-push.yaml'), '--state-dir', '.floe'], { stdout: process.stdout, stderr: process.stderr, env });
  const got = api.received;
  process.stdout.write(
    `\nthe demo API took ${got.contacts.size} distinct contacts (${got.rows} rows) in ${got.batches} batches; ` +
      `${got.replayed} re-sent batches were answered from their Idempotency-Key\n`,
  );
}
await api.close();
const retried = api.requests.filter((r) => r.status === 429 || r.status === 503).length;
process.stdout.write(`\n${api.requests.length} HTTP requests, ${retried} answered 429/503 and retried; ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

const db = await DuckdbDestination.open(
  { type: 'duckdb', path: join('.floe', 'demo.duckdb'), schema: 'main', write_disposition: 'append', memory_limit: '256MB' },
  { clock: systemClock, logger: silentLogger },
);
try {
  const counts = await db.query(
    `SELECT table_name, estimated_size FROM duckdb_tables() WHERE schema_name = 'main' AND NOT starts_with(table_name, '_floe') ORDER BY table_name`,
  );
  const rows: string[][] = [];
  for (const t of counts) {
    const n = await db.query(`SELECT count(*)::BIGINT AS n FROM main."${String(t.table_name)}"`);
    rows.push([String(t.table_name), String(n[0]?.n)]);
  }
  process.stdout.write(`\nrow counts in .floe/demo.duckdb:\n${table(['table', 'rows'], rows)}\n`);
  const sql = `SELECT city, address_country AS country, count(*) AS users, round(avg(score), 1) AS avg_score
FROM main.users GROUP BY ALL ORDER BY users DESC LIMIT 5`;
  const sample = await db.query(sql);
  process.stdout.write(
    `\n${sql};\n${table(
      ['city', 'country', 'users', 'avg_score'],
      sample.map((r) => [String(r.city), String(r.country), String(r.users), String(r.avg_score)]),
    )}\n`,
  );
} finally {
  await db.close();
}
process.exitCode = code !== 0 ? code : pushCode;
