import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadConfigFile, parseConfig } from '../../src/config/load-config.js';
import { runConnector } from '../../src/run/runner.js';
import { FakeClock } from '../../src/util/clock.js';
import { FloeError } from '../../src/util/errors.js';
import { nextLinkPages, useMockApi } from '../support/mock-api.js';

/** The example from the Popsink REST API source docs (dlt's rest_api_source schema). */
const popsink = {
  client: {
    base_url: 'https://api.example.com/v1',
    auth: { type: 'bearer', token: '{{ env.API_TOKEN }}' },
    paginator: { type: 'json_link', next_url_path: 'paging.next' },
  },
  resources: [
    {
      name: 'customers',
      endpoint: {
        path: 'customers',
        data_selector: 'data',
        params: { per_page: 100 },
        incremental: { cursor_path: 'updated_at', initial_value: '1970-01-01T00:00:00Z' },
      },
    },
    { name: 'invoices', endpoint: { path: 'invoices', data_selector: 'data' } },
  ],
};

/** The full read example of the `rest_api` pipeline YAML format. */
const pipelineYaml = `
CONFIG:
  inputs:
    customer_data:
      format: rest_api
      url: "https://api.example.com/v1/customers"
      method: GET
      headers:
        Accept: application/json
      params:
        since: "{{ dt | default('2025-01-01') }}"
        status: active
      auth:
        type: bearer
        token: "{{ env.API_TOKEN }}"
      pagination:
        type: offset
        page_size: 100
        max_pages: 50
      response:
        root_key: data
      rate_limit:
        requests_per_second: 10
        retry_on: [429, 503]
        max_retries: 3
      schema:
        - { name: customer_id, type: string }
        - { name: created_at, type: timestamp }
  transform:
    type: noop
`;

function configError(raw: unknown): FloeError {
  try {
    parseConfig(raw, { API_TOKEN: 'tok-123456' });
  } catch (e) {
    if (e instanceof FloeError) return e;
    throw e;
  }
  throw new Error('expected a config error');
}

