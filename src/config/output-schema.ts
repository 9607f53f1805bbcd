import { z } from 'zod';
import { authConfig, destinationConfig, rateLimitConfig, retryConfig } from './schema.js';

/**
 * The config of `floe push`: REST outputs that send rows from a table, a query or a file to an API
 * in batches (reverse ETL). Same conventions as `schema.ts` (snake_case, strict objects, a
 * `.describe()` per field); auth, rate limit and retry are the very schemas the REST source uses.
 *
 * @example
 * name: crm-sync
 * destination: { type: duckdb, path: .floe/warehouse.duckdb }   # where `table`/`query` read
 * outputs:
 *   - name: contacts
 *     table: users
 *     key: [id]
 *     cursor: updated_at
 *     url: https://api.example.com/v1/contacts/batch
 *     auth: { type: bearer, token: "{{ env.CRM_TOKEN }}" }
 *     batch_size: 100
 *     wrap_key: records
 */

const nonEmpty = z.string().min(1);

/** Statuses that mean "this batch holds rows the API refuses": the batch is split to find them. */
export const DEFAULT_REJECT_STATUSES = [400, 409, 413, 422] as const;

export const restOutputConfig = z
  .strictObject({
    name: nonEmpty
      .regex(/^[\w.-]+$/, 'letters, digits, _, . or -')
      .describe('Output name: for --output, push history and the delivery ledger.'),
    table: nonEmpty.optional().describe('Push this table of the destination (as `floe run` named it).'),
    query: nonEmpty.optional().describe('Push the rows of this SQL query on the destination.'),
    file: nonEmpty.optional().describe('Push the rows of a Parquet (.parquet) or JSON-lines (.jsonl, .ndjson) file.'),
    file_format: z.enum(['parquet', 'jsonl']).optional().describe('Format of `file`; default from its extension.'),
    key: z
      .union([nonEmpty, z.array(nonEmpty).min(1)])
      .transform((k) => (typeof k === 'string' ? [k] : k))
      .optional()
      .describe('Columns that identify a row; batches are formed in key order (ties broken by the whole row). Default: the whole row.'),
    cursor: nonEmpty
      .optional()
      .describe('Incremental push: only rows whose cursor column is at or past the last push (late rows at the boundary included).'),
    url: z.url().describe('Where each batch is sent.'),
    method: z.enum(['POST', 'PUT', 'PATCH']).default('POST'),
    headers: z.record(z.string(), z.string()).optional().describe('Sent with every batch; auth is applied last.'),
    auth: authConfig.optional(),
    batch_size: z.number().int().min(1).max(100_000).default(100).describe('Rows per request.'),
    wrap_key: nonEmpty
      .optional()
      .describe('Send `{"<wrap_key>": [rows]}` instead of a bare JSON array of rows.'),
    idempotency_header: z
      .union([nonEmpty, z.literal(false)])
      .default('Idempotency-Key')
      .describe('Header carrying each batch’s stable id (false: do not send one).'),
    reject_statuses: z
      .array(z.number().int().min(400).max(499))
      .min(1)
      .default([...DEFAULT_REJECT_STATUSES])
      .describe('Statuses meaning "bad rows in this batch": it is split in halves down to single rows, and rows still refused are set aside and retried on the next push.'),
    rate_limit: rateLimitConfig.optional(),
    retry: retryConfig.prefault({}),
    timeout_seconds: z.number().positive().default(60).describe('Per-request timeout; a timeout is retried with the same idempotency key.'),
  })
  .superRefine((o, ctx) => {
    const given = (['table', 'query', 'file'] as const).filter((k) => o[k] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: given.length === 0 ? ['table'] : [given[1] ?? 'table'],
        message: given.length === 0 ? 'set one of table, query or file (the rows to push)' : `set only one of table, query or file (got ${given.join(' and ')})`,
      });
    }
    if (o.file_format !== undefined && o.file === undefined) {
      ctx.addIssue({ code: 'custom', path: ['file_format'], message: 'file_format needs file' });
    }
  })
  .describe('One REST output: rows → JSON batches → an API.');

export const floePushConfig = z
  .strictObject({
    $schema: z.string().optional(),
    name: nonEmpty.describe('Config name: the push lock and history use it.'),
    destination: destinationConfig
      .prefault({ type: 'duckdb' })
      .describe('The warehouse `table` and `query` outputs read from (the one `floe run` loads).'),
    outputs: z.array(restOutputConfig).min(1),
  })
  .describe('A floe push config: REST outputs fed by warehouse tables, queries or files.');

export type FloePushConfig = z.output<typeof floePushConfig>;
export type RestOutputConfig = z.output<typeof restOutputConfig>;
