import type { BackfillRecord, BackfillRecords, WindowRecord } from '../backfill/backfill-runner.js';
import type { FloeEvent } from '../../store/event-bus.js';
import type { JobRow } from '../../store/job-repo.js';
import type { Store } from '../../store/store.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';

/**
 * One backfill's record, kept in the store (the backfill runner writes it after every change),
 * and the live events derived from it: `backfill.started` (windows and units, how many were
 * already done), `backfill.window` whenever a (window, endpoint) unit starts, succeeds or fails
 * (with its rows and error), and `backfill.finished`. The console's window grid follows these
 * instead of re-reading the backfill.
 */
export class BackfillEvents {
  private readonly statuses = new Map<string, string>();
  private started = false;
  private last: BackfillRecord | undefined;

  constructor(
    private readonly store: Store,
    private readonly row: JobRow,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    for (const w of (row.record as BackfillRecord | null)?.windows ?? []) this.statuses.set(unitKey(w), w.status);
  }

  readonly records: BackfillRecords = {
    read: () => Promise.resolve((this.row.record as BackfillRecord | null) ?? undefined),
    write: async (record) => {
      this.last = record;
      await this.store.backfills.saveRecord(this.row.id, record);
      if (!this.started) {
        this.started = true;
        this.emit({
          type: 'backfill.started',
          from: record.from,
          to: record.to,
          step: record.step,
          windows: new Set(record.windows.map((w) => w.window)).size,
          units: record.windows.length,
          already_done: record.windows.filter((w) => w.skipped).length,
        });
      }
      for (const w of record.windows) {
        const key = unitKey(w);
        if (w.skipped || this.statuses.get(key) === w.status) continue;
        this.statuses.set(key, w.status);
        if (w.status === 'pending') continue;
        this.emit({
          type: 'backfill.window',
          window: w.window,
          endpoint: w.name,
          window_run_id: w.run_id,
          status: w.status,
          rows: w.rows,
          pages: w.pages,
          ...(w.rows_loaded !== undefined ? { rows_loaded: w.rows_loaded } : {}),
          ...(w.error ? { error: w.error } : {}),
        });
      }
    },
  };

  finished(status: string, reason?: string): void {
    const units = this.last?.windows ?? [];
    this.emit({
      type: 'backfill.finished',
      status,
      ...(reason ? { reason } : {}),
      succeeded: units.filter((w) => w.status === 'succeeded').length,
      failed: units.filter((w) => w.status === 'failed').length,
      rows: units.reduce((n, w) => n + (w.skipped ? 0 : (w.rows_loaded ?? w.rows)), 0),
    });
  }

  private emit(fields: Omit<FloeEvent, 'tenant' | 'connector_id' | 'backfill_id' | 'at'> & { type: FloeEvent['type'] }): void {
    const event: FloeEvent = {
      ...fields,
      tenant: this.row.tenant,
      connector_id: this.row.connector_id,
      backfill_id: this.row.id,
      at: new Date(this.clock.now()).toISOString(),
    };
    this.store.events.publish(event).catch((e: unknown) => this.logger.warn('could not publish a backfill event', { error: (e as Error).message }));
  }
}

function unitKey(w: WindowRecord): string {
  return `${w.window}\u0000${w.name}`;
}
