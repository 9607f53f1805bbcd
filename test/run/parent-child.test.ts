import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { duckQuery } from '../support/duck-query.js';
import { runConnector } from '../../src/run/runner.js';
import { FakeClock } from '../../src/util/clock.js';
import { catchError } from '../support/catch-error.js';
import { linkHeaderPages, reply, useMockApi, type MockApi } from '../support/mock-api.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floe-family-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const issues = Array.from({ length: 7 }, (_, i) => ({ id: 100 + i, number: i + 1, title: `issue ${i + 1}`, user: { login: `u${i}` } }));
const commentsOf = (n: number): unknown[] => Array.from({ length: n % 3 }, (_, k) => ({ id: n * 10 + k, body: `c${k} on ${n}` }));

function serve(api: MockApi, opts: { deleted?: number; failing?: number } = {}): void {
  api.get('/issues', linkHeaderPages(issues, { pageSize: 3 }));
  for (const issue of issues) {
    api.get(`/issues/${issue.number}/comments`, () => {
      if (issue.number === opts.deleted) return reply.status(404, { message: 'Not Found' });
      if (issue.number === opts.failing) return reply.status(403, { message: 'Forbidden' });
      return reply.json(commentsOf(issue.number));
    });
  }
}

function config(api: MockApi, child: Record<string, unknown>, parent: Record<string, unknown> = {}): ReturnType<typeof parseConfig> {
  return parseConfig({
    name: 'gh',
    base_url: api.url,
    retry: { max_retries: 0 },
    endpoints: [
      { name: 'issues', path: '/issues', query_params: { per_page: 3 }, pagination: { type: 'link_header' }, ...parent },
      { name: 'issue_comments', path: '/issues/{{ parent.number }}/comments', ...child },
    ],
    destination: { type: 'duckdb', path: join(dir, 'w.duckdb') },
  });
}

function query(sql: string): Promise<Record<string, unknown>[]> {
  return duckQuery(join(dir, 'w.duckdb'), sql);
}

const expectedComments = issues.flatMap((i) => commentsOf(i.number).map((c) => ({ ...(c as { id: number; body: string }), _issues_title: i.title })));

