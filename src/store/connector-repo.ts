import { nextSlotAfter, scheduleAnchor, type ScheduleSpec } from '../run/schedule/schedule.js';
import { iso, isoOrNull } from './ids.js';
import type { SqlClient, SqlQuery } from './sql-client.js';

export interface ScheduleRow {
  readonly connector_id: string;
  readonly mode: ScheduleSpec['mode'];
  readonly every: number;
  readonly offset_minutes: number;
  readonly anchor_at: string;
  readonly next_fire_at: string;
  readonly last_fired_at: string | null;
}

export interface ConnectorRow {
  readonly id: string;
  readonly tenant: string;
  readonly name: string;
  readonly dialect: string;
  /** Native config tree, secrets sealed. */
  readonly config: Record<string, unknown>;
  readonly created_at: string;
  readonly updated_at: string;
  readonly schedule: ScheduleRow | null;
  readonly last_run: { id: string; status: string; created_at: string; finished_at: string | null } | null;
}

const SELECT = `
  SELECT c.*, row_to_json(s.*) AS schedule_json,
         (SELECT json_build_object('id', r.id, 'status', r.status, 'created_at', r.created_at, 'finished_at', r.finished_at)
            FROM runs r WHERE r.connector_id = c.id AND r.status <> 'skipped' ORDER BY r.created_at DESC, r.id DESC LIMIT 1) AS last_run_json
  FROM connectors c LEFT JOIN schedules s ON s.connector_id = c.id`;

/** Connectors and their schedules. */
export class ConnectorRepo {
  constructor(private readonly db: SqlClient) {}

  /** Inserts a connector (and its schedule) inside `tx`; a duplicate name raises a unique violation. */
  async insert(
    tx: SqlQuery,
    c: { id: string; tenant: string; name: string; dialect: string; config: unknown; schedule?: ScheduleSpec },
    nowMs: number,
  ): Promise<void> {
    const now = new Date(nowMs).toISOString();
    await tx.query(
      `INSERT INTO connectors (id, tenant, name, dialect, config, created_at, updated_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6::timestamptz, $6::timestamptz)`,
      [c.id, c.tenant, c.name, c.dialect, JSON.stringify(c.config), now],
    );
    if (c.schedule) await this.putSchedule(tx, c.id, c.tenant, c.schedule, nowMs, nowMs);
  }

  async get(tenant: string, id: string, q: SqlQuery = this.db): Promise<ConnectorRow | undefined> {
    const rows = await q.query<Record<string, unknown>>(`${SELECT} WHERE c.id = $1 AND c.tenant = $2`, [id, tenant]);
    return rows[0] ? toRow(rows[0]) : undefined;
  }

  /** Oldest first, `limit + 1` rows after `after`. */
  async page(tenant: string, limit: number, after: { at: string; id: string } | undefined, name?: string): Promise<ConnectorRow[]> {
    const rows = await this.db.query<Record<string, unknown>>(
      `${SELECT} WHERE c.tenant = $1 AND ($2::timestamptz IS NULL OR (c.created_at, c.id) > ($2::timestamptz, $3))
         AND ($5::text IS NULL OR c.name = $5)
       ORDER BY c.created_at, c.id LIMIT $4`,
      [tenant, after?.at ?? null, after?.id ?? '', limit + 1, name ?? null],
    );
    return rows.map(toRow);
  }

  async update(tx: SqlQuery, id: string, c: { name: string; dialect: string; config: unknown }, nowMs: number): Promise<void> {
    await tx.query(`UPDATE connectors SET name = $2, dialect = $3, config = $4::jsonb, updated_at = $5::timestamptz WHERE id = $1`, [
      id,
      c.name,
      c.dialect,
      JSON.stringify(c.config),
      new Date(nowMs).toISOString(),
    ]);
  }

  async delete(tx: SqlQuery, id: string): Promise<void> {
    await tx.query('DELETE FROM connectors WHERE id = $1', [id]);
  }

