/** The shapes of /api/v1 as the console reads them (see /api/v1/openapi.json). */

export interface Page<T> {
  readonly data: T[];
  readonly next_cursor: string | null;
  readonly has_more: boolean;
}

export type ScheduleMode = 'minutes' | 'hours' | 'days';

export interface ScheduleSpec {
  mode: ScheduleMode;
  every: number;
  offset_minutes: number;
}

export interface Schedule extends ScheduleSpec {
  readonly anchor_at: string;
  readonly next_fire_at: string;
  readonly last_fired_at: string | null;
}

export interface EndpointSummary {
  readonly name: string;
  readonly table: string;
  readonly method: string;
  readonly path: string;
  readonly pagination: string | null;
  readonly incremental_cursor_path: string | null;
  readonly write_disposition: string | null;
}

export interface Connector {
  readonly id: string;
  readonly name: string;
  readonly dialect: string;
  /** floe's native config; secret values are `***`. */
  readonly config: Record<string, unknown>;
  readonly endpoints: EndpointSummary[];
  readonly schedule: Schedule | null;
  readonly last_run: { id: string; status: string; created_at: string; finished_at: string | null } | null;
  readonly created_at: string;
  readonly updated_at: string;
}

export interface EndpointError {
  readonly code: string;
  readonly message: string;
  readonly kind?: string;
  readonly url?: string;
  readonly status?: number;
  readonly body_excerpt?: string;
}

export interface RunEndpoint {
  readonly name: string;
  readonly table: string;
  readonly status: string;
  readonly rows: number;
  readonly pages: number;
  readonly files: number;
  readonly bytes: number;
  readonly rows_loaded?: number;
  readonly extract_ms?: number;
  readonly load_ms?: number;
  readonly error?: EndpointError;
}

export interface Run {
  readonly id: string;
  readonly connector_id: string;
  readonly status: string;
  readonly trigger: string;
  readonly reason: string | null;
  readonly endpoints_requested: string[] | null;
  readonly scheduled_for: string | null;
  readonly created_at: string;
  readonly started_at: string | null;
  readonly finished_at: string | null;
  readonly attempts: number;
  readonly rows: number;
  readonly endpoints: RunEndpoint[];
}

export interface BackfillWindow {
  readonly window: string;
  readonly endpoint: string;
  readonly run_id: string;
  readonly status: string;
  readonly rows: number;
  readonly skipped?: boolean;
  readonly error?: EndpointError;
}

export interface Backfill {
  readonly id: string;
  readonly connector_id: string;
  readonly status: string;
  readonly from: string | number;
  readonly to: string | number;
  readonly step: string | number;
  readonly endpoints_requested: string[] | null;
  readonly created_at: string;
  readonly started_at: string | null;
  readonly finished_at: string | null;
  readonly counts: { total: number; succeeded: number; failed: number; pending: number };
  readonly windows: BackfillWindow[];
}

export interface PreviewColumn {
  readonly name: string;
  readonly type: string;
  readonly selected_as?: string | null;
}

export interface Preview {
  readonly endpoint: string;
  readonly table: string;
  readonly url: string;
  readonly status: number;
  readonly records: number;
  readonly has_next_page: boolean;
  readonly inferred_columns: PreviewColumn[];
  readonly inferred_sample: Record<string, unknown>[];
  readonly columns: PreviewColumn[];
  readonly sample: Record<string, unknown>[];
  readonly applied: boolean;
}

export interface ColumnSelection {
  include?: string[];
  exclude?: string[];
  rename?: Record<string, string>;
}

export interface StateEntry {
  readonly endpoint: string;
  readonly cursor_path: string | null;
  readonly state: unknown;
}

export interface FieldIssue {
  readonly field: string;
  readonly message: string;
}

/** A message of the events WebSocket. */
export interface LiveEvent {
  readonly type: string;
  readonly run_id?: string;
  readonly connector_id?: string;
  readonly endpoint?: string;
  readonly at?: string;
  readonly [key: string]: unknown;
}
