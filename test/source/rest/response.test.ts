import { describe, expect, it } from 'vitest';
import type { HttpResponse } from '../../../src/source/rest/http.js';
import { parseJsonBody, statusError } from '../../../src/source/rest/response.js';
import { Redactor } from '../../../src/util/redact.js';

const origin = { endpoint: 'users', url: 'http://h/users', status: 200 };
const res = (
  body: string,
  headers: Record<string, string> = { 'content-type': 'application/json' },
  status = 200,
): HttpResponse => ({
  status,
  headers,
  body,
  bytes: Buffer.byteLength(body),
});

describe('parseJsonBody', () => {
  it.each([
    { name: 'JSON array', r: res('[1,2]'), want: [1, 2] },
    {
      name: 'JSON with a lenient content-type',
      r: res('{"a":1}', { 'content-type': 'text/plain' }),
      want: { a: 1 },
    },
    { name: '204 with no body', r: res('', {}, 204), want: null },
  ])('$name', ({ r, want }) => {
    expect(parseJsonBody(r, origin, new Redactor())).toEqual(want);
  });

  it.each([
    {
      name: 'HTML with 200',
      r: res('<!doctype html><html>proxy error</html>', { 'content-type': 'text/html' }),
      reason: 'HTML',
    },
    { name: 'HTML without content-type', r: res('<html><body>login</body></html>', {}), reason: 'HTML' },
    { name: 'truncated JSON', r: res('{"data": [1,'), reason: 'does not parse' },
    { name: 'empty 200', r: res(''), reason: 'empty' },
  ])('$name → RESPONSE_NOT_JSON', ({ r, reason }) => {
    expect(() => parseJsonBody(r, origin, new Redactor())).toThrowError(
      expect.objectContaining({
        code: 'RESPONSE_NOT_JSON',
        kind: 'terminal',
        message: expect.stringMatching(new RegExp(`users.*http://h/users.*HTTP 200.*${reason}`)) as string,
      }),
    );
  });

  it('the body excerpt is short and redacted', () => {
    const r = new Redactor();
    r.add('sekret-token-value');
    const body = `<html>token=sekret-token-value ${'x'.repeat(1000)}</html>`;
    try {
      parseJsonBody(res(body, { 'content-type': 'text/html' }), origin, r);
      expect.unreachable();
    } catch (e) {
      const msg = (e as Error).message;
      expect(msg).not.toContain('sekret-token-value');
      expect(msg).toContain('token=***');
      expect((e as { details: { body_excerpt: string } }).details.body_excerpt.length).toBeLessThanOrEqual(
        301,
      );
    }
  });
});

describe('statusError', () => {
  it.each([
    { status: 400, hint: 'query_params' },
    { status: 401, hint: 'credentials' },
    { status: 403, hint: 'permission' },
    { status: 404, hint: 'base_url' },
    { status: 418, hint: 'not retried' },
    { status: 501, hint: 'only 429, 500, 502, 503 and 504' },
  ])('$status: HTTP_STATUS, terminal, with a hint', ({ status, hint }) => {
    const e = statusError('GET', res('{"error":"nope"}', {}, status), { ...origin, status }, new Redactor());
    expect(e).toMatchObject({
      code: 'HTTP_STATUS',
      kind: 'terminal',
      details: { status, endpoint: 'users', url: origin.url },
    });
    expect(e.message).toContain(`HTTP ${status}`);
    expect(e.message).toContain(hint);
    expect(e.message).toContain('{"error":"nope"}');
  });

  it('a redirect names its sanitized location', () => {
    const e = statusError(
      'GET',
      res('', { location: 'https://new/x?api_key=abc' }, 301),
      origin,
      new Redactor(),
    );
    expect(e.message).toContain('https://new/x?api_key=***');
    expect(e.message).not.toContain('abc');
  });
});