describe('parent/child endpoints', () => {
  it('requests the child once per parent record, with parent fields in the path and included columns', async () => {
    const api = await useMockApi();
    serve(api);
    const loaded = config(api, { parent: { endpoint: 'issues', include: ['title'], concurrency: 3 } });
    const run = await runConnector(loaded, { stateDir: join(dir, 'state') }, { clock: new FakeClock() });
    expect(run.status).toBe('succeeded');
    expect(run.endpoints.map((e) => [e.name, e.status, e.rows])).toEqual([
      ['issues', 'succeeded', 7],
      ['issue_comments', 'succeeded', expectedComments.length],
    ]);
    expect(api.requests.filter((r) => r.path.endsWith('/comments')).map((r) => r.path).sort()).toEqual(
      issues.map((i) => `/issues/${i.number}/comments`).sort(),
    );
    const rows = await query('SELECT id::INT AS id, body, _issues_title FROM main.comments ORDER BY id');
    expect(rows).toEqual([...expectedComments].sort((a, b) => a.id - b.id));
  });

  it('response_actions: a 404 for a deleted parent is ignored; without the rule it fails the endpoint', async () => {
    const api = await useMockApi();
    serve(api, { deleted: 5 });
    const ok = await runConnector(
      config(api, { parent: { endpoint: 'issues' }, response_actions: [{ status_code: 404, action: 'ignore' }] }),
      { stateDir: join(dir, 'state') },
      { clock: new FakeClock() },
    );
    expect(ok.endpoints[1]).toMatchObject({ status: 'succeeded', rows: expectedComments.length - commentsOf(5).length });
    const failing = await runConnector(config(api, { parent: { endpoint: 'issues' } }), { stateDir: join(dir, 'state2') }, { clock: new FakeClock() });
    expect(failing.status).toBe('partially_failed');
    expect(failing.endpoints[1]?.error).toMatchObject({ code: 'HTTP_STATUS', status: 404 });
  });

  it('on_error: skip skips a parent whose requests fail and says so; a failed parent fails its children', async () => {
    const api = await useMockApi();
    serve(api, { failing: 4 });
    const run = await runConnector(config(api, { parent: { endpoint: 'issues', on_error: 'skip' } }), { stateDir: join(dir, 'state') }, { clock: new FakeClock() });
    expect(run.endpoints[1]).toMatchObject({ status: 'succeeded', rows: expectedComments.length - commentsOf(4).length });
    expect(run.endpoints[1]?.warnings?.join('\n')).toMatch(/PARENT_SKIPPED: 1 parent record\(s\) of "issues"/);

    const broken = await useMockApi({ allowUnexpected: true });
    broken.get('/issues', () => reply.status(500, { error: 'down' }));
    const down = await runConnector(config(broken, { parent: { endpoint: 'issues' } }), { stateDir: join(dir, 'state3') }, { clock: new FakeClock() });
    expect(down.endpoints.map((e) => [e.status, e.error?.code])).toEqual([
      ['failed', 'HTTP_RETRIES_EXHAUSTED'],
      ['failed', 'PARENT_FAILED'],
    ]);
  });

  it('load: false extracts the parent for its children only; --endpoint child brings its parent along', async () => {
    const api = await useMockApi();
    serve(api);
    const run = await runConnector(config(api, { parent: { endpoint: 'issues' } }, { load: false }), {
      stateDir: join(dir, 'state'),
      endpoints: ['issue_comments'],
    }, { clock: new FakeClock() });
    expect(run.endpoints.map((e) => [e.name, e.status, e.rows])).toEqual([
      ['issues', 'succeeded', 0],
      ['issue_comments', 'succeeded', expectedComments.length],
    ]);
    expect(await query(`SELECT count(*)::INT AS n FROM information_schema.tables WHERE table_name = 'issues'`)).toEqual([{ n: 0 }]);
  });

  it('resume: an interrupted child continues at the parent it stopped in; parents done are not requested again', async () => {
    const api = await useMockApi();
    const stop = new AbortController();
    api.get('/issues', linkHeaderPages(issues, { pageSize: 3 }));
    for (const issue of issues) {
      api.get(`/issues/${issue.number}/comments`, () => {
        if (issue.number === 4 && !stop.signal.aborted) stop.abort();
        return reply.json(commentsOf(issue.number));
      });
    }
    const loaded = parseConfig({
      name: 'gh',
      base_url: api.url,
      stage: { checkpoint_pages: 1 },
      endpoints: [
        { name: 'issues', path: '/issues', query_params: { per_page: 3 }, pagination: { type: 'link_header' } },
        { name: 'issue_comments', path: '/issues/{{ parent.number }}/comments', parent: { endpoint: 'issues', include: ['title'] } },
      ],
      destination: { type: 'duckdb', path: join(dir, 'w.duckdb') },
    });
    const first = await runConnector(loaded, { stateDir: join(dir, 'state'), signal: stop.signal }, { clock: new FakeClock() });
    expect(first.status).toBe('interrupted');
    expect(first.endpoints.map((e) => e.status)).toEqual(['succeeded', 'interrupted']);
    const before = api.requests.length;
    const second = await runConnector(loaded, { stateDir: join(dir, 'state') }, { clock: new FakeClock() });
    expect(second.run_id).toBe(first.run_id);
    expect(second.status).toBe('succeeded');
    const again = api.requests.slice(before).map((r) => r.path);
    // Issue 4 was in flight when the signal came: it is requested again, 1–3 are not.
    expect(again).toEqual([4, 5, 6, 7].map((n) => `/issues/${n}/comments`));
    expect(await query('SELECT count(*)::INT AS n, count(DISTINCT id)::INT AS d FROM main.comments')).toEqual([
      { n: expectedComments.length, d: expectedComments.length },
    ]);
    expect(await query('SELECT count(*)::INT AS n FROM main.issues')).toEqual([{ n: 7 }]);
  });

  it('load: false with incremental still moves the parent cursor; an incremental child shares one cursor', async () => {
    const api = await useMockApi();
    const stamped = issues.map((i) => ({ ...i, updated_at: `2024-01-0${i.number}T00:00:00Z` }));
    api.get('/issues', (r) => reply.json(stamped.filter((i) => i.updated_at >= (r.query['since'] ?? ''))));
    for (const issue of issues) api.get(`/issues/${issue.number}/comments`, (r) => reply.json(commentsOf(issue.number).map((c) => ({ ...(c as object), since: r.query['since'] }))));
    const loaded = parseConfig({
      name: 'gh',
      base_url: api.url,
      endpoints: [
        { name: 'issues', path: '/issues', load: false, query_params: { since: '{{ incremental.start_value }}' }, incremental: { cursor_path: '$.updated_at', initial_value: '2024-01-03T00:00:00Z' } },
        { name: 'issue_comments', path: '/issues/{{ parent.number }}/comments', parent: { endpoint: 'issues' }, query_params: { since: '{{ incremental.start_value }}' }, incremental: { cursor_path: '$.since', initial_value: '2024-01-01T00:00:00Z', on_missing: 'include' } },
      ],
      destination: { type: 'duckdb', path: join(dir, 'w.duckdb') },
    });
    await runConnector(loaded, { stateDir: join(dir, 'state') }, { clock: new FakeClock() });
    expect(api.requestsTo('/issues').map((r) => r.query['since'])).toEqual(['2024-01-03T00:00:00Z']);
    // Every parent's child request carries the child's one start value.
    expect(new Set(api.requests.filter((r) => r.path.endsWith('/comments')).map((r) => r.query['since']))).toEqual(new Set(['2024-01-01T00:00:00Z']));
    await runConnector(loaded, { stateDir: join(dir, 'state') }, { clock: new FakeClock() });
    expect(api.requestsTo('/issues').map((r) => r.query['since'])).toEqual(['2024-01-03T00:00:00Z', '2024-01-07T00:00:00Z']);
  });

  it('children share the connector rate limit however many parents are in flight', async () => {
    const api = await useMockApi();
    serve(api);
    const loaded = parseConfig({
      name: 'gh',
      base_url: api.url,
      rate_limit: { requests_per_second: 2 },
      endpoints: [
        { name: 'issues', path: '/issues', query_params: { per_page: 3 }, pagination: { type: 'link_header' } },
        { name: 'issue_comments', path: '/issues/{{ parent.number }}/comments', parent: { endpoint: 'issues', concurrency: 4 } },
      ],
      destination: { type: 'duckdb', path: join(dir, 'w.duckdb') },
    });
    const clock = new FakeClock();
    const start = clock.now();
    await runConnector(loaded, { stateDir: join(dir, 'state') }, { clock });
    // 3 parent pages + 7 children at 2 per second: at least 4.5 s of (virtual) waiting.
    expect(api.requests).toHaveLength(10);
    expect(clock.now() - start).toBeGreaterThanOrEqual(4500);
  });

  it('config errors: unknown parent, a cycle, and {{ parent.x }} without a parent', async () => {
    const api = await useMockApi();
    expect((catchError(() => config(api, { parent: { endpoint: 'nope' } }))).message).toMatch(/endpoints\[1\]\.parent\.endpoint: no endpoint named "nope"/);
    expect((catchError(() => config(api, { parent: { endpoint: 'issues' } }, { parent: { endpoint: 'issue_comments' } }))).message).toMatch(/cycle/);
    expect((catchError(() => config(api, {}))).message).toMatch(/\{\{ parent\.number \}\} is used but the endpoint has no parent/);
  });
});
