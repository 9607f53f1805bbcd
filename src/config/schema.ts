import { z } from 'zod';
import { paginationConfig } from './pagination-schema.js';
import { secret } from './secret-fields.js';

/**
 * The one place the config's shape is written. File keys are snake_case; `type` values follow dlt's
 * vocabulary. Every object is strict: an unknown key is an error, not silence.
 * `config/floe.schema.json` is generated from these schemas (`npm run schema`).
 */

const nonEmpty = z.string().min(1);
const scalar = z.union([z.string(), z.number(), z.boolean()]);
const stringMap = z.record(z.string(), z.string());
/** Seconds a Node timer can wait (setTimeout holds at most 2^31 − 1 ms, about 24.8 days). */
const MAX_TIMER_SECONDS = 2_147_483;
/** An http:// or https:// URL (`file:`, `ftp:`, `javascript:` and the like are refused at validate). */
const httpUrl = z.url({ protocol: /^https?$/ });

// ---------------------------------------------------------------- auth

export const apiKeyAuth = z
  .strictObject({
    type: z.literal('api_key'),
    key_name: nonEmpty.describe('Header or query parameter name, e.g. X-API-Key or api_key.'),
    key_value: secret(nonEmpty, 'The API key; use "{{ env.NAME }}".'),
    location: z
      .enum(['header', 'query_parameter'])
      .default('header')
      .describe('Where to send the key.'),
  })
  .describe('An API key sent as a header or query parameter.');

export const bearerAuth = z
  .strictObject({
    type: z.literal('bearer'),
    token: secret(nonEmpty, 'Sent as `Authorization: Bearer <token>`; use "{{ env.NAME }}".'),
  })
  .describe('A bearer token in the Authorization header.');

export const basicAuth = z
  .strictObject({
    type: z.literal('basic'),
    username: nonEmpty.describe('API username.'),
    password: secret(z.string(), 'API password; may be "" (Stripe-style key as username), but must be present.'),
  })
  .describe('HTTP Basic authentication.');

export const oauth2ClientCredentialsAuth = z
  .strictObject({
    type: z.literal('oauth2_client_credentials'),
    token_url: httpUrl.describe('OAuth token endpoint.'),
    client_id: nonEmpty.describe('OAuth client identifier.'),
    client_secret: secret(nonEmpty, 'OAuth client secret; use "{{ env.NAME }}".'),
    scopes: z
      .union([z.string(), z.array(nonEmpty)])
      .optional()
      .describe('Space-separated scopes (or a list), sent as `scope`.'),
    client_auth: z
      .enum(['body', 'basic'])
      .default('body')
      .describe('Send client id/secret in the form body (default) or as HTTP Basic.'),
    refresh_skew_seconds: z
      .number()
      .min(0)
      .max(MAX_TIMER_SECONDS)
      .default(60)
      .describe('Refresh the token this many seconds before it expires.'),
    audience: nonEmpty.optional().describe('Sent as `audience` in the token request (Auth0 and others need it).'),
    token_request_data: z
      .record(z.string(), scalar)
      .optional()
      .describe('Extra form fields of the token request, e.g. { resource: "https://…" }.'),
  })
  .describe('OAuth 2.0 client credentials; tokens are requested and refreshed before expiry.');

export const authConfig = z.discriminatedUnion('type', [
  apiKeyAuth,
  bearerAuth,
  basicAuth,
  oauth2ClientCredentialsAuth,
]);

export const AUTH_TYPES = ['api_key', 'bearer', 'basic', 'oauth2_client_credentials'] as const;

// ---------------------------------------------------------------- pagination

export {
  offsetPagination,
  cursorPagination,
  headerCursorPagination,
  pageNumberPagination,
  linkHeaderPagination,
  nextLinkPagination,
  singlePagePagination,
  autoPagination,
  paginationConfig,
  PAGINATION_TYPES,
  STOP_SIGNAL_NAMES,
  hasStopSignal,
} from './pagination-schema.js';
// ---------------------------------------------------------------- columns and schema

export const COLUMN_TYPES = [
  'string',
  'integer',
  'long',
  'float',
  'double',
  'boolean',
  'timestamp',
  'date',
  'binary',
] as const;

