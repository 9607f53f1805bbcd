/**
 * What a user sees through the CLI (issue 7): `floe validate` names the stop signals a page_number
 * config without page_size_param needs and shows the records rule; `floe preview` prints the
 * detected records path and pagination to pin; `floe run --json` loads json-server 0.17 fully.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runFloe } from '../../support/floe-process.js';
import { startJsonServer017, startJsonServer1 } from '../../support/third-party/json-server.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floe-detect-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const posts = Array.from({ length: 3000 }, (_, i) => ({ id: i + 1, title: `post ${i + 1}` }));

async function configFile(baseUrl: string, endpoint: string): Promise<string> {
  const file = join(dir, 'floe.yaml');
  await writeFile(
    file,
    `name: t\nbase_url: ${baseUrl}\nendpoints:\n  - ${endpoint}\ndestination: { type: duckdb, path: ${join(dir, 'w.duckdb')} }\n`,
  );
  return file;
}

describe('floe validate / preview / run on json-server', () => {
  it('validate: page_number without page_size_param and no stop signal exits 2 naming what to add', async () => {
    const file = await configFile(
      'http://127.0.0.1:1',
      '{ path: /posts, pagination: { type: page_number, page_param: _page, page_size_value: 100 } }',
    );
    const r = await runFloe(['validate', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('endpoints[0].pagination.page_size_param');
    expect(r.stderr).toContain('total_header');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('json-server 0.17 with total_header: floe run --json loads all 3,000 rows', async () => {
    const server = await startJsonServer017({ posts });
    const file = await configFile(
      server.url,
      '{ path: /posts, pagination: { type: page_number, page_param: _page, total_header: X-Total-Count } }',
    );
    const v = await runFloe(['validate', file]);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('auto (array, data/results/items/…, else the object)');
    const r = await runFloe(['run', file, '--json', '--state-dir', join(dir, 'state')]);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as {
      status: string;
      endpoints: { rows: number; pages: number; warnings?: unknown }[];
    };
    expect(summary.status).toBe('succeeded');
    expect(summary.endpoints[0]).toMatchObject({ rows: 3000, pages: 300 });
    expect(summary.endpoints[0]?.warnings).toBeUndefined();
  }, 120_000);

  it('preview prints the detected records path and pagination to pin', async () => {
    const server = await startJsonServer1({ posts: posts.slice(0, 300) });
    const file = await configFile(
      server.url,
      '{ path: /posts, query_params: { _page: 1, _per_page: 100 }, pagination: { type: auto } }',
    );
    const r = await runFloe(['preview', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('records: detected at $.data');
    expect(r.stdout).toContain(
      'pin it with pagination: { type: page_number, page_param: _page, total_pages_path: $.pages }',
    );
    expect(r.stdout).toContain('100 record(s) on the first page, more pages follow');
  });
});
