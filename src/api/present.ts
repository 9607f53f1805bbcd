import { endpointName, tableName } from '../config/load-config.js';
import { endpointConfig } from '../config/schema.js';
import type { BackfillRecord } from '../run/backfill/backfill-runner.js';
import type { RunRecord } from '../run/run-history.js';
import type { ConnectorRow } from '../store/connector-repo.js';
import type { JobRow } from '../store/job-repo.js';
import { maskSecrets } from '../store/secret-fields.js';

/** A connector as the API returns it: secrets masked. */
export function presentConnector(c: ConnectorRow): Record<string, unknown> {
  return {
    id: c.id,
    name: c.name,
    dialect: c.dialect,
    config: maskSecrets(c.config),
    endpoints: presentEndpoints(c.config),
    schedule: c.schedule
      ? {
          mode: c.schedule.mode,
          every: c.schedule.every,
          offset_minutes: c.schedule.offset_minutes,
          anchor_at: c.schedule.anchor_at,
          next_fire_at: c.schedule.next_fire_at,
          last_fired_at: c.schedule.last_fired_at,
        }
      : null,
    last_run: c.last_run,
    created_at: c.created_at,
    updated_at: c.updated_at,
  };
}

/**
 * What each endpoint loads, named as runs and previews name it (the console lists these; clients
 * need not re-derive floe's naming rules). Read from the stored tree without resolving secrets or
 * `{{ env.X }}`, so a connector whose environment is incomplete still shows its endpoints.
 */
function presentEndpoints(config: Record<string, unknown>): Record<string, unknown>[] {
  const list = Array.isArray(config.endpoints) ? (config.endpoints as unknown[]) : [];
  return list.flatMap((raw) => {
    const parsed = endpointConfig.safeParse(raw);
    if (!parsed.success) return [];
    const e = parsed.data;
    return [
      {
        name: endpointName(e),
        table: tableName(e),
        method: e.method,
        path: e.path,
        pagination: e.pagination?.type ?? null,
        incremental_cursor_path: e.incremental?.cursor_path ?? null,
        write_disposition: e.write_disposition ?? null,
      },
    ];
  });
}

/** A run: the store's queue fields plus the run record floe wrote (per-endpoint details). */
export function presentRun(r: JobRow, detail = true): Record<string, unknown> {
  const rec = r.record as RunRecord | null;
  const endpoints = rec?.endpoints ?? [];
  return {
    id: r.id,
    connector_id: r.connector_id,
    status: r.status,
    trigger: r.trigger ?? 'manual',
    reason: r.reason ?? null,
    endpoints_requested: r.endpoints ?? null,
    scheduled_for: r.scheduled_for ?? null,
    created_at: r.created_at,
    started_at: r.started_at,
    finished_at: r.finished_at,
    attempts: r.attempts,
    resumed_at: rec?.resumed_at ?? [],
    rows: endpoints.reduce((n, e) => n + (e.rows_loaded ?? e.rows), 0),
    endpoints: endpoints.map((e) =>
      detail
        ? {
            name: e.name,
            table: e.table,
            status: e.status,
            rows: e.rows,
            pages: e.pages,
            files: e.files,
            bytes: e.bytes,
            ...(e.rows_loaded !== undefined ? { rows_loaded: e.rows_loaded } : {}),
            ...(e.extract_ms !== undefined ? { extract_ms: e.extract_ms } : {}),
            ...(e.load_ms !== undefined ? { load_ms: e.load_ms } : {}),
            ...(e.query_ids ? { query_ids: e.query_ids } : {}),
            ...(e.error ? { error: e.error } : {}),
          }
        : { name: e.name, table: e.table, status: e.status, rows: e.rows, pages: e.pages, files: e.files, bytes: e.bytes, ...(e.error ? { error: e.error } : {}) },
    ),
  };
}

export function presentBackfill(b: JobRow): Record<string, unknown> {
  const rec = b.record as BackfillRecord | null;
  const params = b.params as { from: string; to: string; step: string; endpoints?: string[] | null };
  const windows = rec?.windows ?? [];
  const count = (s: string): number => windows.filter((w) => w.status === s).length;
  return {
    id: b.id,
    connector_id: b.connector_id,
    status: b.status,
    from: params.from,
    to: params.to,
    step: params.step,
    endpoints_requested: params.endpoints ?? null,
    created_at: b.created_at,
    started_at: b.started_at,
    finished_at: b.finished_at,
    attempts: b.attempts,
    counts: { total: windows.length, succeeded: count('succeeded'), failed: count('failed'), pending: windows.length - count('succeeded') - count('failed') },
    windows: windows.map((w) => ({
      window: w.window,
      endpoint: w.name,
      run_id: w.run_id,
      status: w.status,
      rows: w.rows,
      ...(w.skipped ? { skipped: true } : {}),
      ...(w.error ? { error: w.error } : {}),
    })),
  };
}
