/** `floe tables <config>`: the loaded tables, row counts, columns and last load, from the ledger. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckdbDestination } from '../../src/destination/duckdb/duckdb-destination.js';
import { FakeClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { writeParquet } from '../destination/contract/parquet.js';
import { runFloe } from '../support/floe-process.js';

let dir: string;
let config: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floe-tables-'));
  const path = join(dir, 'w.duckdb');
  const d = await DuckdbDestination.open(
    { type: 'duckdb', path, schema: 'main', write_disposition: 'append', memory_limit: '256MB' },
    { clock: new FakeClock(), logger: silentLogger },
  );
  const cols = [{ name: 'id', type: 'long' as const }, { name: 'name', type: 'string' as const }];
  const f = await writeParquet(dir, 'u.parquet', `SELECT range::BIGINT AS id, 'n' || range AS name FROM range(3)`, cols);
  await d.load({ runId: 'run-7', connector: 'crm', endpoint: 'users', table: 'users', columns: cols, files: [f], rows: 3, writeDisposition: 'append' });
  await d.query('CREATE TABLE main.not_floes (x INTEGER)');
  await d.close();
  config = join(dir, 'crm.json');
  await writeFile(config, JSON.stringify({ name: 'crm', base_url: 'http://127.0.0.1:9/', endpoints: [{ path: '/users' }], destination: { type: 'duckdb', path } }));
}, 30_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('floe tables', () => {
  it('lists the tables floe loaded with rows, columns and the last load; others are left out', async () => {
    const json = await runFloe(['tables', config, '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject([
      {
        table: 'users',
        rows: 3,
        columns: [{ name: 'id', type: 'BIGINT' }, { name: 'name', type: 'VARCHAR' }],
        lastLoad: { runId: 'run-7', connector: 'crm', endpoint: 'users', rows: 3 },
      },
    ]);
    const text = await runFloe(['tables', config]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/users\s+3\s+id BIGINT, name VARCHAR\s+\S+ run run-7 \(crm\/users\)/);
    expect(text.stdout).not.toContain('not_floes');
  }, 30_000);
});
