import { describe, expect, it } from 'vitest';
import { networkError } from '../../../src/source/rest/network-errors.js';
import { Redactor } from '../../../src/util/redact.js';

const label = { method: 'GET', url: 'http://h/items?api_key=***' };
const err = (code: string, message = `boom ${code}`): Error => Object.assign(new Error(message), { code });

describe('networkError', () => {
  it.each([
    { code: 'ECONNRESET', want: { code: 'HTTP_NETWORK', kind: 'transient' } },
    { code: 'ECONNREFUSED', want: { code: 'HTTP_NETWORK', kind: 'transient' } },
    { code: 'UND_ERR_SOCKET', want: { code: 'HTTP_NETWORK', kind: 'transient' } },
    { code: 'UND_ERR_HEADERS_TIMEOUT', want: { code: 'HTTP_TIMEOUT', kind: 'transient' } },
    { code: 'UND_ERR_BODY_TIMEOUT', want: { code: 'HTTP_TIMEOUT', kind: 'transient' } },
    { code: 'ENOTFOUND', want: { code: 'HTTP_NETWORK', kind: 'terminal' } },
    { code: 'ERR_SOMETHING_ELSE', want: { code: 'HTTP_NETWORK', kind: 'terminal' } },
  ])('$code → $want.code ($want.kind)', ({ code, want }) => {
    expect(networkError(err(code), label, new Redactor(), 60_000)).toMatchObject(want);
  });

  it('finds the code on a cause or inside an AggregateError', () => {
    const wrapped = Object.assign(new Error('fetch failed'), { cause: err('ECONNRESET') });
    expect(networkError(wrapped, label, new Redactor()).kind).toBe('transient');
    const aggregate = new AggregateError([err('ECONNREFUSED')], '');
    expect(networkError(aggregate, label, new Redactor())).toMatchObject({
      kind: 'transient',
      message: expect.stringContaining('ECONNREFUSED') as string,
    });
  });

  it('redacts URLs and known secrets quoted in the library message', () => {
    const r = new Redactor();
    r.add('hunter2-secret');
    const e = networkError(
      err('ECONNRESET', 'socket hang up for http://h/x?signature=abcdef&page=2 with hunter2-secret'),
      label,
      r,
    );
    expect(e.message).toContain('signature=***');
    expect(e.message).not.toContain('abcdef');
    expect(e.message).not.toContain('hunter2-secret');
  });
});
