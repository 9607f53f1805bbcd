import { newRunId } from '../run/run-history.js';
import { toJobRow, type JobRow } from './job-repo.js';
import type { SqlQuery } from './sql-client.js';

export interface RunRequest {
  readonly tenant: string;
  readonly connectorId: string;
  readonly trigger: 'manual' | 'schedule' | 'schedule_first' | 'catch_up';
  readonly endpoints: readonly string[] | null;
  /** The connector's sealed config at request time: a resumed run uses the same. */
  readonly config: unknown;
  readonly requestId?: string | null;
  readonly scheduledFor?: number;
  readonly nowMs: number;
}

/**
 * Queues a run, unless the connector already has one queued or running (then nothing is inserted
 * and that run is returned as `active`): never two runs of one connector at once, enforced by
 * the store's unique index, so it holds across replicas too.
 */
export async function enqueueRun(q: SqlQuery, r: RunRequest): Promise<{ queued: JobRow } | { active: JobRow }> {
  const rows = await q.query<Record<string, unknown>>(
    `INSERT INTO runs (id, tenant, connector_id, status, trigger, endpoints, config, request_id, scheduled_for, created_at)
     VALUES ($1, $2, $3, 'queued', $4, $5::jsonb, $6::jsonb, $7, $8::timestamptz, $9::timestamptz)
     ON CONFLICT (connector_id) WHERE status IN ('queued', 'running') DO NOTHING
     RETURNING *`,
    [
      newRunId(r.nowMs),
      r.tenant,
      r.connectorId,
      r.trigger,
      r.endpoints ? JSON.stringify(r.endpoints) : null,
      JSON.stringify(r.config),
      r.requestId ?? null,
      r.scheduledFor === undefined ? null : new Date(r.scheduledFor).toISOString(),
      new Date(r.nowMs).toISOString(),
    ],
  );
  if (rows[0]) return { queued: toJobRow(rows[0]) };
  const active = await q.query<Record<string, unknown>>(`SELECT * FROM runs WHERE connector_id = $1 AND status IN ('queued', 'running')`, [r.connectorId]);
  return { active: toJobRow(active[0]!) };
}

/** Records a scheduled run that did not start because another run of the connector was active. */
export async function recordSkipped(q: SqlQuery, r: RunRequest & { reason: string }): Promise<JobRow> {
  const rows = await q.query<Record<string, unknown>>(
    `INSERT INTO runs (id, tenant, connector_id, status, trigger, endpoints, reason, scheduled_for, created_at, finished_at)
     VALUES ($1, $2, $3, 'skipped', $4, NULL, $5, $6::timestamptz, $7::timestamptz, $7::timestamptz) RETURNING *`,
    [
      newRunId(r.nowMs),
      r.tenant,
      r.connectorId,
      r.trigger,
      r.reason,
      r.scheduledFor === undefined ? null : new Date(r.scheduledFor).toISOString(),
      new Date(r.nowMs).toISOString(),
    ],
  );
  return toJobRow(rows[0]!);
}