export const declaredColumn = z.strictObject({
  name: nonEmpty.describe('Column name after flattening (and after rename).'),
  type: z.enum(COLUMN_TYPES).describe('Declared type; values are converted or the endpoint fails.'),
});

export const columnsConfig = z
  .strictObject({
    include: z.array(nonEmpty).optional().describe('Keep only these flattened columns.'),
    exclude: z.array(nonEmpty).optional().describe('Drop these flattened columns.'),
    rename: stringMap.optional().describe('Rename flattened columns: { address_city: city }.'),
  })
  .describe('Column selection and renaming, applied to flattened names.');

// ---------------------------------------------------------------- normalize

const naming = z
  .enum(['source', 'snake_case'])
  .describe(
    "How keys become column names: source (default) keeps the source spelling and joins nested keys with _; snake_case is dlt's convention (createdAt → created_at, nested keys joined with __).",
  );
const inferTimestamps = z
  .boolean()
  .describe('Type ISO-8601 strings as timestamp/date columns (a later non-ISO value widens the column to string).');
const maxTableNesting = z
  .number()
  .int()
  .min(0)
  .describe("Objects nested deeper than this stay one JSON-text column (dlt's max_table_nesting); 0 keeps every object as JSON.");
const maxColumns = z
  .number()
  .int()
  .positive()
  .describe('An endpoint with more columns than this fails, naming the object with the most keys (usually a map keyed by ids).');

export const normalizeConfig = z
  .strictObject({
    naming: naming.default('source'),
    infer_timestamps: inferTimestamps.default(true),
    max_table_nesting: maxTableNesting.default(32),
    max_columns: maxColumns.default(1000),
  })
  .describe('How records become columns: naming, type inference, nesting depth, column limit.');

export const endpointNormalizeConfig = z
  .strictObject({
    naming: naming.optional(),
    infer_timestamps: inferTimestamps.optional(),
    max_table_nesting: maxTableNesting.optional(),
    max_columns: maxColumns.optional(),
  })
  .describe('Overrides the connector-wide normalize settings for this endpoint.');

// ---------------------------------------------------------------- endpoint

export const writeDisposition = z
  .enum(['append', 'replace', 'merge'])
  .describe('append adds rows; replace swaps the whole table; merge upserts on primary_key.');

export const responseAction = z
  .strictObject({
    status_code: z
      .union([z.number().int().min(100).max(599), z.string().regex(/^\d{3}$/)])
      .optional()
      .describe('Match this HTTP status (e.g. 404).'),
    content: nonEmpty.optional().describe('Match a response whose body contains this text.'),
    action: z
      .enum(['ignore', 'retry', 'fail'])
      .describe('ignore: end the endpoint (or this parent) without records; retry: back off and retry; fail: fail the endpoint.'),
  })
  .refine((a) => a.status_code !== undefined || a.content !== undefined, {
    message: 'set status_code, content, or both',
  })
  .describe('A rule of the response policy; the first matching rule decides, before the defaults.');

export const parentConfig = z
  .strictObject({
    endpoint: nonEmpty.describe('The parent endpoint (its name): one request chain per parent record.'),
    include: z
      .array(nonEmpty)
      .optional()
      .describe('Parent fields copied into each child row as _<parent>_<field> columns.'),
    concurrency: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(1)
      .describe('Parents fetched at once (all under the connector rate limit).'),
    on_error: z
      .enum(['fail', 'skip'])
      .default('fail')
      .describe('A parent whose requests fail: fail the endpoint (default), or skip it with a warning.'),
  })
  .describe('Makes this endpoint a child: {{ parent.<field> }} in path, query_params, headers and body take each parent record’s values.');

export const incrementalConfig = z
  .strictObject({
    cursor_path: nonEmpty.describe('JSONPath into each record, e.g. $.updated_at.'),
    initial_value: z.union([z.string(), z.number()]).describe('Start value for the first run.'),
    end_value: z.union([z.string(), z.number()]).nullable().optional().describe('Optional upper bound.'),
    lookback: z
      .union([z.string(), z.number()])
      .optional()
      .describe('Re-read this much before the last cursor: a duration like 2h, or a number.'),
    on_missing: z
      .enum(['fail', 'include', 'exclude'])
      .default('fail')
      .describe('What to do with records whose cursor is null or absent.'),
  })
  .describe('Load only records whose cursor moved past the last loaded value.');

