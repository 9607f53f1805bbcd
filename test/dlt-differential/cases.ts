/**
 * The dlt configs of the differential suite: dlt's documented GitHub and PokeAPI examples (its
 * `rest_api_pipeline.py` template) with `base_url` pointed at the local API, then one config per
 * paginator, auth type, parent/child form and incremental form, and the shorthands around them.
 * Each is a plain dlt `rest_api_source` dict: the same JSON goes to dlt and to floe unchanged.
 */
import { SECRETS } from './api.js';

type Json = Record<string, unknown>;
export interface DiffCase {
  readonly name: string;
  /** What the config exercises (for the report). */
  readonly covers: string;
  readonly config: (base: string) => Json;
  /** Runs one after the other (same pipeline / state); 1 unless said. */
  readonly runs?: number;
}

const shop = (base: string, resources: unknown[], client: Json = {}, defaults?: Json): Json => ({
  client: { base_url: `${base}/shop/`, ...client },
  ...(defaults === undefined ? {} : { resource_defaults: defaults }),
  resources,
});
const secure = (base: string, kind: string, auth: Json, where: 'client' | 'endpoint' = 'client'): Json => ({
  client: { base_url: `${base}/secure/${kind}/`, ...(where === 'client' ? { auth } : { auth: { type: 'bearer', token: 'wrong' } }) },
  resources: [{ name: 'secured_items', endpoint: { path: 'items', data_selector: 'data', paginator: 'single_page', ...(where === 'endpoint' ? { auth } : {}) } }],
});

/** dlt's `github_source` from the template, unchanged but for base_url and a fixed initial_value. */
const githubTemplate = (base: string): Json => ({
  client: { base_url: `${base}/repos/dlt-hub/dlt/` },
  resource_defaults: { primary_key: 'id', write_disposition: 'merge', endpoint: { params: { per_page: 100 } } },
  resources: [
    {
      name: 'issues',
      endpoint: {
        path: 'issues',
        params: { sort: 'updated', direction: 'desc', state: 'open', since: '{incremental.start_value}' },
        incremental: { cursor_path: 'updated_at', initial_value: '2024-01-25T11:21:28Z' },
      },
    },
    { name: 'issue_comments', endpoint: { path: 'issues/{resources.issues.number}/comments' }, include_from_parent: ['id'] },
  ],
});

