/**
 * Integration cases per auth type, run by `rest-source.auth.test.ts` against the mock API. Keyed by
 * type so `exhaustiveness.test.ts` fails when a schema type has no case.
 */
import { expect } from 'vitest';
import type { AuthConfig } from '../../../src/config/schema.js';
import { oauthTokens, type MockApi } from '../../support/mock-api.js';

export interface AuthCase {
  readonly name: string;
  /** The `auth` block; `api` is the mock (for a token_url). */
  readonly auth: (api: MockApi) => Record<string, unknown>;
  /** Secret values that must never show in logs, messages or Page.url. */
  readonly secrets: readonly string[];
  /** Extra routes (e.g. a token endpoint). */
  readonly serve?: (api: MockApi) => void;
  /** Asserts what the API (and token endpoint) received. */
  readonly check: (api: MockApi) => void;
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const apiRequests = (api: MockApi) => api.requestsTo('/items');

export const AUTH_CASES: { readonly [K in AuthConfig['type']]: readonly AuthCase[] } = {
  api_key: [
    {
      name: 'header',
      auth: () => ({ type: 'api_key', key_name: 'X-API-Key', key_value: 'k-123456789', location: 'header' }),
      secrets: ['k-123456789'],
      check: (api) => {
        for (const r of apiRequests(api)) {
          expect(r.headers['x-api-key']).toBe('k-123456789');
          expect(r.query).not.toHaveProperty('X-API-Key');
        }
      },
    },
    {
      name: 'query parameter (on every page, exactly once)',
      auth: () => ({
        type: 'api_key',
        key_name: 'api_key',
        key_value: 'q-987654321',
        location: 'query_parameter',
      }),
      secrets: ['q-987654321'],
      check: (api) => {
        for (const r of apiRequests(api)) {
          expect(r.searchParams.getAll('api_key')).toEqual(['q-987654321']);
          expect(r.headers['x-api-key']).toBeUndefined();
        }
      },
    },
  ],
  bearer: [
    {
      name: 'Authorization: Bearer',
      auth: () => ({ type: 'bearer', token: 'tok-abcdefgh' }),
      secrets: ['tok-abcdefgh'],
      check: (api) => {
        for (const r of apiRequests(api)) expect(r.headers.authorization).toBe('Bearer tok-abcdefgh');
      },
    },
  ],
  basic: [
    {
      name: 'Authorization: Basic base64(user:password)',
      auth: () => ({ type: 'basic', username: 'alice', password: 'p@ss:word' }),
      secrets: ['p@ss:word'],
      check: (api) => {
        for (const r of apiRequests(api))
          expect(r.headers.authorization).toBe(`Basic ${b64('alice:p@ss:word')}`);
      },
    },
    {
      name: 'empty password (Stripe style)',
      auth: () => ({ type: 'basic', username: 'sk_test_123456', password: '' }),
      secrets: ['sk_test_123456'],
      check: (api) => {
        for (const r of apiRequests(api))
          expect(r.headers.authorization).toBe(`Basic ${b64('sk_test_123456:')}`);
      },
    },
  ],
  oauth2_client_credentials: [
    {
      name: 'client id/secret in the form body, scopes as a space-separated string',
      auth: (api) => ({
        type: 'oauth2_client_credentials',
        token_url: api.at('/oauth/token'),
        client_id: 'client-1',
        client_secret: 'shh-secret-1',
        scopes: ['read:items', 'read:users'],
      }),
      secrets: ['shh-secret-1', 'token-1'],
      serve: (api) => api.post('/oauth/token', oauthTokens({ expiresIn: 3600 })),
      check: (api) => {
        const tokens = api.requestsTo('/oauth/token');
        expect(tokens).toHaveLength(1);
        const t = tokens[0];
        expect(t?.headers['content-type']).toBe('application/x-www-form-urlencoded');
        expect(t?.headers.authorization).toBeUndefined();
        expect(Object.fromEntries(new URLSearchParams(t?.body))).toEqual({
          grant_type: 'client_credentials',
          scope: 'read:items read:users',
          client_id: 'client-1',
          client_secret: 'shh-secret-1',
        });
        for (const r of apiRequests(api)) expect(r.headers.authorization).toBe('Bearer token-1');
      },
    },
    {
      name: 'client id/secret as HTTP Basic',
      auth: (api) => ({
        type: 'oauth2_client_credentials',
        token_url: api.at('/oauth/token'),
        client_id: 'client 2',
        client_secret: 'shh+secret/2',
        scopes: 'a b',
        client_auth: 'basic',
      }),
      secrets: ['shh+secret/2', 'token-1'],
      serve: (api) => api.post('/oauth/token', oauthTokens({ expiresIn: 3600 })),
      check: (api) => {
        const t = api.requestsTo('/oauth/token')[0];
        // RFC 6749 §2.3.1: form-encode id and secret, then base64.
        expect(t?.headers.authorization).toBe(`Basic ${b64('client+2:shh%2Bsecret%2F2')}`);
        expect(Object.fromEntries(new URLSearchParams(t?.body))).toEqual({
          grant_type: 'client_credentials',
          scope: 'a b',
        });
        for (const r of apiRequests(api)) expect(r.headers.authorization).toBe('Bearer token-1');
      },
    },
  ],
};