export const endpointConfig = z
  .strictObject({
    name: nonEmpty.optional().describe('Endpoint name for --endpoint and run history; default: table_name.'),
    path: nonEmpty.describe('Path appended to base_url (or a full URL).'),
    method: z.enum(['GET', 'POST']).default('GET'),
    headers: stringMap.optional().describe('Merged over connector headers; auth is applied last.'),
    query_params: z.record(z.string(), scalar).optional().describe('Sent on every request.'),
    body: z.unknown().optional().describe('JSON body for POST, the same on every page.'),
    body_format: z
      .enum(['json', 'form'])
      .optional()
      .describe('json (default) or form: the body (a flat mapping) sent as application/x-www-form-urlencoded.'),
    auth: authConfig.optional().describe("This endpoint's auth, instead of the connector's."),
    parent: parentConfig.optional(),
    load: z
      .boolean()
      .optional()
      .describe('false: extract only to feed child endpoints; no table is loaded (default true).'),
    response_actions: z
      .array(responseAction)
      .optional()
      .describe('Response policy rules for this endpoint, e.g. [{ status_code: 404, action: ignore }].'),
    table_name: nonEmpty.optional().describe('Destination table; default: last path segment.'),
    records_path: nonEmpty
      .optional()
      .describe(
        'JSONPath to the records, e.g. $.data; `$` keeps a single object whole. Absent: a top-level array is the ' +
          'records, else the one array of objects under data, results, items, records, …, else the whole body is one record.',
      ),
    pagination: paginationConfig.optional().describe('Absent → one request; `{ type: auto }` detects it.'),
    concurrency: z
      .number()
      .int()
      .min(1)
      .max(32)
      .optional()
      .describe(
        'Pages requested at once, default 1 (offset and page_number only; the rate limit still applies). Pages are still ' +
          'processed in order; up to concurrency−1 requests past the last page may be sent and discarded.',
      ),
    columns: columnsConfig.optional(),
    schema: z.array(declaredColumn).optional().describe('Declared column types; others are inferred.'),
    write_disposition: writeDisposition.optional().describe('Overrides destination.write_disposition.'),
    primary_key: z.array(nonEmpty).min(1).optional().describe('Key columns for merge.'),
    merge_strategy: z
      .enum(['upsert', 'scd2'])
      .optional()
      .describe('merge: upsert (default) updates rows in place; scd2 keeps every version with validity columns.'),
    validity_columns: z
      .tuple([nonEmpty, nonEmpty])
      .optional()
      .describe('SCD2: the [valid_from, valid_to] column names (default [valid_from, valid_to]); valid_to NULL is the current version.'),
    incremental: incrementalConfig.optional(),
    normalize: endpointNormalizeConfig.optional(),
  })
  .superRefine((e, ctx) => {
    const type = e.pagination?.type ?? 'single_page';
    if (e.concurrency !== undefined && e.concurrency > 1 && type !== 'offset' && type !== 'page_number') {
      ctx.addIssue({
        code: 'custom',
        path: ['concurrency'],
        message:
          `concurrency ${e.concurrency} needs offset or page_number pagination; with ${type} each request needs the ` +
          'previous response (a cursor or a link), so pages can only be fetched one after another',
      });
    }
  })
  .describe('One endpoint → one table.');

// ---------------------------------------------------------------- destinations