export const CASES: readonly DiffCase[] = [
  { name: 'github_template', covers: 'docs GitHub example: resource_defaults, header_link auto, {incremental.start_value}, {resources.issues.number}, include_from_parent, merge', config: githubTemplate },
  { name: 'github_template_twice', covers: 'the GitHub example run twice: incremental state (since = last updated_at), merge on id for parents and children', config: githubTemplate, runs: 2 },
  {
    name: 'github_legacy',
    covers: 'docs GitHub example, older form: resolve param, incremental param object',
    config: (base) => ({
      client: { base_url: `${base}/repos/dlt-hub/dlt/` },
      resource_defaults: { primary_key: 'id', write_disposition: 'merge', endpoint: { params: { per_page: 100 } } },
      resources: [
        { name: 'issues', endpoint: { path: 'issues', params: { sort: 'updated', direction: 'desc', state: 'open', since: { type: 'incremental', cursor_path: 'updated_at', initial_value: '2024-02-01T00:00:00Z' } } } },
        { name: 'issue_comments', endpoint: { path: 'issues/{issue_number}/comments', params: { issue_number: { type: 'resolve', resource: 'issues', field: 'number' } } }, include_from_parent: ['id', 'title'] },
      ],
    }),
  },
  {
    name: 'pokeapi_template',
    covers: 'docs PokeAPI example: string resources, no paginator (json_link detected), data selector detected',
    config: (base) => ({ client: { base_url: `${base}/api/v2/` }, resource_defaults: { endpoint: { params: { limit: 1000 } } }, resources: ['pokemon', 'berry', 'location'] }),
  },
  {
    name: 'pokeapi_details',
    covers: 'docs PokeAPI parent/child: selected: false parent, single-entity child path {resources.pokemon_list.name}',
    config: (base) => ({
      client: { base_url: `${base}/api/v2/`, paginator: 'json_link' },
      resource_defaults: { endpoint: { params: { limit: 5 } } },
      resources: [
        { name: 'pokemon_list', endpoint: { path: 'pokemon', data_selector: 'results' }, selected: false },
        { name: 'pokemon', endpoint: { path: 'pokemon/{resources.pokemon_list.name}' } },
      ],
    }),
  },
  { name: 'github_single_issue', covers: 'a path with a bound static param ({id} from params) → one entity', config: (base) => ({ client: { base_url: `${base}/repos/dlt-hub/dlt/` }, resources: [{ name: 'issue', endpoint: { path: 'issues/{id}', params: { id: 2210 } } }] }) },
  { name: 'json_link', covers: 'paginator "json_link" as a string (next_url_path next), data_selector', config: (base) => shop(base, [{ name: 'items', endpoint: { path: 'json_link', data_selector: 'data', paginator: 'json_link' } }]) },
  { name: 'json_link_nested', covers: 'json_link with a nested next_url_path and data_selector', config: (base) => shop(base, [{ name: 'items', endpoint: { path: 'json_link_nested', data_selector: 'result.items', paginator: { type: 'json_link', next_url_path: 'pagination.next' } } }]) },
  { name: 'header_link', covers: 'header_link paginator (Link rel=next), params', config: (base) => shop(base, [{ name: 'items', endpoint: { path: 'header_link', params: { per_page: 4 }, paginator: { type: 'header_link' } } }]) },
  { name: 'auto_header_link', covers: 'no paginator anywhere: auto detection finds the Link header; a list body', config: (base) => shop(base, [{ name: 'items', endpoint: { path: 'header_link', params: { per_page: 5 } } }]) },
  { name: 'append_twice', covers: 'write_disposition append (dlt default) over two runs', config: (base) => shop(base, [{ name: 'items', endpoint: { path: 'json_link', data_selector: 'data', paginator: 'json_link' } }]), runs: 2 },
  { name: 'replace_twice', covers: 'write_disposition replace over two runs', config: (base) => shop(base, [{ name: 'items', write_disposition: 'replace', endpoint: { path: 'cursor', data_selector: 'data', paginator: { type: 'cursor', cursor_param: 'cursor' } } }]), runs: 2 },
  { name: 'offset', covers: 'offset paginator with limit and total_path (default total)', config: (base) => shop(base, [{ name: 'items', endpoint: { path: 'offset', data_selector: 'items', paginator: { type: 'offset', limit: 7 } } }]) },
  { name: 'offset_no_total', covers: 'offset with renamed params, total_path null, stop on the empty page', config: (base) => shop(base, [{ name: 'items', endpoint: { path: 'offset_no_total', data_selector: 'items', paginator: { type: 'offset', limit: 5, offset_param: 'skip', limit_param: 'take', total_path: null } } }]) },
  { name: 'offset_body', covers: 'offset and limit in the JSON body (offset_body_path, limit_body_path), POST', config: (base) => shop(base, [{ name: 'items', endpoint: { path: 'offset_body', method: 'POST', json: { filter: 'all' }, data_selector: 'items', paginator: { type: 'offset', limit: 6, offset_body_path: 'paging.offset', limit_body_path: 'paging.limit' } } }]) },
  { name: 'offset_maximum', covers: 'offset with maximum_offset (total says 1000)', config: (base) => shop(base, [{ name: 'items', endpoint: { path: 'bounded', data_selector: 'rows', paginator: { type: 'offset', limit: 5, maximum_offset: 15 } } }]) },
  { name: 'page_number', covers: 'page_number with base_page 1, total_path = total pages', config: (base) => shop(base, [{ name: 'items', endpoint: { path: 'page_number', data_selector: 'data', paginator: { type: 'page_number', base_page: 1, total_path: 'total' } } }]) },
  { name: 'page_number_no_total', covers: 'page_number without page size or total (base_page 0, empty page stops)', config: (base) => shop(base, [{ name: 'items', endpoint: { path: 'page_number_no_total', data_selector: 'data', paginator: { type: 'page_number', total_path: null } } }]) },
  { name: 'page_number_maximum', covers: 'page_number with maximum_page', config: (base) => shop(base, [{ name: 'items', endpoint: { path: 'page_number', data_selector: 'data', paginator: { type: 'page_number', base_page: 1, page: 1, maximum_page: 3 } } }]) },
  { name: 'cursor', covers: 'cursor paginator with dlt default cursor_path cursors.next', config: (base) => shop(base, [{ name: 'items', endpoint: { path: 'cursor', data_selector: 'data', paginator: { type: 'cursor', cursor_param: 'cursor' } } }]) },
  { name: 'cursor_body', covers: 'cursor in the JSON body (cursor_body_path) of a POST search', config: (base) => shop(base, [{ name: 'in_stock', endpoint: { path: 'search', method: 'POST', json: { query: { inStock: true } }, data_selector: 'hits', paginator: { type: 'cursor', cursor_path: 'next_token', cursor_body_path: 'next_token' } } }]) },
  { name: 'header_cursor', covers: 'header_cursor paginator (cursor_key, cursor_param)', config: (base) => shop(base, [{ name: 'items', endpoint: { path: 'header_cursor', paginator: { type: 'header_cursor', cursor_key: 'x-next-cursor', cursor_param: 'after' } } }]) },
  { name: 'cursor_has_more', covers: 'cursor with has_more_path (Stripe style)', config: (base) => shop(base, [{ name: 'items', endpoint: { path: 'has_more', data_selector: 'data', paginator: { type: 'cursor', cursor_path: 'last_id', cursor_param: 'starting_after', has_more_path: 'has_more' } } }]) },
  { name: 'single_page', covers: 'single_page, data_selector, client paginator default', config: (base) => shop(base, [{ name: 'items', endpoint: { path: 'single', data_selector: 'items' } }], { paginator: 'single_page' }) },
  { name: 'auth_bearer', covers: 'bearer auth', config: (base) => secure(base, 'bearer', { type: 'bearer', token: SECRETS.token }) },
  { name: 'auth_no_type', covers: 'auth without type → bearer', config: (base) => secure(base, 'bearer', { token: SECRETS.token }) },
  { name: 'auth_api_key_header', covers: 'api_key in a header', config: (base) => secure(base, 'api_key_header', { type: 'api_key', name: 'X-API-Key', api_key: SECRETS.apiKey, location: 'header' }) },
  { name: 'auth_api_key_query', covers: 'api_key in the query', config: (base) => secure(base, 'api_key_query', { type: 'api_key', name: 'api_key', api_key: SECRETS.apiKey, location: 'query' }) },
  { name: 'auth_http_basic', covers: 'http_basic', config: (base) => secure(base, 'basic', { type: 'http_basic', username: SECRETS.user, password: SECRETS.password }) },
  {
    name: 'auth_oauth2',
    covers: 'oauth2_client_credentials (token endpoint on the same server)',
    config: (base) => secure(base, 'oauth', { type: 'oauth2_client_credentials', access_token_url: `${base}/oauth/token`, client_id: SECRETS.clientId, client_secret: SECRETS.clientSecret }),
  },
  { name: 'auth_endpoint_override', covers: 'endpoint auth overriding the client auth', config: (base) => secure(base, 'api_key_header', { type: 'api_key', name: 'X-API-Key', api_key: SECRETS.apiKey }, 'endpoint') },
  {
    name: 'child_response_actions',
    covers: 'parent/child with {resources.categories.id}, include_from_parent, response_actions 404 → ignore for a deleted parent',
    config: (base) =>
      shop(base, [
        { name: 'categories', endpoint: { path: 'categories', paginator: 'single_page' } },
        {
          name: 'category_products',
          endpoint: { path: 'categories/{resources.categories.id}/products', data_selector: 'products', paginator: 'single_page', response_actions: [{ status_code: 404, action: 'ignore' }] },
          include_from_parent: ['slug', 'label'],
        },
      ]),
  },
  {
    name: 'child_in_params',
    covers: 'parent field in a query param ({resources.categories.id} in params), parallelized',
    config: (base) =>
      shop(
        base,
        [
          { name: 'categories', endpoint: { path: 'categories' } },
          { name: 'products', endpoint: { path: 'products', params: { category_id: '{resources.categories.id}' }, data_selector: 'products' }, parallelized: true, include_from_parent: ['id'] },
        ],
        { paginator: 'single_page' },
      ),
  },
  {
    name: 'child_entity',
    covers: 'single-entity child ({resources.categories.id} ends the path), primary_key',
    config: (base) =>
      shop(base, [
        { name: 'categories', endpoint: { path: 'categories', paginator: 'single_page' }, selected: false },
        { name: 'category', primary_key: 'id', endpoint: { path: 'categories/{resources.categories.id}' } },
      ]),
  },
  {
    name: 'child_incremental_twice',
    covers: 'an incremental child (one cursor across all parents, filtered client-side) over two runs, append: the boundary rows are not loaded again',
    config: (base) =>
      shop(base, [
        { name: 'categories', endpoint: { path: 'categories', paginator: 'single_page' } },
        {
          name: 'recent_products',
          endpoint: {
            path: 'categories/{resources.categories.id}/products',
            data_selector: 'products',
            paginator: 'single_page',
            response_actions: [{ status_code: 404, action: 'ignore' }],
            incremental: { cursor_path: 'updatedAt', initial_value: '2024-04-05T00:00:00Z' },
          },
        },
      ]),
    runs: 2,
  },
  {
    name: 'incremental_start_end',
    covers: 'incremental with start_param/end_param, initial_value and end_value, page_number',
    config: (base) =>
      shop(base, [
        {
          name: 'events',
          primary_key: 'id',
          endpoint: {
            path: 'events',
            data_selector: 'events',
            paginator: { type: 'page_number', base_page: 1, total_path: 'total' },
            incremental: { cursor_path: 'updatedAt', initial_value: '2024-04-03T00:00:00Z', end_value: '2024-04-09T00:00:00Z', start_param: 'since', end_param: 'until' },
          },
        },
      ]),
  },
  {
    name: 'incremental_placeholder',
    covers: '{incremental.last_value} in params, lag over two runs, on_cursor_value_missing include (a record without the cursor), write_disposition object (upsert)',
    config: (base) =>
      shop(base, [
        {
          name: 'changes',
          primary_key: 'id',
          write_disposition: { disposition: 'merge', strategy: 'upsert' },
          endpoint: {
            path: 'changes',
            data_selector: 'data',
            paginator: 'single_page',
            params: { updated_since: '{incremental.last_value}' },
            incremental: { cursor_path: 'updatedAt', initial_value: '2024-04-06T00:00:00Z', lag: 3600, on_cursor_value_missing: 'include' },
          },
        },
      ]),
    runs: 2,
  },
  {
    name: 'scd2_twice',
    covers: 'write_disposition merge with strategy scd2 over two runs: a changed row gets a new version, a vanished one is closed',
    config: (base) =>
      shop(base, [{ name: 'customers', primary_key: 'id', write_disposition: { disposition: 'merge', strategy: 'scd2' }, endpoint: { path: 'customers', data_selector: 'customers', paginator: 'single_page' } }]),
    runs: 2,
  },
  {
    name: 'naming_and_hints',
    covers: 'camelCase → snake_case columns, table_name, columns data_type hints, max_table_nesting',
    config: (base) =>
      shop(base, [{ name: 'ShopItems', table_name: 'catalogItems', max_table_nesting: 0, columns: { price: { data_type: 'double' }, createdAt: { data_type: 'timestamp' } }, endpoint: { path: 'json_link', data_selector: 'data', paginator: 'json_link' } }]),
  },
];
