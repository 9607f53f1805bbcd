import type { ProgressEvent } from '../endpoint-job.js';
import type { RunHistorySink } from '../runner.js';
import type { RunRecord } from '../run-history.js';
import type { FloeEvent } from '../../store/event-bus.js';
import type { JobRow } from '../../store/job-repo.js';
import type { Store } from '../../store/store.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';

/** Progress events of one endpoint are sent at most this often. */
const PROGRESS_EVERY_MS = 250;

/**
 * One run's record, kept in the store (the run history sink the runner writes to), and the live
 * events derived from it: run started, per-endpoint progress (pages, rows, bytes, rate), loading,
 * endpoint succeeded/failed with its error, run finished.
 */
export class RunEvents {
  private current: RunRecord | undefined;
  private readonly statuses = new Map<string, string>();
  private readonly lastProgress = new Map<string, number>();
  private started = false;

  constructor(
    private readonly store: Store,
    private readonly row: JobRow,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.current = (row.record as RunRecord | null) ?? undefined;
    for (const e of this.current?.endpoints ?? []) this.statuses.set(e.name, e.status);
  }

  readonly history: RunHistorySink = {
    save: async (record) => {
      this.current = record;
      await this.store.runs.saveRecord(this.row.id, record);
      if (!this.started) {
        this.started = true;
        this.emit({ type: 'run.started', endpoints: record.endpoints.map((e) => e.name), resumed: (record.resumed_at?.length ?? 0) > 0 });
      }
      for (const e of record.endpoints) {
        if (this.statuses.get(e.name) === e.status) continue;
        this.statuses.set(e.name, e.status);
        if (e.status === 'succeeded') {
          this.emit({ type: 'endpoint.succeeded', endpoint: e.name, table: e.table, rows: e.rows, rows_loaded: e.rows_loaded ?? null, pages: e.pages, bytes: e.bytes });
        } else if (e.status === 'failed') {
          this.emit({ type: 'endpoint.failed', endpoint: e.name, table: e.table, rows: e.rows, pages: e.pages, error: e.error ?? null });
        }
      }
    },
    list: () => Promise.resolve(this.current ? [this.current] : []),
  };

  readonly onProgress = (p: ProgressEvent): void => {
    if (p.phase === 'loading') {
      this.emit({ type: 'endpoint.loading', endpoint: p.endpoint, rows: p.rows, pages: p.pages, bytes: p.bytes });
      return;
    }
    if (p.phase !== 'extracting') return;
    const now = this.clock.now();
    if (now - (this.lastProgress.get(p.endpoint) ?? -Infinity) < PROGRESS_EVERY_MS) return;
    this.lastProgress.set(p.endpoint, now);
    this.emit({
      type: 'endpoint.progress',
      endpoint: p.endpoint,
      pages: p.pages,
      rows: p.rows,
      bytes: p.bytes,
      elapsed_ms: p.elapsedMs,
      rows_per_second: p.elapsedMs > 0 ? Math.round((p.rows * 1000) / p.elapsedMs) : null,
    });
  };

  finished(status: string, reason?: string): void {
    const endpoints = this.current?.endpoints ?? [];
    this.emit({
      type: 'run.finished',
      status,
      ...(reason ? { reason } : {}),
      rows: endpoints.reduce((n, e) => n + (e.rows_loaded ?? e.rows), 0),
      failed: endpoints.filter((e) => e.status === 'failed').map((e) => e.name),
      duration_ms: this.current?.duration_ms ?? null,
    });
  }

  private emit(fields: Omit<FloeEvent, 'tenant' | 'connector_id' | 'run_id' | 'at'> & { type: FloeEvent['type'] }): void {
    const event: FloeEvent = {
      ...fields,
      tenant: this.row.tenant,
      connector_id: this.row.connector_id,
      run_id: this.row.id,
      at: new Date(this.clock.now()).toISOString(),
    };
    this.store.events.publish(event).catch((e: unknown) => this.logger.warn('could not publish a run event', { error: (e as Error).message }));
  }
}