export const duckdbDestination = z
  .strictObject({
    type: z.literal('duckdb'),
    path: nonEmpty.default('.floe/warehouse.duckdb').describe('Database file (":memory:" for none).'),
    schema: nonEmpty.default('main').describe('Schema for the tables.'),
    write_disposition: writeDisposition.default('append'),
    memory_limit: z
      .string()
      .regex(/^(?:auto|\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB))$/i, 'auto, or a size such as 256MB or 2GB')
      .default('auto')
      .describe(
        "DuckDB's memory limit while loading; larger loads spill to disk. auto (default): 128MB for a table of up to " +
          '100 columns whose rows stage at up to 1 KiB, else 256MB. Raise it on big machines.',
      ),
    threads: z.number().int().positive().optional().describe('DuckDB worker threads (default: one per core).'),
    lock_timeout_seconds: z
      .number()
      .min(0)
      .max(86400)
      .optional()
      .describe('Seconds to wait for the database file when another process (a notebook) holds it; default 60.'),
  })
  .describe('Embedded DuckDB: the local default.');

export const snowflakeDestination = z
  .strictObject({
    type: z.literal('snowflake'),
    connection: nonEmpty
      .optional()
      .describe('A connection name from ~/.snowflake/connections.toml; fields below override it.'),
    account: nonEmpty.optional(),
    user: nonEmpty.optional(),
    authenticator: z
      .enum(['snowflake_jwt', 'snowflake', 'oauth', 'programmatic_access_token'])
      .optional()
      .describe('Default snowflake_jwt (key pair).'),
    password: secret(z.string(), 'Password (authenticator: snowflake).').optional(),
    token: secret(z.string(), 'OAuth token or programmatic access token.').optional(),
    private_key_path: nonEmpty.optional(),
    private_key_passphrase: secret(z.string(), 'Passphrase of an encrypted private key.').optional(),
    role: nonEmpty.optional(),
    warehouse: nonEmpty.optional(),
    database: nonEmpty.optional(),
    schema: nonEmpty.optional(),
    stage: nonEmpty.optional().describe('Named internal stage, created if missing.'),
    write_disposition: writeDisposition.default('append'),
    query_tag: nonEmpty.optional(),
    access_url: httpUrl.optional().describe('Override the account URL (emulator, private link).'),
    json_columns: z
      .enum(['varchar', 'variant'])
      .default('varchar')
      .describe('How JSON-text array columns are typed in Snowflake.'),
    lock_timeout_seconds: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('LOCK_TIMEOUT: how long a statement waits for a lock, e.g. one a crashed session still holds (default 600; Snowflake aborts such a transaction after ~5 minutes).'),
    statement_timeout_seconds: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('STATEMENT_TIMEOUT_IN_SECONDS for every statement floe sends (default 14400).'),
  })
  .describe('Snowflake: PUT + COPY INTO one table per endpoint.');

export const destinationConfig = z.discriminatedUnion('type', [duckdbDestination, snowflakeDestination]);

// ---------------------------------------------------------------- connector

export const rateLimitConfig = z
  .strictObject({
    requests_per_second: z.number().positive().optional(),
    requests_per_minute: z.number().positive().optional(),
    respect_retry_after: z.boolean().default(true).describe('Honour Retry-After on 429 (and 503).'),
    shared: z
      .boolean()
      .optional()
      .describe(
        'Processes calling this API (slices on several machines) keep the limit together: in the PostgreSQL database of FLOE_DATABASE_URL ' +
          '(a 429 Retry-After then pauses all of them), else each takes the limit divided by the plan\'s parallelism.',
      ),
  })
  .describe('The more restrictive of the two limits applies.');

export const retryConfig = z
  .strictObject({
    max_retries: z.number().int().min(0).max(20).default(6),
    initial_delay_seconds: z.number().positive().max(MAX_TIMER_SECONDS).default(1).describe('Doubles each retry: 1, 2, 4, 8, 16, 32.'),
    max_delay_seconds: z.number().positive().max(MAX_TIMER_SECONDS).default(300),
    retry_on: z
      .array(z.number().int().min(400).max(599))
      .min(1)
      .optional()
      .describe('Statuses to retry (default 429, 500, 502, 503, 504); timeouts and dropped connections are always retried.'),
  })
  .describe('Exponential backoff for 429, 500, 502, 503, 504 (or retry_on) and network timeouts.');

