/**
 * `floe push` in-process against a real receiving API on 127.0.0.1 and a real DuckDB warehouse:
 * batching, idempotency keys, the delivered-batch ledger, split retries of refused batches,
 * rejected rows retried by the next push, retries on the spec's schedule, quota exhaustion.
 */
import { cpSync, existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/util/clock.js';
import { contactsSql, duck, only, push, pushConfig, range, receiver, takenIds, tempDir } from './helpers.js';
import type { Recorded } from './receiver.js';

async function warehouse(n = 25): Promise<string> {
  const dir = await tempDir();
  await duck(join(dir, 'w.duckdb'), `CREATE TABLE contacts AS ${contactsSql(n)}`);
  return dir;
}

describe('floe push', () => {
  it('sends the table in key-ordered batches, each with its own stable idempotency key', async () => {
    const dir = await warehouse(25);
    await duck(join(dir, 'w.duckdb'), `INSERT INTO contacts ${contactsSql(1, 0)}`); // id 0, inserted last
    const r = await receiver({ wrapKey: 'records', authHeader: 'authorization', expectAuth: 'Bearer tok-1234' });
    const cfg = pushConfig(dir, {
      url: r.url,
      wrap_key: 'records',
      auth: { type: 'bearer', token: 'tok-1234' },
      headers: { 'X-Source': 'floe-test' },
    });
    const rec = await push(cfg, dir);
    expect(rec.status).toBe('succeeded');
    expect(only(rec)).toMatchObject({ rows: 26, rows_sent: 26, batches_sent: 3, rows_skipped: 0, rows_rejected: 0 });
    expect(r.requests.map((q) => q.rows.map((x) => x.id))).toEqual([range(0, 9), range(10, 19), range(20, 25)]);
    const keys = r.requests.map((q) => q.key);
    expect(new Set(keys).size).toBe(3);
    for (const k of keys) expect(k).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(r.requests[0]!.method).toBe('POST');
    expect(r.requests[0]!.headers['content-type']).toBe('application/json');
    expect(r.requests[0]!.headers['x-source']).toBe('floe-test');
    expect(r.requests[0]!.rows[0]).toEqual({ id: 0, email: 'user0@example.com', score: 0, updated_at: '2025-01-01T00:00:00.000Z' });

    // The same rows again: every batch is in the ledger, nothing is sent.
    const again = await push(cfg, dir);
    expect(only(again)).toMatchObject({ rows: 26, rows_sent: 0, rows_skipped: 26, batches_skipped: 3 });
    expect(r.requests).toHaveLength(3);

    // A changed row: only its batch goes again, under a new key.
    await duck(join(dir, 'w.duckdb'), `UPDATE contacts SET email = 'new@example.com' WHERE id = 12`);
    const third = await push(cfg, dir);
    expect(only(third)).toMatchObject({ rows_sent: 10, batches_sent: 1, rows_skipped: 16 });
    expect(r.requests[3]!.rows.map((x) => x.id)).toEqual(range(10, 19));
    expect(keys).not.toContain(r.requests[3]!.key);
  });

  it('splits a refused batch down to the bad rows, keeps them with the API error, and retries them next push', async () => {
    const dir = await warehouse(25);
    let strict = true;
    const bad = new Set([7, 8, 21]);
    const r = await receiver({ rejects: (row) => (strict && bad.has(Number(row.id)) ? `email of ${String(row.id)} is blocked` : undefined) });
    const cfg = pushConfig(dir, { url: r.url, method: 'PUT' });
    const first = await push(cfg, dir);
    expect(first.status).toBe('partially_failed');
    expect(only(first)).toMatchObject({ status: 'partial', rows_sent: 22, rows_rejected: 3 });
    expect(takenIds(r)).toEqual({ ids: range(1, 25).filter((i) => !bad.has(i)), dupes: [] });
    expect(r.requests.every((q) => q.method === 'PUT')).toBe(true);
    // batch 1-10: 422 → 1-5 ok, 6-10: 422 → 6-8: 422 → 6-7 → 6 ok, 7 rejected; 8 rejected; 9-10 ok
    const rejectedFile = only(first).rejected_file!;
    const lines = (await readFile(rejectedFile, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => (l.row as { id: number }).id).sort((a, b) => a - b)).toEqual([7, 8, 21]);
    expect(lines[0]).toMatchObject({ output: 'contacts', status: 422, attempts: 1 });
    expect(String(lines[0]!.error)).toContain('is blocked');

    // Still refused: tried again alone (under new keys: an API may remember its answer to a key),
    // still rejected, attempts counted; the split batches' delivered halves are not sent again.
    const firstKeys = new Set(r.requests.map((q) => q.key));
    const before = r.requests.length;
    const second = await push(cfg, dir);
    const retried = r.requests.slice(before);
    expect(retried.map((q) => q.rows.map((x) => x.id))).toEqual([[7], [8], [21]]);
    expect(retried.filter((q) => firstKeys.has(q.key))).toEqual([]);
    expect(only(second)).toMatchObject({ status: 'partial', rows_sent: 0, rows_rejected: 3, rows_retried: 3, rows_skipped: 22 });
    const again = (await readFile(rejectedFile, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { attempts: number });
    expect(again.map((l) => l.attempts)).toEqual([2, 2, 2]);

    // The API accepts them now: delivered once, the rejected file empties, the push succeeds.
    strict = false;
    const third = await push(cfg, dir);
    expect(third.status).toBe('succeeded');
    expect(only(third)).toMatchObject({ rows_sent: 3, rows_rejected: 0, rows_retried: 3 });
    expect(takenIds(r)).toEqual({ ids: range(1, 25), dupes: [] });
    expect(await readFile(rejectedFile, 'utf8')).toBe('');
  });

  it('retries 429/503 on the spec schedule with the same key, and stops on a status outside retry_on', async () => {
    const dir = await warehouse(25);
    const r = await receiver();
    r.script.push({ status: 503 }, { status: 429, headers: { 'retry-after': '7' } });
    const clock = new FakeClock();
    const cfg = pushConfig(dir, { url: r.url, retry: { max_retries: 3, initial_delay_seconds: 2, retry_on: [429, 503] } });
    const rec = await push(cfg, dir, {}, { clock });
    expect(only(rec)).toMatchObject({ status: 'succeeded', rows_sent: 25, http_retries: 2 });
    expect(r.requests.slice(0, 3).map((q) => q.status)).toEqual([503, 429, 200]);
    expect(new Set(r.requests.slice(0, 3).map((q) => q.key)).size).toBe(1);
    expect(clock.sleeps).toEqual([2000, 7000]); // backoff 2 s, then Retry-After: 7

    // 500 is not in retry_on: the output stops at that batch, and the next push resumes its plan.
    const dir2 = await warehouse(25);
    const r2 = await receiver();
    const cfg2 = pushConfig(dir2, { url: r2.url, retry: { max_retries: 3, initial_delay_seconds: 0.01, retry_on: [429, 503] } });
    r2.script.push({ pass: true }, { status: 500 });
    const failed = await push(cfg2, dir2);
    expect(failed.status).toBe('failed');
    expect(only(failed)).toMatchObject({ status: 'failed', rows_sent: 10, error: { code: 'HTTP_STATUS', status: 500 } });
    const resumed = await push(cfg2, dir2);
    expect(only(resumed)).toMatchObject({ status: 'succeeded', rows_sent: 15, rows_skipped: 10, resumed_push_id: failed.push_id });
    // The resumed push sent batches 2 and 3 only.
    expect(r2.requests.map((q) => q.rows[0]?.id)).toEqual([1, 11, 11, 21]);
    expect(takenIds(r2)).toEqual({ ids: range(1, 25), dupes: [] });
  });

  it('re-sends a batch accepted but unanswered (timeout, dropped connection) with its key: the API keeps one copy', async () => {
    const dir = await warehouse(25);
    const r = await receiver({ hangMs: 1500 });
    r.script.push({ hang: true }, { drop: true });
    const cfg = pushConfig(dir, { url: r.url, timeout_seconds: 0.3 });
    const rec = await push(cfg, dir, {}, { clock: new FakeClock() });
    expect(only(rec)).toMatchObject({ status: 'succeeded', rows_sent: 25, http_retries: 2 });
    // Batch 1 was taken but its answer came too late; batch 2 was taken and the connection
    // dropped. Each was sent again with its key, and the API answered from its key.
    expect(r.requests.map((q) => [q.rows[0]?.id, q.replay])).toEqual([
      [1, false],
      [1, true],
      [11, false],
      [11, true],
      [21, false],
    ]);
    expect(r.requests[0]!.key).toBe(r.requests[1]!.key);
    expect(r.requests[2]!.key).toBe(r.requests[3]!.key);
    expect(takenIds(r)).toEqual({ ids: range(1, 25), dupes: [] });
  });

  it('ends as partial and resumable when the daily quota runs out, and the next push finishes', async () => {
    const dir = await warehouse(45);
    const r = await receiver({ quotaAfter: 2 });
    const cfg = pushConfig(dir, { url: r.url, retry: { max_retries: 3, initial_delay_seconds: 0.01, max_delay_seconds: 60 } });
    const clock = new FakeClock(Date.UTC(2026, 0, 1, 12));
    const first = await push(cfg, dir, {}, { clock });
    expect(first.status).toBe('partially_failed');
    expect(only(first)).toMatchObject({ status: 'partial', rows_sent: 20, error: { code: 'HTTP_RATE_LIMITED' }, resume_after: '2026-01-02T12:00:00.000Z' });
    expect(only(first).error!.message).toContain('resumes');
    r.quotaAfter = undefined; // a new day
    const second = await push(cfg, dir);
    expect(only(second)).toMatchObject({ status: 'succeeded', rows_sent: 25, rows_skipped: 20, resumed_push_id: first.push_id });
    expect(takenIds(r)).toEqual({ ids: range(1, 45), dupes: [] });
  });

  it('retries rows rejected by an incremental push on their own, ahead of the new rows', async () => {
    const dir = await warehouse(12);
    let strict = true;
    const r = await receiver({ rejects: (row) => (strict && row.id === 4 ? 'bad' : undefined) });
    const cfg = pushConfig(dir, { url: r.url, cursor: 'updated_at', batch_size: 5 });
    expect(only(await push(cfg, dir))).toMatchObject({ rows_sent: 11, rows_rejected: 1 });
    await duck(join(dir, 'w.duckdb'), `INSERT INTO contacts ${contactsSql(2, 13)}`);
    strict = false;
    const before = r.requests.length;
    const second = await push(cfg, dir);
    expect(only(second)).toMatchObject({ status: 'succeeded', rows: 3, rows_sent: 3, rows_retried: 1, rows_rejected: 0 });
    expect(r.requests.slice(before).map((q) => q.rows.map((x) => x.id))).toEqual([[4], [13, 14]]);
    expect(takenIds(r)).toEqual({ ids: range(1, 14), dupes: [] });
  });

  it.each([
    ['bearer', { type: 'bearer', token: 'tok-abcdef' }, (q: Recorded) => q.headers.authorization === 'Bearer tok-abcdef'],
    ['api_key in a header', { type: 'api_key', key_name: 'X-Api-Key', key_value: 'key-abcdef' }, (q: Recorded) => q.headers['x-api-key'] === 'key-abcdef'],
    ['api_key in the query', { type: 'api_key', key_name: 'api_key', key_value: 'key-abcdef', location: 'query_parameter' }, (q: Recorded) => q.query === '?api_key=key-abcdef'],
    ['basic', { type: 'basic', username: 'me', password: 'pw-abcdef' }, (q: Recorded) => q.headers.authorization === `Basic ${Buffer.from('me:pw-abcdef').toString('base64')}`],
  ])('sends %s auth, a custom idempotency header, PATCH, and keeps the rate limit', async (_name, auth, sawAuth) => {
    const dir = await warehouse(3);
    const r = await receiver({ idempotencyHeader: 'X-Request-Id' });
    const clock = new FakeClock();
    const cfg = pushConfig(dir, { url: r.url, auth, method: 'PATCH', batch_size: 1, idempotency_header: 'X-Request-Id', rate_limit: { requests_per_second: 2 } });
    expect(only(await push(cfg, dir, {}, { clock }))).toMatchObject({ status: 'succeeded', rows_sent: 3 });
    expect(r.requests.every((q) => sawAuth(q) && q.method === 'PATCH' && q.headers['idempotency-key'] === undefined)).toBe(true);
    expect(new Set(r.requests.map((q) => q.key)).size).toBe(3);
    expect(clock.sleeps).toEqual([525, 525]); // 2 a second, with the limiter's 50 ms margin per window
  });

  it('sends no idempotency header when told not to', async () => {
    const dir = await warehouse(3);
    const r = await receiver();
    await push(pushConfig(dir, { url: r.url, idempotency_header: false }), dir);
    expect(r.requests.map((q) => q.key)).toEqual([undefined]);
    expect(takenIds(r).ids).toEqual([1, 2, 3]);
  });

  it('drops a plan that was committed before a crash could remove it, and sends nothing again', async () => {
    const dir = await warehouse(25);
    const r = await receiver();
    const out = join(dir, 'state', 'push', 'sync', 'contacts');
    const saved = join(dir, 'saved');
    // Copy the push in progress as the last batch is taken: plan, spool and a journal with two marks.
    r.onTaken = (n) => {
      if (n === 3) cpSync(out, saved, { recursive: true });
    };
    const cfg = pushConfig(dir, { url: r.url });
    expect(only(await push(cfg, dir))).toMatchObject({ status: 'succeeded', rows_sent: 25 });
    expect(existsSync(join(out, 'plan.json'))).toBe(false);
    // As if the push died after committing its state but before removing its plan files.
    for (const f of ['plan.json', 'spool.jsonl', 'retry.jsonl', 'journal.jsonl']) cpSync(join(saved, f), join(out, f));
    const again = await push(cfg, dir);
    expect(only(again)).toMatchObject({ status: 'succeeded', rows_sent: 0, rows_skipped: 25 });
    expect(only(again).resumed_push_id).toBeUndefined();
    expect(r.requests).toHaveLength(3);
  });

  it('refuses to start while another push of the same config runs (one request in flight, one pusher)', async () => {
    const dir = await warehouse(5);
    const r = await receiver();
    await mkdir(join(dir, 'state', 'locks'), { recursive: true });
    await writeFile(join(dir, 'state', 'locks', 'push-sync.lock'), JSON.stringify({ pid: process.ppid, started_at: '2026-01-01T00:00:00Z' }));
    await expect(push(pushConfig(dir, { url: r.url }), dir)).rejects.toMatchObject({ code: 'RUN_LOCKED' });
    expect(r.requests).toEqual([]);
  });

  it('pushes only rows changed since the last push (cursor), late rows at the boundary included', async () => {
    const dir = await warehouse(15);
    const r = await receiver();
    const cfg = pushConfig(dir, { url: r.url, cursor: 'updated_at' });
    expect(only(await push(cfg, dir))).toMatchObject({ rows: 15, rows_sent: 15 });
    const state = JSON.parse(await readFile(join(dir, 'state', 'push', 'sync', 'contacts', 'state.json'), 'utf8')) as { cursor: string; boundary: string[] };
    expect(state.cursor).toBe('"2025-01-01T00:15:00.000Z"');
    expect(state.boundary).toHaveLength(1);

    await duck(
      join(dir, 'w.duckdb'),
      `INSERT INTO contacts ${contactsSql(3, 16)}`, // ids 16-18, newer
      `UPDATE contacts SET email = 'changed@example.com', updated_at = TIMESTAMPTZ '2025-01-01 01:00:00+00' WHERE id = 3`,
      `INSERT INTO contacts VALUES (99, 'late@example.com', 1.0, TIMESTAMPTZ '2025-01-01 00:15:00+00')`, // same cursor as the last push's max
    );
    const second = await push(cfg, dir);
    expect(only(second)).toMatchObject({ rows: 5, rows_sent: 5 });
    expect(r.requests.slice(2).flatMap((q) => q.rows.map((x) => x.id))).toEqual([3, 16, 17, 18, 99]);
    expect(only(await push(cfg, dir))).toMatchObject({ rows: 0, rows_sent: 0 });
  });
});
