import type { FloeEvent } from '../../store/event-bus.js';
import { enqueueRun, recordSkipped } from '../../store/run-queue.js';
import type { Store } from '../../store/store.js';
import type { Clock } from '../../util/clock.js';
import { toFloeError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import { dueAction } from './due-action.js';

/**
 * Fires due schedules. Each tick locks the due schedule rows (`FOR UPDATE SKIP LOCKED`, so with
 * several replicas each schedule fires once) and, per schedule, either queues one run — one, also
 * after downtime (`catch_up`) — or, when the connector's previous run is still queued or running,
 * records a `skipped` run with the reason. The next fire time is the first slot after now.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly onQueued: () => Promise<void>,
  ) {}

  /** One pass over the due schedules; returns what it did. */
  async tick(): Promise<{ queued: string[]; skipped: string[] }> {
    const { store } = this;
    const now = this.clock.now();
    const events: FloeEvent[] = [];
    const queued: string[] = [];
    const skipped: string[] = [];
    await store.db.transaction(async (tx) => {
      for (const s of await store.connectors.lockDue(tx, now)) {
        const action = dueAction(s, Date.parse(s.anchor_at), Date.parse(s.next_fire_at), now);
        const [c] = await tx.query<{ config: unknown }>('SELECT config FROM connectors WHERE id = $1', [s.connector_id]);
        const request = {
          tenant: s.tenant,
          connectorId: s.connector_id,
          trigger: action.trigger,
          endpoints: null,
          config: c?.config,
          scheduledFor: action.scheduledFor,
          nowMs: now,
        } as const;
        const r = await enqueueRun(tx, request);
        const at = new Date(now).toISOString();
        if ('queued' in r) {
          queued.push(r.queued.id);
          events.push({ type: 'run.queued', tenant: s.tenant, connector_id: s.connector_id, run_id: r.queued.id, at, trigger: action.trigger, missed_slots: action.missed });
        } else {
          const reason = `the previous run ${r.active.id} of this connector was still ${r.active.status}`;
          const row = await recordSkipped(tx, { ...request, reason });
          skipped.push(row.id);
          events.push({ type: 'run.skipped', tenant: s.tenant, connector_id: s.connector_id, run_id: row.id, at, reason });
        }
        await store.connectors.markFired(tx, s.connector_id, now, action.nextFireAt);
      }
    });
    for (const e of events) {
      this.logger.info(e.type === 'run.queued' ? 'schedule fired' : 'scheduled run skipped', { connector_id: e.connector_id, run_id: e.run_id, reason: e.reason });
      await store.events.publish(e).catch(() => undefined);
    }
    if (queued.length > 0) await this.onQueued();
    return { queued, skipped };
  }

  start(everyMs: number): void {
    const run = (): void => {
      this.ticking = this.tick().catch((e: unknown) => this.logger.warn('scheduler tick failed', { error: toFloeError(e).message }));
    };
    run();
    this.timer = setInterval(run, everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
  }
}
