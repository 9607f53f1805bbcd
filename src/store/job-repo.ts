import { iso, isoOrNull } from './ids.js';
import type { SqlClient, SqlQuery } from './sql-client.js';

/** The two kinds of work a worker claims: connector runs and backfills. */
export type JobTable = 'runs' | 'backfills';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'partially_failed' | 'failed' | 'cancelled' | 'skipped';

/** A row of `runs` or `backfills` (backfills have `params` and no `trigger`). */
export interface JobRow {
  readonly id: string;
  readonly tenant: string;
  readonly connector_id: string;
  readonly status: JobStatus;
  readonly trigger?: string;
  readonly endpoints?: string[] | null;
  readonly params?: Record<string, unknown>;
  readonly config: unknown;
  readonly record: unknown;
  readonly reason?: string | null;
  readonly request_id: string | null;
  readonly scheduled_for?: string | null;
  readonly created_at: string;
  readonly started_at: string | null;
  readonly finished_at: string | null;
  readonly worker_id: string | null;
  readonly heartbeat_at: string | null;
  readonly attempts: number;
  readonly cancel_requested: boolean;
}

export function toJobRow(r: Record<string, unknown>): JobRow {
  return {
    ...(r as unknown as JobRow),
    created_at: iso(r.created_at),
    started_at: isoOrNull(r.started_at),
    finished_at: isoOrNull(r.finished_at),
    heartbeat_at: isoOrNull(r.heartbeat_at),
    ...('scheduled_for' in r ? { scheduled_for: isoOrNull(r.scheduled_for) } : {}),
  };
}

const ACTIVE = `status IN ('queued', 'running')`;

/**
 * The job queue on the store's own tables: a worker claims one queued job — or a running one whose
 * worker stopped heartbeating (killed, lost its machine) — with `FOR UPDATE SKIP LOCKED`, so each
 * job goes to exactly one worker among all replicas; a reclaimed job keeps its id, which is what
 * lets floe resume it (same run id → the destination ledger keeps every load exactly once).
 */
export class JobRepo {
  constructor(
    private readonly db: SqlClient,
    readonly table: JobTable,
  ) {}

  async claim(workerId: string, nowMs: number, staleBeforeMs: number): Promise<JobRow | undefined> {
    const rows = await this.db.query<Record<string, unknown>>(
      `UPDATE ${this.table} SET status = 'running', worker_id = $1, heartbeat_at = $2::timestamptz,
              started_at = COALESCE(started_at, $2::timestamptz), attempts = attempts + 1
       WHERE id = (
         SELECT id FROM ${this.table}
         WHERE (status = 'queued' OR (status = 'running' AND heartbeat_at < $3::timestamptz))
         ORDER BY (status = 'running') DESC, created_at, id
         FOR UPDATE SKIP LOCKED LIMIT 1)
       RETURNING *`,
      [workerId, new Date(nowMs).toISOString(), new Date(staleBeforeMs).toISOString()],
    );
    return rows[0] ? toJobRow(rows[0]) : undefined;
  }

  /** Keeps `ids` claimed by `workerId`; returns those whose cancel was requested. */
  async heartbeat(workerId: string, ids: readonly string[], nowMs: number): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.query<{ id: string }>(
      `UPDATE ${this.table} SET heartbeat_at = $3::timestamptz
       WHERE worker_id = $1 AND id = ANY($2::text[]) AND status = 'running' RETURNING id, cancel_requested`,
      [workerId, ids, new Date(nowMs).toISOString()],
    );
    return rows.filter((r) => (r as unknown as { cancel_requested: boolean }).cancel_requested).map((r) => r.id);
  }

  async saveRecord(id: string, record: unknown): Promise<void> {
    await this.db.query(`UPDATE ${this.table} SET record = $2::jsonb WHERE id = $1`, [id, JSON.stringify(record)]);
  }

  /** Ends a job this worker holds; false when another worker took it over meanwhile. */
  async finish(id: string, workerId: string, status: JobStatus, nowMs: number, reason?: string): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE ${this.table} SET status = $3, finished_at = $4::timestamptz${this.table === 'runs' ? ', reason = COALESCE($5, reason)' : ''}
       WHERE id = $1 AND worker_id = $2 AND status = 'running' RETURNING id`,
      this.table === 'runs'
        ? [id, workerId, status, new Date(nowMs).toISOString(), reason ?? null]
        : [id, workerId, status, new Date(nowMs).toISOString()],
    );
    return rows.length > 0;
  }

  /** Puts a job this worker holds back in the queue (interrupted by a shutdown; resumed later). */
  async requeue(id: string, workerId: string): Promise<void> {
    await this.db.query(`UPDATE ${this.table} SET status = 'queued', worker_id = NULL WHERE id = $1 AND worker_id = $2 AND status = 'running'`, [id, workerId]);
  }

  async get(tenant: string, id: string): Promise<JobRow | undefined> {
    const rows = await this.db.query<Record<string, unknown>>(`SELECT * FROM ${this.table} WHERE id = $1 AND tenant = $2`, [id, tenant]);
    return rows[0] ? toJobRow(rows[0]) : undefined;
  }

  async byId(id: string): Promise<JobRow | undefined> {
    const rows = await this.db.query<Record<string, unknown>>(`SELECT * FROM ${this.table} WHERE id = $1`, [id]);
    return rows[0] ? toJobRow(rows[0]) : undefined;
  }

  async active(connectorId: string, q: SqlQuery = this.db): Promise<JobRow | undefined> {
    const rows = await q.query<Record<string, unknown>>(`SELECT * FROM ${this.table} WHERE connector_id = $1 AND ${ACTIVE}`, [connectorId]);
    return rows[0] ? toJobRow(rows[0]) : undefined;
  }

  /**
   * Newest first, `limit + 1` rows after `after`; filters are equality on the named columns.
   */
  async page(
    tenant: string,
    limit: number,
    after: { at: string; id: string } | undefined,
    filters: { connector_id?: string; status?: string; trigger?: string; since?: string; until?: string },
  ): Promise<JobRow[]> {
    const where = ['tenant = $1'];
    const params: unknown[] = [tenant];
    const add = (sql: string, v: unknown): void => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filters.connector_id) add('connector_id = ?', filters.connector_id);
    if (filters.status) add('status = ?', filters.status);
    if (filters.trigger && this.table === 'runs') add('trigger = ?', filters.trigger);
    if (filters.since) add('created_at >= ?::timestamptz', filters.since);
    if (filters.until) add('created_at < ?::timestamptz', filters.until);
    if (after) {
      params.push(after.at, after.id);
      where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length})`);
    }
    params.push(limit + 1);
    const rows = await this.db.query<Record<string, unknown>>(
      `SELECT * FROM ${this.table} WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(toJobRow);
  }

  /**
   * Cancels: a queued job at once; a running one is flagged for its worker (which aborts it and
   * records `cancelled`). Returns the row after the change, or undefined when there is none.
   */
  async requestCancel(tenant: string, id: string, nowMs: number): Promise<JobRow | undefined> {
    const now = new Date(nowMs).toISOString();
    await this.db.query(
      `UPDATE ${this.table} SET status = 'cancelled', finished_at = $3::timestamptz
       WHERE id = $1 AND tenant = $2 AND status = 'queued'`,
      [id, tenant, now],
    );
    await this.db.query(`UPDATE ${this.table} SET cancel_requested = true WHERE id = $1 AND tenant = $2 AND status = 'running'`, [id, tenant]);
    return this.get(tenant, id);
  }
}

export function isUniqueViolation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === '23505';
}
