/**
 * Push configs: the native `outputs` and the rest_api pipeline YAML's `outputs` (the seed's write
 * example, fed by `CONFIG.inputs` or a table), with errors that name the path in the file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { floePushJsonSchema } from '../../scripts/generate-schema.js';
import { loadPushConfigFile, parsePushConfig } from '../../src/config/load-push-config.js';
import { FloeError } from '../../src/util/errors.js';

/** The seed's write example, with the customer-sync input feeding it. */
const pipeline = `
CONFIG:
  inputs:
    crm_customers:
      format: rest_api
      url: "https://crm.example.com/api/v2/customers"
      auth: { type: bearer, token: "{{ env.CRM_TOKEN }}" }
  transform:
    type: noop
  outputs:
    predictions_api:
      format: rest_api
      url: "https://api.example.com/v1/predictions"
      method: POST
      headers:
        Content-Type: application/json
      auth:
        type: bearer
        token: "{{ env.API_TOKEN }}"
      batch_size: 100
      rate_limit:
        requests_per_second: 5
        retry_on: [429, 503]
        max_retries: 3
    customers_delta:
      format: delta
      path: s3://datalake/crm/customers/
      mode: overwrite
`;

const ENV = { API_TOKEN: 'tok-123456', CRM_TOKEN: 'crm-987654' };

function configError(raw: unknown, env: Record<string, string> = ENV): FloeError {
  try {
    parsePushConfig(raw, env, 'push.yaml');
  } catch (e) {
    if (e instanceof FloeError) return e;
    throw e;
  }
  throw new Error('expected a config error');
}

const root = join(import.meta.dirname, '..', '..');

