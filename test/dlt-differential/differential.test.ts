/**
 * The differential suite: every config in `cases.ts` runs through dlt 1.31 itself (DuckDB
 * destination, one Python process for the whole batch) and through floe, against the same local
 * API on 127.0.0.1; the loaded tables must agree (see `compare.ts`). dlt comes from the pinned
 * virtual environment `scripts/ensure-dlt.sh` makes (`.tools/dlt-venv`, installed by `.ci/run`
 * outside the loopback namespace); without python3 there is none and the suite is skipped.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { DLT_AUTH_KEYS, DLT_CLIENT_KEYS, DLT_ENDPOINT_KEYS, DLT_INCREMENTAL_KEYS, DLT_PAGINATOR_KEYS, DLT_RESOLVE_PARAM_KEYS, DLT_RESOURCE_KEYS, DLT_RESPONSE_ACTION_KEYS, DLT_TOP_KEYS } from '../../src/config/dialects/dlt/keys.js';
import { runConnector } from '../../src/run/runner.js';
import { FakeClock } from '../../src/util/clock.js';
import type { MockApi } from '../support/mock-api.js';
import { startDifferentialApi } from './api.js';
import { CASES } from './cases.js';
import { compareTables, type Comparison, type Tables } from './compare.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const python = join(root, '.tools', 'dlt-venv', 'bin', 'python');
const runner = fileURLToPath(new URL('./run_dlt.py', import.meta.url));

interface DltOutput {
  versions: { dlt: string; duckdb: string };
  typeddicts: Record<string, string[]>;
  cases: Record<string, { error: string | null; tables: Tables }>;
}

function runPython(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`dlt runner exited ${String(code)}: ${stderr}`))));
  });
}

async function readFloe(path: string): Promise<Tables> {
  const instance = await DuckDBInstance.create(path);
  const con = await instance.connect();
  try {
    await con.run("SET TimeZone='UTC'");
    const listed = (await con.runAndReadAll("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_name NOT LIKE '\\_floe\\_%' ESCAPE '\\' ORDER BY 1")).getRows();
    const out: Record<string, { columns: string[]; rows: (string | null)[][] }> = {};
    for (const [table] of listed) {
      const cols = (await con.runAndReadAll(`SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = '${String(table)}' ORDER BY ordinal_position`))
        .getRows()
        .map(([c]) => String(c))
        .filter((c) => !c.startsWith('_floe_'));
      const rows = (await con.runAndReadAll(`SELECT ${cols.map((c) => `CAST("${c}" AS VARCHAR)`).join(', ')} FROM main."${String(table)}"`)).getRows();
      out[String(table)] = { columns: cols, rows: rows.map((r) => r.map((v) => (v === null ? null : String(v)))) };
    }
    return out;
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

const available = existsSync(python);
const results: { name: string; covers: string; result: Comparison }[] = [];

describe.skipIf(!available)('dlt differential: dlt 1.31 and floe load the same configs alike', () => {
  let api: MockApi;
  let dir: string;
  let dlt: DltOutput;

  beforeAll(async () => {
    api = await startDifferentialApi();
    dir = await mkdtemp(join(tmpdir(), 'floe-dlt-diff-'));
    const spec = { cases: CASES.map((c) => ({ name: c.name, config: c.config(api.url), runs: c.runs ?? 1 })) };
    await writeFile(join(dir, 'spec.json'), JSON.stringify(spec));
    const env = { PATH: process.env.PATH, HOME: dir, DLT_DATA_DIR: join(dir, 'dlt-data'), TZ: 'UTC', RUNTIME__DLTHUB_TELEMETRY: 'false' };
    await runPython([runner, join(dir, 'spec.json'), join(dir, 'dlt.json'), dir], env);
    dlt = JSON.parse(await readFile(join(dir, 'dlt.json'), 'utf8')) as DltOutput;
  }, 600_000);

  afterAll(async () => {
    await api?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    if (results.length > 0) {
      const sum = (k: 'rows' | 'values' | 'tables' | 'nested' | 'variants'): number => results.reduce((n, r) => n + r.result[k], 0);
      for (const r of results) process.stdout.write(`  ${r.name}: ${r.result.tables} tables, ${r.result.rows} rows, ${r.result.values} values, ${r.result.nested} nested, ${r.result.variants} variant columns\n`);
      process.stdout.write(`dlt differential: ${results.length} configs, ${sum('tables')} tables, ${sum('rows')} rows, ${sum('values')} values, ${sum('nested')} nested tables, ${sum('variants')} variant columns\n`);
    }
  });

  it('runs the pinned dlt, and floe knows every key of dlt’s own config TypedDicts', () => {
    expect(dlt.versions.dlt).toBe('1.31.0');
    const td = dlt.typeddicts;
    const known = (table: Readonly<Record<string, unknown>>): string[] => Object.keys(table).sort();
    const union = (...names: string[]): string[] => [...new Set(names.flatMap((n) => td[n] ?? []))].sort();
    expect(known(DLT_TOP_KEYS)).toEqual(union('RESTAPIConfig'));
    expect(known(DLT_CLIENT_KEYS)).toEqual(union('ClientConfig'));
    expect(known(DLT_RESOURCE_KEYS)).toEqual(union('EndpointResource'));
    expect(known(DLT_ENDPOINT_KEYS)).toEqual(union('Endpoint'));
    // dlt's config_setup still reads the deprecated incremental `transform` (now `convert`), untyped.
    expect(known(DLT_INCREMENTAL_KEYS)).toEqual([...union('IncrementalConfig'), 'transform'].sort());
    expect(known(DLT_RESPONSE_ACTION_KEYS)).toEqual(union('ResponseActionDict'));
    expect(known(DLT_RESOLVE_PARAM_KEYS)).toEqual(union('ResolveParamConfig'));
    const paginators: Record<string, string> = {
      page_number: 'PageNumberPaginatorConfig',
      offset: 'OffsetPaginatorConfig',
      header_link: 'HeaderLinkPaginatorConfig',
      json_link: 'JSONLinkPaginatorConfig',
      cursor: 'JSONResponseCursorPaginatorConfig',
      header_cursor: 'HeaderCursorPaginatorConfig',
    };
    for (const [type, typed] of Object.entries(paginators)) expect([type, known(DLT_PAGINATOR_KEYS[type] ?? {})]).toEqual([type, union(typed)]);
    const auths: Record<string, string> = {
      bearer: 'BearerTokenAuthConfig',
      api_key: 'ApiKeyAuthConfig',
      http_basic: 'HttpBasicAuthConfig',
      oauth2_client_credentials: 'OAuth2ClientCredentialsConfig',
    };
    for (const [type, typed] of Object.entries(auths)) expect([type, known(DLT_AUTH_KEYS[type] ?? {})]).toEqual([type, union(typed)]);
  });

  it.each(CASES)('$name: $covers', async (c) => {
    const got = dlt.cases[c.name];
    expect(got?.error ?? null, `dlt failed on ${c.name}`).toBeNull();
    const db = join(dir, `floe-${c.name}.duckdb`);
    const raw = { ...c.config(api.url), destination: { type: 'duckdb', path: db } };
    const loaded = parseConfig(raw, {}, `${c.name}.json`);
    for (let i = 0; i < (c.runs ?? 1); i++) {
      const run = await runConnector(loaded, { stateDir: join(dir, `state-${c.name}`) }, { clock: new FakeClock() });
      expect(run.endpoints.map((e) => [e.name, e.status, e.error ?? null]).filter((e) => e[1] !== 'succeeded')).toEqual([]);
    }
    const result = compareTables(got!.tables, await readFloe(db));
    results.push({ name: c.name, covers: c.covers, result });
    expect(result.problems).toEqual([]);
    expect(result.rows).toBeGreaterThan(0);
  });
});
