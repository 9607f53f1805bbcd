import { describe, expect, it } from 'vitest';
import { AUTH_TYPES, type AuthConfig } from '../../../../src/config/schema.js';
import { createAuth } from '../../../../src/source/rest/auth/create-auth.js';
import type { Transport } from '../../../../src/source/rest/http.js';
import { FakeClock } from '../../../../src/util/clock.js';
import { silentLogger } from '../../../../src/util/logger.js';
import { Redactor } from '../../../../src/util/redact.js';

const unused: Transport = () => Promise.reject(new Error('no network in this test'));
const deps = () => ({
  clock: new FakeClock(),
  logger: silentLogger,
  redactor: new Redactor(),
  transport: unused,
});

describe('createAuth', () => {
  it('no auth → no credentials', () => {
    expect(createAuth(undefined, deps())).toBeUndefined();
  });

  it('an unknown type lists the known ones', () => {
    expect(() => createAuth({ type: 'digest' } as unknown as AuthConfig, deps())).toThrowError(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: expect.stringContaining(AUTH_TYPES.join(', ')) as string,
      }),
    );
  });

  it('registers the secrets it holds with the redactor', () => {
    const d = deps();
    createAuth({ type: 'bearer', token: 'bearer-secret-xyz' }, d);
    createAuth({ type: 'basic', username: 'u', password: 'basic-secret-xyz' }, d);
    expect(d.redactor.text('bearer-secret-xyz basic-secret-xyz')).toBe('*** ***');
    expect(d.redactor.text(Buffer.from('u:basic-secret-xyz').toString('base64'))).toBe('***');
  });
});
