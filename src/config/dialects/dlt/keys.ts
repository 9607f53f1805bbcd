/**
 * Every key dlt's `rest_api_source` schema allows (dlt 1.31: `dlt/sources/rest_api/typing.py`,
 * the hints it inherits from `dlt/extract/hints.py`, and `IncrementalArgs`), per object: `true`
 * when floe translates it, otherwise the reason it is refused. Nothing is dropped: a key that is
 * in neither set is an unknown-key error. `test/config/dlt-keys.test.ts` walks this table, and the
 * differential suite checks it against the installed dlt's own TypedDicts.
 */
type KeyTable = Readonly<Record<string, true | string>>;

const PYTHON_ONLY = 'is a Python object (a requests Session); a JSON/YAML config cannot carry it';

export const DLT_TOP_KEYS: KeyTable = { client: true, resources: true, resource_defaults: true };

/** floe's own top-level keys a dlt config may add beside `client`/`resources`. */
export const FLOE_TOP_KEYS: KeyTable = {
  name: true,
  destination: true,
  stage: true,
  rate_limit: true,
  retry: true,
  timeout_seconds: true,
  allowed_hosts: true,
  normalize: true,
  $schema: true,
};

export const DLT_CLIENT_KEYS: KeyTable = {
  base_url: true,
  headers: true,
  auth: true,
  paginator: true,
  session: `client.session ${PYTHON_ONLY}`,
};

export const DLT_ENDPOINT_KEYS: KeyTable = {
  path: true,
  method: true,
  params: true,
  json: true,
  data: true,
  paginator: true,
  data_selector: true,
  response_actions: true,
  incremental: true,
  auth: true,
  headers: true,
};

const PROCESSING =
  'processing_steps are Python callables (filter, map, yield_map) run on each record; floe configs run no code. ' +
  'Select columns with columns/schema, or post-process in SQL';

export const DLT_RESOURCE_KEYS: KeyTable = {
  name: true,
  endpoint: true,
  include_from_parent: true,
  table_name: true,
  write_disposition: true,
  primary_key: true,
  columns: true,
  max_table_nesting: true,
  selected: true,
  parallelized: true,
  processing_steps: PROCESSING,
  merge_key: 'merge_key (delete-insert by a key other than the primary key) is not supported; floe merges on primary_key',
  schema_contract: 'schema_contract is not supported: floe adds new columns and widens types (see the README, Schema changes)',
  table_format: 'table_format (delta, iceberg) is not supported: floe loads DuckDB and Snowflake tables',
  file_format: 'file_format is not supported: floe always stages Parquet',
  references: 'references (table reference hints) are not supported',
  parent_table_name: 'parent_table_name (nested table hints) is not supported: floe keeps arrays as JSON text',
  nested_hints: 'nested_hints are not supported: floe keeps arrays as JSON text, it makes no nested tables',
};

export const DLT_INCREMENTAL_KEYS: KeyTable = {
  cursor_path: true,
  initial_value: true,
  end_value: true,
  start_param: true,
  end_param: true,
  lag: true,
  on_cursor_value_missing: true,
  last_value_func: true,
  row_order: true,
  range_start: true,
  range_end: true,
  primary_key:
    'incremental.primary_key (the deduplication key at the range start) is not supported: floe deduplicates the boundary by a hash of each record',
  allow_external_schedulers: 'allow_external_schedulers is not supported: use floe backfill for windows',
  convert: 'incremental.convert is a Python callable; floe configs run no code',
  transform: 'incremental.transform is a Python callable; floe configs run no code',
};

export const DLT_PAGINATOR_KEYS: Readonly<Record<string, KeyTable>> = {
  json_link: { type: true, next_url_path: true },
  json_response: { type: true, next_url_path: true },
  header_link: { type: true, links_next_key: true },
  header_cursor: { type: true, cursor_key: true, cursor_param: true },
  cursor: { type: true, cursor_path: true, cursor_param: true, cursor_body_path: true, stop_after_empty_page: true, has_more_path: true },
  offset: {
    type: true,
    limit: true,
    offset: true,
    offset_param: true,
    offset_body_path: true,
    limit_param: true,
    limit_body_path: true,
    total_path: true,
    maximum_offset: true,
    stop_after_empty_page: true,
    has_more_path: true,
  },
  page_number: {
    type: true,
    base_page: true,
    page: true,
    page_param: true,
    page_body_path: true,
    total_path: true,
    maximum_page: true,
    stop_after_empty_page: true,
    has_more_path: true,
  },
  single_page: { type: true },
  auto: { type: true },
};

export const DLT_AUTH_KEYS: Readonly<Record<string, KeyTable>> = {
  bearer: { type: true, token: true },
  api_key: { type: true, name: true, api_key: true, location: true },
  http_basic: { type: true, username: true, password: true },
  oauth2_client_credentials: {
    type: true,
    access_token_url: true,
    client_id: true,
    client_secret: true,
    access_token_request_data: true,
    default_token_expiration: true,
    access_token: 'a pre-obtained access_token is not supported: floe requests tokens from access_token_url',
    session: `session ${PYTHON_ONLY}`,
  },
};

export const DLT_RESPONSE_ACTION_KEYS: KeyTable = { status_code: true, content: true, action: true };

export const DLT_RESOLVE_PARAM_KEYS: KeyTable = { type: true, resource: true, field: true };
