import { z } from 'zod';
import { MAX_EVERY } from '../run/schedule/schedule.js';

/**
 * The management API's request and response shapes. Requests are validated with these schemas
 * and `/api/v1/openapi.json` is generated from them (zod emits JSON Schema 2020-12, the dialect
 * of OpenAPI 3.1), so the document cannot drift from what the server accepts.
 */

const id = z.string().min(1);
const instant = z.string().describe('ISO-8601 UTC instant.');

export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50).describe('Items per page (max 100).'),
  cursor: z.string().min(1).optional().describe("The previous page's next_cursor; omit on the first request."),
});

export const idParams = z.strictObject({ id });

export const scheduleSpec = z
  .strictObject({
    mode: z.enum(['minutes', 'hours', 'days']).describe('minutes: every N minutes from creation; hours: every N hours at :00 + offset; days: every N days at 00:00 UTC + offset.'),
    every: z.number().int().min(1).max(Math.max(...Object.values(MAX_EVERY))).describe('N.'),
    offset_minutes: z.number().int().min(0).default(0).describe('Minutes after :00 (hours) or 00:00 UTC (days); 0 for minutes.'),
  })
  .describe('When the connector runs; the first run starts on creation.');

const configInput = z
  .union([z.record(z.string(), z.unknown()), z.string()])
  .describe("A connector config in any dialect floe reads (native, dlt rest_api_source, rest_api YAML), as an object or as YAML/JSON text. Secret fields are write-only: send '***' to keep the stored value.");

export const connectorCreate = z.strictObject({
  name: z.string().min(1).max(200).regex(/^[\w.-]+$/, 'letters, digits, _ . or -').optional().describe("Defaults to the config's name."),
  config: configInput,
  schedule: scheduleSpec.nullable().optional(),
});

export const connectorUpdate = z.strictObject({
  name: connectorCreate.shape.name,
  config: configInput.optional(),
  schedule: scheduleSpec.nullable().optional().describe('null removes the schedule.'),
});

export const connectorsQuery = pageQuery.extend({ name: z.string().min(1).optional() });

const scheduleOut = z.object({
  mode: z.enum(['minutes', 'hours', 'days']),
  every: z.number(),
  offset_minutes: z.number(),
  anchor_at: instant,
  next_fire_at: instant,
  last_fired_at: instant.nullable(),
});

export const connectorOut = z.object({
  id,
  name: z.string(),
  dialect: z.string(),
  config: z.record(z.string(), z.unknown()).describe("floe's native config; secret values are '***'."),
  endpoints: z
    .array(
      z.object({
        name: z.string(),
        table: z.string(),
        method: z.string(),
        path: z.string(),
        pagination: z.string().nullable().describe('The pagination type; null for one request.'),
        incremental_cursor_path: z.string().nullable(),
        write_disposition: z.string().nullable().describe("null: the destination's default."),
      }),
    )
    .describe('Each endpoint with the name runs and previews use and the table it loads.'),
  schedule: scheduleOut.nullable(),
  last_run: z.object({ id, status: z.string(), created_at: instant, finished_at: instant.nullable() }).nullable(),
  created_at: instant,
  updated_at: instant,
});

export const runRequest = z.strictObject({
  endpoints: z.array(z.string().min(1)).min(1).optional().describe('Endpoint names; all when absent.'),
});

export const runsQuery = pageQuery.extend({
  connector_id: z.string().optional(),
  status: z.enum(['queued', 'running', 'succeeded', 'partially_failed', 'failed', 'cancelled', 'skipped']).optional(),
  trigger: z.enum(['manual', 'schedule', 'schedule_first', 'catch_up']).optional(),
  since: z.iso.datetime({ offset: true }).optional().describe('Created at or after.'),
  until: z.iso.datetime({ offset: true }).optional().describe('Created before.'),
});

const endpointOut = z.object({
  name: z.string(),
  table: z.string(),
  status: z.string(),
  rows: z.number(),
  pages: z.number(),
  files: z.number(),
  bytes: z.number(),
  rows_loaded: z.number().optional(),
  extract_ms: z.number().optional(),
  load_ms: z.number().optional(),
  error: z.object({ code: z.string(), message: z.string() }).passthrough().optional(),
});