export const stageConfig = z
  .strictObject({
    file_max_mb: z.number().positive().default(128).describe('Rotate Parquet files at about this size.'),
    checkpoint_pages: z
      .number()
      .int()
      .positive()
      .default(200)
      .describe('Save extraction progress every N pages, so an interrupted run resumes near where it stopped.'),
    batch_rows: z.number().int().positive().default(4096).describe('Rows per Arrow record batch (Parquet row groups hold up to 16,384 rows).'),
  })
  .describe('Stage file settings.');

export const floeConfig = z
  .strictObject({
    $schema: z.string().optional(),
    name: nonEmpty.describe('Connector name.'),
    base_url: httpUrl.describe(
      'Root URL; endpoint paths are appended to it (its path is kept). `user:pass@` in it becomes basic auth.',
    ),
    auth: authConfig.optional(),
    headers: stringMap.optional().describe('Connector-wide headers.'),
    allowed_hosts: z
      .array(nonEmpty)
      .optional()
      .describe(
        'Hosts besides base_url’s that next-page links may lead to; they are followed WITHOUT credentials. ' +
          'A link to any other host fails the endpoint.',
      ),
    rate_limit: rateLimitConfig.optional(),
    retry: retryConfig.prefault({}),
    response_actions: z
      .array(responseAction)
      .optional()
      .describe('Response policy rules for every endpoint (after each endpoint’s own).'),
    timeout_seconds: z.number().positive().max(MAX_TIMER_SECONDS).default(60).describe('Per-request timeout.'),
    endpoints: z.array(endpointConfig).min(1),
    destination: destinationConfig.prefault({ type: 'duckdb' }),
    stage: stageConfig.prefault({}),
    normalize: normalizeConfig.prefault({}),
  })
  .superRefine((c, ctx) => {
    if (hasUserinfo(c.base_url) && c.auth !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['base_url'],
        message: `carries credentials (user:pass@) and auth is set too (${c.auth.type}); keep one of them`,
        input: redactUserinfo(c.base_url),
      });
    }
  })
  .transform(userinfoToBasicAuth)
  .describe('A floe connector: one REST API, many endpoints, one destination.');

function hasUserinfo(url: string): boolean {
  try {
    const u = new URL(url);
    return u.username !== '' || u.password !== '';
  } catch {
    return false;
  }
}

function redactUserinfo(url: string): string {
  const u = new URL(url);
  u.username = '***';
  u.password = '';
  return u.toString();
}

/** `https://user:pass@host/…` → base_url without them and `auth: { type: basic }` (decoded). */
function userinfoToBasicAuth<T extends { base_url: string; auth?: z.output<typeof authConfig> | undefined }>(c: T): T {
  if (!hasUserinfo(c.base_url) || c.auth !== undefined) return c;
  const u = new URL(c.base_url);
  const username = decodeURIComponent(u.username);
  const password = decodeURIComponent(u.password);
  u.username = '';
  u.password = '';
  // URL.toString adds a slash to a bare origin; keep the user's spelling otherwise.
  const base = c.base_url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/?#]*@/i, '$1');
  return { ...c, base_url: base, auth: { type: 'basic', username, password } };
}

export type FloeConfig = z.output<typeof floeConfig>;
export type EndpointConfig = z.output<typeof endpointConfig>;
export type AuthConfig = z.output<typeof authConfig>;
export type { PaginationConfig } from './pagination-schema.js';
export type DestinationConfig = z.output<typeof destinationConfig>;
export type DuckdbDestinationConfig = z.output<typeof duckdbDestination>;
export type SnowflakeDestinationConfig = z.output<typeof snowflakeDestination>;
export type RateLimitConfig = z.output<typeof rateLimitConfig>;
export type RetryConfig = z.output<typeof retryConfig>;
export type ColumnsConfig = z.output<typeof columnsConfig>;
export type NormalizeConfig = z.output<typeof normalizeConfig>;
export type DeclaredColumn = z.output<typeof declaredColumn>;
export type IncrementalConfig = z.output<typeof incrementalConfig>;
export type WriteDisposition = z.output<typeof writeDisposition>;
export type ColumnType = (typeof COLUMN_TYPES)[number];
export type ResponseActionConfig = z.output<typeof responseAction>;
export type ParentConfig = z.output<typeof parentConfig>;