describe('push config', () => {
  it('config/floe-push.schema.json is generated from the zod schemas and up to date', () => {
    const committed = JSON.parse(readFileSync(join(root, 'config', 'floe-push.schema.json'), 'utf8')) as unknown;
    expect(committed).toEqual(floePushJsonSchema());
  });

  it('config/demo-push.yaml is a valid push config', async () => {
    const loaded = await loadPushConfigFile(join(root, 'config', 'demo-push.yaml'), { DEMO_KEY: 'k-123456', DEMO_PORT: '4011' });
    expect(loaded.config.outputs[0]).toMatchObject({ name: 'contacts', key: ['id'], batch_size: 100, wrap_key: 'contacts', url: 'http://127.0.0.1:4011/v2/contacts/batch' });
  });

  it("translates the rest_api YAML's write example: the input's table, auth, batch size, rate limit and retry_on", () => {
    const loaded = parsePushConfig(parseYaml(pipeline), ENV, 'pipeline.yaml');
    expect(loaded.dialect).toBe('rest_api');
    expect(loaded.config).toMatchObject({
      name: 'pipeline',
      destination: { type: 'duckdb' },
      outputs: [
        {
          name: 'predictions_api',
          table: 'crm_customers',
          url: 'https://api.example.com/v1/predictions',
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          auth: { type: 'bearer', token: 'tok-123456' },
          batch_size: 100,
          rate_limit: { requests_per_second: 5 },
          retry: { max_retries: 3, retry_on: [429, 503] },
          idempotency_header: 'Idempotency-Key',
          reject_statuses: [400, 409, 413, 422],
        },
      ],
    });
    expect(loaded.config.outputs).toHaveLength(1); // the delta output is not floe's
    expect(loaded.redactor.text('Bearer tok-123456')).toBe('Bearer ***');
  });

  it.each([
    ['api_key as a header', { type: 'api_key', header: 'X-Api-Key', key: 'k-1234567' }, { type: 'api_key', key_name: 'X-Api-Key', key_value: 'k-1234567', location: 'header' }],
    ['api_key as a param', { type: 'api_key', param: 'api_key', key: 'k-1234567' }, { type: 'api_key', key_name: 'api_key', key_value: 'k-1234567', location: 'query_parameter' }],
    ['basic', { type: 'basic', username: 'u', password: 'p-1234567' }, { type: 'basic', username: 'u', password: 'p-1234567' }],
  ])('translates %s auth, its secret masked', (_name, auth, expected) => {
    const raw = { CONFIG: { outputs: { out: { format: 'rest_api', url: 'https://x.example.com/in', table: 't', auth } } } };
    const loaded = parsePushConfig(raw, {});
    expect(loaded.config.outputs[0]!.auth).toEqual(expected);
    const secret = 'key' in auth ? auth.key : auth.password;
    expect(loaded.redactor.text(`sent ${secret}`)).toBe('sent ***');
  });

  it('takes floe additions on a YAML output (table, key, cursor, wrap_key) and a destination under CONFIG', () => {
    const raw = {
      CONFIG: {
        destination: { type: 'duckdb', path: 'w.duckdb' },
        outputs: { out: { format: 'rest_api', url: 'https://x.example.com/in', query: 'select 1 as id', key: 'id', cursor: 'updated_at', wrap_key: 'records' } },
      },
    };
    expect(parsePushConfig(raw, {}).config).toMatchObject({
      destination: { type: 'duckdb', path: 'w.duckdb' },
      outputs: [{ query: 'select 1 as id', key: ['id'], cursor: 'updated_at', wrap_key: 'records' }],
    });
  });

  it.each([
    [
      'several inputs and no input named',
      { CONFIG: { inputs: { a: { format: 'rest_api', url: 'https://x.example.com/a' }, b: { format: 'rest_api', url: 'https://x.example.com/b' } }, outputs: { o: { format: 'rest_api', url: 'https://x.example.com/in' } } } },
      'CONFIG.outputs.o: several inputs feed the outputs (a, b); set input',
    ],
    [
      'an unknown input',
      { CONFIG: { inputs: { a: { format: 'rest_api', url: 'https://x.example.com/a' } }, outputs: { o: { format: 'rest_api', url: 'https://x.example.com/in', input: 'zz' } } } },
      'CONFIG.outputs.o.input: no rest_api input "zz"; known: a',
    ],
    ['no rest_api output', { CONFIG: { outputs: { o: { format: 'delta', path: 's3://x' } } } }, 'CONFIG.outputs: no output has format: rest_api'],
    ['an unknown key', { CONFIG: { outputs: { o: { format: 'rest_api', url: 'https://x.example.com/in', table: 't', batchsize: 5 } } } }, 'CONFIG.outputs.o.batchsize: unknown key'],
    [
      'a transform between input and output',
      { CONFIG: { inputs: { a: { format: 'rest_api', url: 'https://x.example.com/a' } }, transform: { type: 'sql' }, outputs: { o: { format: 'rest_api', url: 'https://x.example.com/in' } } } },
      'CONFIG.transform: floe pushes tables as loaded; write transform "sql" as CONFIG.outputs.o.query',
    ],
    ['an unsupported auth', { CONFIG: { outputs: { o: { format: 'rest_api', url: 'https://x.example.com/in', table: 't', auth: { type: 'digest' } } } } }, 'CONFIG.outputs.o.auth.type: auth type "digest" is not supported'],
    ['no source of rows', { name: 'x', outputs: [{ name: 'o', url: 'https://x.example.com/in' }] }, 'outputs[0].table: set one of table, query or file'],
    ['two sources of rows', { name: 'x', outputs: [{ name: 'o', url: 'https://x.example.com/in', table: 't', query: 'select 1' }] }, 'set only one of table, query or file (got table and query)'],
    ['a bad method', { name: 'x', outputs: [{ name: 'o', url: 'https://x.example.com/in', table: 't', method: 'GET' }] }, 'outputs[0].method'],
    ['a misspelt key', { name: 'x', outputs: [{ name: 'o', url: 'https://x.example.com/in', table: 't', batch_sise: 5 }] }, 'outputs[0]: unknown key "batch_sise"'],
    ['duplicate names', { name: 'x', outputs: [{ name: 'o', url: 'https://x.example.com/a', table: 't' }, { name: 'o', url: 'https://x.example.com/b', table: 'u' }] }, 'outputs[1].name: duplicate output name "o"'],
    ['an unset env variable', { name: 'x', outputs: [{ name: 'o', url: 'https://x.example.com/in', table: 't', auth: { type: 'bearer', token: '{{ env.NOPE }}' } }] }, 'environment variable NOPE is not set'],
    ['a floe run config', { name: 'x', base_url: 'https://x.example.com', endpoints: [{ path: '/a' }] }, 'this is a floe run config (endpoints); floe push needs a config with outputs'],
    ['a dlt config', { client: { base_url: 'https://x.example.com' }, resources: ['a'] }, 'a dlt rest_api_source config describes inputs only'],
  ])('rejects %s with the path in the message', (_name, raw, message) => {
    const e = configError(raw);
    expect(e.code).toMatch(/^CONFIG_/);
    expect(e.kind).toBe('config');
    expect(e.message).toContain(message);
  });

  it('masks env values in output URLs, headers and auth, and quotes the file (not the secret) in errors', () => {
    const loaded = parsePushConfig(
      { name: 'x', outputs: [{ name: 'o', table: 't', url: 'https://x.example.com/in/{{ env.HOOK }}', headers: { 'X-Token': '{{ env.HDR }}' } }] },
      { HOOK: 'hook-abcdef', HDR: 'hdr-abcdef' },
    );
    expect(loaded.redactor.url(loaded.config.outputs[0]!.url)).toBe('https://x.example.com/in/***');
    expect(loaded.redactor.text('hdr-abcdef')).toBe('***');
    const e = configError({ name: 'x', outputs: [{ name: 'o', table: 't', url: '{{ env.BAD }}' }] }, { BAD: 'not-a-url-secret' });
    expect(e.message).toContain('outputs[0].url');
    expect(e.message).not.toContain('not-a-url-secret');
  });
});