export const runOut = z.object({
  id,
  connector_id: id,
  status: z.string(),
  trigger: z.string(),
  reason: z.string().nullable(),
  endpoints_requested: z.array(z.string()).nullable(),
  scheduled_for: instant.nullable(),
  created_at: instant,
  started_at: instant.nullable(),
  finished_at: instant.nullable(),
  attempts: z.number(),
  resumed_at: z.array(instant),
  rows: z.number(),
  endpoints: z.array(endpointOut),
});

export const previewRequest = z.strictObject({
  endpoint: z.string().min(1).optional().describe('Endpoint name; required when the connector has several.'),
  rows: z.number().int().min(0).max(100).default(5),
  columns: z
    .strictObject({
      include: z.array(z.string().min(1)).optional(),
      exclude: z.array(z.string().min(1)).optional(),
      rename: z.record(z.string(), z.string().min(1)).optional(),
    })
    .optional()
    .describe("Column selection to try; the endpoint's current one when absent."),
  apply: z.boolean().default(false).describe('Save `columns` into the connector (after a successful preview).'),
});

const column = z.object({ name: z.string(), type: z.string() });
const inferredColumn = column.extend({
  selected_as: z.string().nullable().describe("The column's name in the table under the selection (renamed or not); null when excluded."),
});
export const previewOut = z.object({
  endpoint: z.string(),
  table: z.string(),
  url: z.string(),
  status: z.number(),
  records: z.number(),
  has_next_page: z.boolean(),
  inferred_columns: z.array(inferredColumn).describe('Every flattened column of the first page, before include/exclude/rename.'),
  inferred_sample: z.array(z.record(z.string(), z.unknown())).describe('The sample rows with every inferred column, keyed by flattened name.'),
  columns: z.array(column).describe('The columns the table gets with the selection.'),
  sample: z.array(z.record(z.string(), z.unknown())),
  applied: z.boolean(),
});

export const stateEndpointParams = z.strictObject({ id, endpoint: z.string().min(1) });
export const stateSet = z.strictObject({ value: z.union([z.string(), z.number()]).describe('The cursor to continue from.') });
export const stateOut = z.object({
  data: z.array(z.object({ endpoint: z.string(), cursor_path: z.string().nullable(), state: z.unknown() })),
});

export const backfillRequest = z.strictObject({
  from: z.union([z.string(), z.number()]),
  to: z.union([z.string(), z.number()]),
  step: z.union([z.string(), z.number()]).describe('A duration (1d, 12h, 1mo) or a number for numeric cursors.'),
  endpoints: z.array(z.string().min(1)).min(1).optional(),
  concurrency: z.number().int().min(1).max(32).default(4),
});

export const backfillsQuery = pageQuery.extend({
  connector_id: z.string().optional(),
  status: z.enum(['queued', 'running', 'succeeded', 'partially_failed', 'failed', 'cancelled']).optional(),
});

export const backfillOut = z.object({
  id,
  connector_id: id,
  status: z.string(),
  from: z.union([z.string(), z.number()]),
  to: z.union([z.string(), z.number()]),
  step: z.union([z.string(), z.number()]),
  endpoints_requested: z.array(z.string()).nullable(),
  created_at: instant,
  started_at: instant.nullable(),
  finished_at: instant.nullable(),
  attempts: z.number(),
  counts: z.object({ total: z.number(), succeeded: z.number(), failed: z.number(), pending: z.number() }),
  windows: z.array(z.object({ window: z.string(), endpoint: z.string(), run_id: z.string(), status: z.string(), rows: z.number() }).passthrough()),
});

export const scheduleListItem = scheduleOut.extend({ connector_id: id });

export const tokenCreate = z.strictObject({
  name: z.string().min(1).max(200),
  read_only: z.boolean().default(false),
});
export const tokenOut = z.object({
  id,
  name: z.string(),
  read_only: z.boolean(),
  created_at: instant,
  revoked_at: instant.nullable(),
  last_used_at: instant.nullable(),
});
export const tokenCreated = tokenOut.extend({ token: z.string().describe('Shown once; only a hash is stored.') });

export const ticketOut = z.object({ ticket: z.string(), expires_at: instant });

export const errorOut = z.object({
  error: z.object({
    code: z.enum(['validation_error', 'unauthorized', 'forbidden', 'resource_not_found', 'conflict', 'unprocessable_entity', 'rate_limited', 'internal_error']),
    message: z.string(),
    details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  }),
});

/** `{ data, next_cursor, has_more }` around an item schema. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), next_cursor: z.string().nullable(), has_more: z.boolean() });
}