describe('config dialects', () => {
  it("translates dlt's rest_api_source config (the Popsink example) into floe's model", () => {
    const loaded = parseConfig(popsink, { API_TOKEN: 'tok-123456' }, 'popsink.json');
    expect(loaded.dialect).toBe('dlt');
    expect(loaded.config).toMatchObject({
      name: 'popsink',
      base_url: 'https://api.example.com/v1',
      auth: { type: 'bearer', token: 'tok-123456' },
      endpoints: [
        {
          name: 'customers',
          path: 'customers',
          table_name: 'customers',
          records_path: '$.data',
          query_params: { per_page: 100 },
          pagination: { type: 'next_link', next_link_path: '$.paging.next' },
          incremental: { cursor_path: '$.updated_at', initial_value: '1970-01-01T00:00:00Z', on_missing: 'fail' },
        },
        { name: 'invoices', records_path: '$.data', pagination: { type: 'next_link' } },
      ],
      destination: { type: 'duckdb' },
    });
    expect(loaded.redactor.text('Bearer tok-123456')).not.toContain('tok-123456');
  });

  it('translates the rest_api pipeline YAML inputs, templates included', () => {
    const loaded = parseConfig(parseYaml(pipelineYaml), { API_TOKEN: 'tok-123456' }, 'pipeline.yaml');
    expect(loaded.dialect).toBe('rest_api');
    expect(loaded.config).toMatchObject({
      name: 'pipeline',
      base_url: 'https://api.example.com',
      auth: { type: 'bearer', token: 'tok-123456' },
      rate_limit: { requests_per_second: 10 },
      retry: { max_retries: 3 },
      endpoints: [
        {
          name: 'customer_data',
          path: 'https://api.example.com/v1/customers',
          method: 'GET',
          headers: { Accept: 'application/json' },
          query_params: { since: "{{ dt | default('2025-01-01') }}", status: 'active' },
          records_path: '$.data',
          pagination: { type: 'offset', limit_param: 'limit', limit_value: 100, offset_param: 'offset', max_pages: 50 },
          schema: [
            { name: 'customer_id', type: 'string' },
            { name: 'created_at', type: 'timestamp' },
          ],
        },
      ],
    });
  });

  it('takes the whole body as the record (or list of records) when a rest_api input has no root_key, as the seed says', () => {
    const raw = parseYaml(pipelineYaml) as { CONFIG: { inputs: { customer_data: { response?: unknown } } } };
    delete raw.CONFIG.inputs.customer_data.response;
    const loaded = parseConfig(raw, { API_TOKEN: 'tok-123456' }, 'pipeline.yaml');
    expect(loaded.config.endpoints[0]?.records_path).toBe('$');
  });

  it.each([
    [
      'processing_steps (Python callables)',
      { client: { base_url: 'https://x.example.com' }, resources: [{ name: 'a', processing_steps: [{ map: 'f' }] }] },
      'resources[0].processing_steps: processing_steps are Python callables',
    ],
    [
      'a resolve param without its field',
      { client: { base_url: 'https://x.example.com' }, resources: [{ name: 'b' }, { name: 'a', endpoint: { path: 'a/{id}', params: { id: { type: 'resolve', resource: 'b' } } } }] },
      'resources[1].endpoint.params.id.field: required',
    ],
    ['an unknown auth type', { ...popsink, client: { ...popsink.client, auth: { type: 'oauth2_implicit' } } }, 'client.auth.type: unknown auth type "oauth2_implicit"'],
    ['a cookie api key', { ...popsink, client: { ...popsink.client, auth: { type: 'api_key', api_key: 'k', location: 'cookie' } } }, 'client.auth.location: cookie API keys are not supported'],
    ['an unknown resource key', { client: { base_url: 'https://x.example.com' }, resources: [{ name: 'a', endpint: 'a' }] }, 'resources[0].endpint: unknown key "endpint" in a resource'],
  ])('names the dlt path of %s it cannot translate', (_name, raw, message) => {
    const e = configError(raw);
    expect(e.kind).toBe('config');
    expect(e.message).toContain(message);
  });

  it("speaks dlt's keys in floe's validation messages about a dlt config", () => {
    const e = configError({
      client: { base_url: 'https://x.example.com' },
      resources: [{ name: 'a', endpoint: { path: 'a', paginator: { type: 'offset', limit: 0 }, incremental: { cursor_path: 'ts', initial_value: 'not a time', lag: 60 } } }],
    });
    expect(e.message).toContain('resources[0].endpoint.paginator.limit');
    expect(e.message).not.toContain('limit_value');
    expect(e.message).not.toContain('endpoints[0]');
  });

  it('runs a dlt config end to end: next links in the body, incremental cursor, into DuckDB', async () => {
    const api = await useMockApi();
    const rows = Array.from({ length: 23 }, (_, i) => ({ id: i + 1, updated_at: new Date(Date.UTC(2024, 0, 1 + i)).toISOString() }));
    api.get('/v1/customers', nextLinkPages(rows, { pageSize: 10 }));
    const dir = await mkdtemp(join(tmpdir(), 'floe-dlt-'));
    try {
      const file = join(dir, 'crm.json');
      await writeFile(
        file,
        JSON.stringify({
          ...popsink,
          client: { ...popsink.client, base_url: `${api.url}/v1` },
          resources: [popsink.resources[0]],
          destination: { type: 'duckdb', path: join(dir, 'w.duckdb') },
        }),
      );
      const loaded = await loadConfigFile(file, { API_TOKEN: 'tok-123456' });
      const run = await runConnector(loaded, { stateDir: join(dir, 'state') }, { clock: new FakeClock() });
      expect(run.endpoints[0]).toMatchObject({ name: 'customers', status: 'succeeded', rows: 23, pages: 3 });
      expect(api.requests.every((r) => r.headers.authorization === 'Bearer tok-123456')).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
