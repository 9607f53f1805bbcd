/** `floe push` from files: Parquet and JSON lines, read with DuckDB whatever the destination. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contactsSql, duck, only, push, pushConfig, range, receiver, takenIds, tempDir } from './helpers.js';

describe('floe push from files', () => {
  it('pushes a Parquet file in key order, with dates, timestamps and integers past 2^53 exact', async () => {
    const dir = await tempDir();
    const file = join(dir, 'contacts.parquet');
    await duck(
      ':memory:',
      `COPY (SELECT * FROM (${contactsSql(12)}) ORDER BY id DESC) TO '${file}' (FORMAT parquet)`,
    );
    await duck(':memory:', `COPY (SELECT 9007199254740993::BIGINT AS id, DATE '2025-03-01' AS d, [1, 2] AS l, {'a': 'x'} AS s) TO '${join(dir, 'big.parquet')}' (FORMAT parquet)`);
    const r = await receiver();
    const rec = await push(pushConfig(dir, { table: undefined, file, url: r.url, batch_size: 5 }), dir);
    expect(only(rec)).toMatchObject({ status: 'succeeded', source: `file ${file}`, rows_sent: 12 });
    expect(r.requests.map((q) => q.rows.map((x) => x.id))).toEqual([range(1, 5), range(6, 10), [11, 12]]);

    const big = await receiver();
    await push(pushConfig(dir, { name: 'big', table: undefined, file: join(dir, 'big.parquet'), key: undefined, url: big.url }), dir);
    expect(big.requests[0]!.raw).toBe('[{"id":9007199254740993,"d":"2025-03-01","l":[1,2],"s":{"a":"x"}}]');
  });

  it('pushes a JSON-lines file, and sends integers past 2^53 as their exact digits', async () => {
    const dir = await tempDir();
    const file = join(dir, 'events.jsonl');
    await writeFile(file, ['{"id": 2, "kind": "b", "n": 9007199254740993}', '{"id": 1, "kind": "a", "n": 1}', '{"id": 3, "kind": "c", "n": 2}'].join('\n') + '\n');
    const r = await receiver();
    const rec = await push(pushConfig(dir, { table: undefined, file, url: r.url }), dir);
    expect(only(rec)).toMatchObject({ status: 'succeeded', rows_sent: 3 });
    expect(takenIds(r)).toEqual({ ids: [1, 2, 3], dupes: [] });
    expect(r.requests[0]!.rows.map((x) => x.kind)).toEqual(['a', 'b', 'c']);
    expect(r.requests[0]!.raw).toContain('"n":9007199254740993');
  });

  it('names a file it cannot read, and an extension it cannot tell', async () => {
    const dir = await tempDir();
    const r = await receiver();
    const missing = await push(pushConfig(dir, { table: undefined, file: join(dir, 'nope.parquet'), url: r.url }), dir);
    expect(only(missing)).toMatchObject({ status: 'failed', error: { code: 'PUSH_SOURCE_FAILED' } });
    expect(only(missing).error!.message).toContain('file not found');
    const odd = await push(pushConfig(dir, { table: undefined, file: join(dir, 'x.dat'), url: r.url }), dir);
    expect(only(odd).error!.message).toContain('set file_format: parquet or jsonl');
    expect(r.requests).toEqual([]);
  });
});
