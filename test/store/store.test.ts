import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/util/clock.js';
import { storeKinds } from '../support/stores.js';
import { newId } from '../../src/store/ids.js';

describe.each(storeKinds())('store on $name', (kind) => {
  it('migrates, keeps tokens hashed, and revokes them', async () => {
    const store = await kind.open();
    try {
      const { token, info } = await store.tokens.create({ tenant: 'acme', name: 'ci', readOnly: true });
      expect(token).toMatch(/^floe_[\w-]{40,}$/);
      expect((await store.tokens.authenticate(token))?.id).toBe(info.id);
      const raw = JSON.stringify(await store.db.query('SELECT * FROM api_tokens'));
      expect(raw).not.toContain(token);
      expect(await store.tokens.revoke(info.id)).toBe(true);
      expect(await store.tokens.authenticate(token)).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('hands each queued job to exactly one of many concurrent claimers', async () => {
    const store = await kind.open();
    try {
      const clock = new FakeClock();
      await store.db.transaction((tx) => store.connectors.insert(tx, { id: 'con_a', tenant: 't', name: 'a', dialect: 'native', config: {} }, clock.now()));
      await store.db.transaction((tx) => store.connectors.insert(tx, { id: 'con_b', tenant: 't', name: 'b', dialect: 'native', config: {} }, clock.now()));
      for (const c of ['con_a', 'con_b']) {
        await store.db.query(
          `INSERT INTO runs (id, tenant, connector_id, status, trigger, created_at) VALUES ($1, 't', $2, 'queued', 'manual', now())`,
          [newId('con'), c],
        );
      }
      const claims = await Promise.all(Array.from({ length: 6 }, (_, i) => store.runs.claim(`w${i}`, clock.now(), clock.now() - 1000)));
      const got = claims.filter((c) => c !== undefined);
      expect(got).toHaveLength(2);
      expect(new Set(got.map((c) => c.id)).size).toBe(2);
      // A claimed run whose worker stops heartbeating is taken over, under the same id.
      clock.advance(5000);
      const again = await store.runs.claim('w9', clock.now(), clock.now() - 1000);
      expect(got.map((c) => c.id)).toContain(again?.id);
      expect(again?.attempts).toBe(2);
    } finally {
      await store.close();
    }
  });

  it('shares request budgets: GCRA for the API, reserved slots and 429 pauses for sources', async () => {
    const store = await kind.open();
    try {
      const t0 = Date.UTC(2026, 0, 1);
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await store.budgets.take('api:t', 1, 3, t0));
      expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
      expect(results[3]).toEqual({ allowed: false, retryAfterMs: 1000 });
      expect((await store.budgets.take('api:t', 1, 3, t0 + 1000)).allowed).toBe(true);

      const slots = [];
      for (let i = 0; i < 3; i++) slots.push(await store.budgets.reserve('src', 250, t0));
      expect(slots.map((s) => s - t0)).toEqual([0, 250, 500]);
      await store.budgets.block('src', t0 + 10_000, t0);
      expect((await store.budgets.reserve('src', 250, t0 + 600)) - t0).toBe(10_000);
    } finally {
      await store.close();
    }
  });
}, 120_000);
