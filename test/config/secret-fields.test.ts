import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { floeConfig } from '../../src/config/schema.js';
import { secret, secretFieldPaths, secretValues } from '../../src/config/secret-fields.js';
import { isSecretPath } from '../../src/store/secret-fields.js';

describe('secret fields: one list, declared on the schema', () => {
  it('lists every secret() field as a path pattern, through unions, arrays and records', () => {
    const schema = z.object({
      auth: z.discriminatedUnion('type', [
        z.object({ type: z.literal('a'), token: secret(z.string(), 't') }),
        z.object({ type: z.literal('b'), password: secret(z.string(), 'p').optional() }),
      ]),
      items: z.array(z.object({ key: secret(z.string(), 'k'), name: z.string() })),
      by_name: z.record(z.string(), z.object({ pass: secret(z.string(), 'p') })),
    });
    expect([...secretFieldPaths(schema)].sort()).toEqual(['auth.password', 'auth.token', 'by_name.*.pass', 'items[].key']);
  });

  it('the server seals exactly the fields the config loader masks, plus secret-named headers and params', () => {
    const config = {
      name: 'c',
      base_url: 'https://api.example.com',
      auth: { type: 'oauth2_client_credentials', token_url: 'https://auth.example.com/t', client_id: 'id', client_secret: 'cs-123456' },
      headers: { Authorization: 'Token abc', Accept: 'application/json' },
      endpoints: [{ path: '/x', query_params: { api_key: 'k-123456', page: '1' } }],
      destination: { type: 'snowflake', account: 'a', password: 'pw-123456' },
    };
    const masked = secretValues(floeConfig, floeConfig.parse(config)).map((s) => s.path);
    for (const path of masked) expect(isSecretPath(path), path).toBe(true);
    expect(masked.sort()).toEqual(['auth.client_secret', 'destination.password']);
    expect(isSecretPath('headers.Authorization')).toBe(true);
    expect(isSecretPath('endpoints[0].query_params.api_key')).toBe(true);
    expect(isSecretPath('headers.Accept')).toBe(false);
    expect(isSecretPath('auth.client_id')).toBe(false);
  });
});
