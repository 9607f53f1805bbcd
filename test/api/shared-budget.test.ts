/**
 * `rate_limit.shared` in `floe serve`: runs of connectors calling one API with one credential take
 * their requests from one budget row in the server's store (so every worker and replica keeps the
 * limit together, with `floe run-slice` processes on the same database); without `shared` a run
 * keeps its own limiter and the store holds no budget. Both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataset, offsetPages, useMockApi } from '../support/mock-api.js';
import { storeKinds } from '../support/stores.js';
import { nativeConfig, startApi, until, type TestApi } from './helpers.js';

describe.each(storeKinds())('shared request budget on $name', (kind) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi(kind, { workers: 2 });
  });
  afterAll(async () => {
    await api.close();
  });

  it('two connectors on one API and token share one budget row; an unshared limit leaves none', async () => {
    const source = await useMockApi();
    const rows = dataset(30);
    source.get('/users', offsetPages(rows, { recordsKey: 'data' }));
    const connector = async (name: string, shared: boolean): Promise<string> => {
      const c = await api.call<{ id: string }>('POST', '/connectors', {
        name,
        config: nativeConfig(source.url, api.dir, {
          auth: { type: 'bearer', token: 'tok-shared-77' },
          endpoints: [{ path: '/users', records_path: '$.data', pagination: { type: 'offset', limit_value: 10 } }],
          destination: { type: 'duckdb', path: `${api.dir}/${name}.duckdb` },
          rate_limit: { requests_per_second: 200, shared },
        }),
      });
      expect(c.status).toBe(201);
      return c.body.id;
    };
    const run = async (id: string): Promise<void> => {
      const r = await api.call<{ id: string }>('POST', `/connectors/${id}/runs`, {});
      const done = await until<{ status: string; rows: number }>(api, `/runs/${r.body.id}`, (b) => !['queued', 'running'].includes(b.status));
      expect(done).toMatchObject({ status: 'succeeded', rows: 30 });
    };
    await run(await connector('alone', false));
    expect(await api.server.store.db.query("SELECT key FROM rate_budgets WHERE key LIKE 'rest:%'")).toEqual([]);

    await Promise.all([run(await connector('one', true)), run(await connector('two', true))]);
    const budgets = await api.server.store.db.query<{ key: string }>("SELECT key FROM rate_budgets WHERE key LIKE 'rest:%'");
    expect(budgets.map((b) => b.key.replace(/#[0-9a-f]{16}$/, '#…'))).toEqual([`rest:${source.url}#…`]);
    expect(budgets[0]!.key).not.toContain('tok-shared-77');
  });
});
