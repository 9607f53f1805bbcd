import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/util/clock.js';
import { storeKinds } from '../support/stores.js';
import { nativeConfig, startApi } from './helpers.js';

interface Run {
  id: string;
  status: string;
  trigger: string;
  reason: string | null;
  scheduled_for: string | null;
}

describe.each(storeKinds())('schedules on $name (injected clock, no workers)', (kind) => {
  it('runs at once on creation, skips and records a due run while one is active, and catches up once after downtime', async () => {
    const clock = new FakeClock(Date.parse('2026-01-31T10:03:00Z'));
    const api = await startApi(kind, { clock });
    try {
      const c = await api.call<{ id: string; schedule: { next_fire_at: string; anchor_at: string } }>('POST', '/connectors', {
        name: 'every10',
        config: nativeConfig('http://127.0.0.1:9', api.dir),
        schedule: { mode: 'minutes', every: 10 },
      });
      expect(c.status).toBe(201);
      expect(c.body.schedule).toMatchObject({ anchor_at: '2026-01-31T10:03:00.000Z', next_fire_at: '2026-01-31T10:13:00.000Z' });
      const runs = async (): Promise<Run[]> => (await api.call<{ data: Run[] }>('GET', `/runs?connector_id=${c.body.id}`)).body.data;
      expect(await runs()).toEqual([expect.objectContaining({ status: 'queued', trigger: 'schedule_first', scheduled_for: '2026-01-31T10:03:00.000Z' })]);

      // Not due yet: nothing happens.
      clock.advance(9 * 60_000);
      expect(await api.server.scheduler.tick()).toEqual({ queued: [], skipped: [] });
      // Due while the first run is still queued/running: skipped, with the reason recorded.
      clock.advance(60_000);
      const t1 = await api.server.scheduler.tick();
      expect(t1.skipped).toHaveLength(1);
      const skipped = (await runs()).find((r) => r.status === 'skipped')!;
      expect(skipped.reason).toContain('still queued');
      expect(skipped.scheduled_for).toBe('2026-01-31T10:13:00.000Z');

      // The first run ends; the server is down for 5 hours (across nothing special) → one catch-up run.
      const first = (await runs()).find((r) => r.trigger === 'schedule_first')!;
      expect((await api.call('POST', `/runs/${first.id}/cancel`)).status).toBe(202);
      clock.advance(5 * 3_600_000 + 2 * 60_000);
      const t2 = await api.server.scheduler.tick();
      expect(t2.queued).toHaveLength(1);
      expect(t2.skipped).toHaveLength(0);
      const catchUp = (await runs()).find((r) => r.status === 'queued')!;
      expect(catchUp).toMatchObject({ trigger: 'catch_up', scheduled_for: '2026-01-31T15:13:00.000Z' });
      const after = await api.call<{ schedule: { next_fire_at: string; last_fired_at: string } }>('GET', `/connectors/${c.body.id}`);
      expect(after.body.schedule.next_fire_at).toBe('2026-01-31T15:23:00.000Z');
      expect(await api.server.scheduler.tick()).toEqual({ queued: [], skipped: [] });

      // Hours and days schedules through the API: slots on the UTC grid across the month end.
      const put = await api.call<{ schedule: { next_fire_at: string } }>('PUT', `/connectors/${c.body.id}/schedule`, { mode: 'days', every: 1, offset_minutes: 30 });
      expect(put.body.schedule.next_fire_at).toBe('2026-02-01T00:30:00.000Z');
      const list = await api.call<{ data: { connector_id: string; mode: string }[] }>('GET', '/schedules');
      expect(list.body.data).toEqual([expect.objectContaining({ connector_id: c.body.id, mode: 'days' })]);
      expect((await api.call('DELETE', `/connectors/${c.body.id}/schedule`)).status).toBe(204);
      expect((await api.call('GET', `/connectors/${c.body.id}/schedule`)).status).toBe(404);
    } finally {
      await api.close();
    }
  });
}, 120_000);