  /** Creates or replaces the schedule; the next fire time is the first slot after `nowMs`. */
  async putSchedule(tx: SqlQuery, connectorId: string, tenant: string, spec: ScheduleSpec, createdAtMs: number, nowMs: number): Promise<void> {
    const anchor = scheduleAnchor(spec, createdAtMs);
    const now = new Date(nowMs).toISOString();
    await tx.query(
      `INSERT INTO schedules (connector_id, tenant, mode, every, offset_minutes, anchor_at, next_fire_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6::timestamptz, $7::timestamptz, $8::timestamptz, $8::timestamptz)
       ON CONFLICT (connector_id) DO UPDATE SET mode = $3, every = $4, offset_minutes = $5, anchor_at = $6::timestamptz,
         next_fire_at = $7::timestamptz, updated_at = $8::timestamptz`,
      [connectorId, tenant, spec.mode, spec.every, spec.offset_minutes, new Date(anchor).toISOString(), new Date(nextSlotAfter(spec, anchor, nowMs)).toISOString(), now],
    );
  }

  async deleteSchedule(tx: SqlQuery, connectorId: string): Promise<void> {
    await tx.query('DELETE FROM schedules WHERE connector_id = $1', [connectorId]);
  }

  /** Schedules due at `nowMs`, locked for this transaction; other replicas skip them. */
  async lockDue(tx: SqlQuery, nowMs: number, limit = 50): Promise<(ScheduleRow & { tenant: string })[]> {
    const rows = await tx.query<Record<string, unknown>>(
      `SELECT * FROM schedules WHERE next_fire_at <= $1::timestamptz ORDER BY next_fire_at FOR UPDATE SKIP LOCKED LIMIT $2`,
      [new Date(nowMs).toISOString(), limit],
    );
    return rows.map((r) => ({ ...toSchedule(r), tenant: String(r.tenant) }));
  }

  async markFired(tx: SqlQuery, connectorId: string, firedAtMs: number, nextFireAtMs: number): Promise<void> {
    await tx.query(`UPDATE schedules SET last_fired_at = $2::timestamptz, next_fire_at = $3::timestamptz WHERE connector_id = $1`, [
      connectorId,
      new Date(firedAtMs).toISOString(),
      new Date(nextFireAtMs).toISOString(),
    ]);
  }

  async schedulePage(tenant: string, limit: number, after: { at: string; id: string } | undefined): Promise<(ScheduleRow & { created_at: string })[]> {
    const rows = await this.db.query<Record<string, unknown>>(
      `SELECT * FROM schedules WHERE tenant = $1 AND ($2::timestamptz IS NULL OR (created_at, connector_id) > ($2::timestamptz, $3))
       ORDER BY created_at, connector_id LIMIT $4`,
      [tenant, after?.at ?? null, after?.id ?? '', limit + 1],
    );
    return rows.map((r) => ({ ...toSchedule(r), created_at: iso(r.created_at) }));
  }
}

function toSchedule(r: Record<string, unknown>): ScheduleRow {
  return {
    connector_id: String(r.connector_id),
    mode: r.mode as ScheduleSpec['mode'],
    every: Number(r.every),
    offset_minutes: Number(r.offset_minutes),
    anchor_at: iso(r.anchor_at),
    next_fire_at: iso(r.next_fire_at),
    last_fired_at: isoOrNull(r.last_fired_at),
  };
}

function toRow(r: Record<string, unknown>): ConnectorRow {
  const s = r.schedule_json as Record<string, unknown> | null;
  const last = r.last_run_json as { id: string; status: string; created_at: string; finished_at: string | null } | null;
  return {
    id: String(r.id),
    tenant: String(r.tenant),
    name: String(r.name),
    dialect: String(r.dialect),
    config: r.config as Record<string, unknown>,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
    schedule: s ? toSchedule(s) : null,
    last_run: last ? { ...last, created_at: iso(last.created_at), finished_at: isoOrNull(last.finished_at) } : null,
  };
}
