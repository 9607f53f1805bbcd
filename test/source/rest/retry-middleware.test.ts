import { describe, expect, it } from 'vitest';
import { retryConfig } from '../../../src/config/schema.js';
import type { HttpRequest, HttpResponse, Transport } from '../../../src/source/rest/http.js';
import { retryMiddleware, type RetryOptions } from '../../../src/source/rest/retry-middleware.js';
import { FakeClock } from '../../../src/util/clock.js';
import { FloeError } from '../../../src/util/errors.js';
import { silentLogger } from '../../../src/util/logger.js';
import { Redactor } from '../../../src/util/redact.js';

type Step = number | HttpResponse | FloeError;
const resp = (
  status: number,
  headers: Record<string, string> = {},
  body = `{"status":${status}}`,
): HttpResponse => ({
  status,
  headers,
  body,
  bytes: body.length,
});

/** A transport that plays `steps` in order and counts calls. */
function scripted(steps: Step[]): { transport: Transport; calls: () => number } {
  let calls = 0;
  const transport: Transport = () => {
    const step = steps[calls++];
    if (step === undefined) return Promise.reject(new Error('script exhausted'));
    if (step instanceof FloeError) return Promise.reject(step);
    return Promise.resolve(typeof step === 'number' ? resp(step) : step);
  };
  return { transport, calls: () => calls };
}

const req: HttpRequest = { method: 'GET', url: 'http://h/x?api_key=topsecret', headers: {} };

function setup(
  steps: Step[],
  over: Partial<Omit<RetryOptions, 'retry'>> & { retry?: Record<string, unknown> } = {},
) {
  const clock = new FakeClock();
  const redactor = new Redactor();
  redactor.add('topsecret');
  const { transport, calls } = scripted(steps);
  const client = retryMiddleware({
    respectRetryAfter: true,
    clock,
    logger: silentLogger,
    redactor,
    ...over,
    retry: retryConfig.parse(over.retry ?? {}),
  })(transport);
  return {
    clock,
    transport: {
      get calls() {
        return calls();
      },
    },
    send: () => client(req),
  };
}

describe('retryMiddleware', () => {
  it.each([429, 500, 502, 503, 504])(
    'retries %i on the 1-2-4 s schedule until it succeeds',
    async (status) => {
      const { clock, transport, send } = setup([status, status, status, 200]);
      expect((await send()).status).toBe(200);
      expect(transport.calls).toBe(4);
      expect(clock.sleeps).toEqual([1000, 2000, 4000]);
    },
  );

  it.each([400, 401, 403, 404, 409, 422, 501])('returns %i at once, without retrying', async (status) => {
    const { clock, transport, send } = setup([status]);
    expect((await send()).status).toBe(status);
    expect(transport.calls).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('gives up after max_retries (default 6) with HTTP_RETRIES_EXHAUSTED: status, sanitized URL, attempts, body', async () => {
    const { clock, transport, send } = setup(Array<Step>(7).fill(resp(503, {}, 'upstream down')));
    const err = await send().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(transport.calls).toBe(7);
    expect(clock.sleeps).toEqual([1000, 2000, 4000, 8000, 16000, 32000]);
    expect(err).toMatchObject({
      code: 'HTTP_RETRIES_EXHAUSTED',
      kind: 'terminal',
      details: { status: 503, attempts: 7 },
    });
    const msg = (err as Error).message;
    expect(msg).toContain('HTTP 503');
    expect(msg).toContain('7 attempts');
    expect(msg).toContain('upstream down');
    expect(msg).toContain('api_key=***');
    expect(msg).not.toContain('topsecret');
  });

  it('honours max_retries, initial_delay_seconds and max_delay_seconds', async () => {
    const { clock, transport, send } = setup([500, 500, 500, 500], {
      retry: { max_retries: 3, initial_delay_seconds: 2, max_delay_seconds: 5 },
    });
    await expect(send()).rejects.toMatchObject({ code: 'HTTP_RETRIES_EXHAUSTED' });
    expect(transport.calls).toBe(4);
    expect(clock.sleeps).toEqual([2000, 4000, 5000]);
  });

  it('max_retries 0 means one attempt', async () => {
    const { transport, send } = setup([503, 200], { retry: { max_retries: 0 } });
    await expect(send()).rejects.toMatchObject({ details: { attempts: 1 } });
    expect(transport.calls).toBe(1);
  });

  it.each([
    { name: 'seconds on 429', step: resp(429, { 'retry-after': '7' }), sleeps: [7000] },
    { name: 'seconds on 503', step: resp(503, { 'retry-after': '3' }), sleeps: [3000] },
    {
      name: 'HTTP-date on 429, against the injected clock',
      step: resp(429, { 'retry-after': 'Thu, 01 Jan 2026 00:00:12 GMT' }),
      sleeps: [12000],
    },
    { name: 'ignored on 500', step: resp(500, { 'retry-after': '9' }), sleeps: [1000] },
    { name: 'unparsable → backoff', step: resp(429, { 'retry-after': 'later' }), sleeps: [1000] },
  ])('Retry-After: $name', async ({ step, sleeps }) => {
    const { clock, send } = setup([step, 200]);
    await send();
    expect(clock.sleeps).toEqual(sleeps);
  });

  it('ignores Retry-After when respect_retry_after is false', async () => {
    const { clock, send } = setup([resp(429, { 'retry-after': '30' }), 200], { respectRetryAfter: false });
    await send();
    expect(clock.sleeps).toEqual([1000]);
  });

  it('a Retry-After beyond max_delay_seconds fails at once with HTTP_RATE_LIMITED', async () => {
    const { transport, clock, send } = setup([resp(429, { 'retry-after': '3600' })]);
    await expect(send()).rejects.toMatchObject({
      code: 'HTTP_RATE_LIMITED',
      kind: 'terminal',
      message: expect.stringContaining('max_delay_seconds') as string,
    });
    expect(transport.calls).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('retries transient errors (timeouts, resets) and keeps the last code when they run out', async () => {
    const timeout = new FloeError('HTTP_TIMEOUT', 'transient', 'GET http://h/x timed out');
    const { clock, send } = setup([timeout, timeout, 200]);
    expect((await send()).status).toBe(200);
    expect(clock.sleeps).toEqual([1000, 2000]);

    const reset = new FloeError('HTTP_NETWORK', 'transient', 'GET http://h/x failed: ECONNRESET');
    const out = setup(Array<Step>(3).fill(reset), { retry: { max_retries: 2 } });
    await expect(out.send()).rejects.toMatchObject({
      code: 'HTTP_NETWORK',
      kind: 'terminal',
      details: { attempts: 3 },
      message: expect.stringContaining('gave up after 3 attempts') as string,
    });
  });

  it('does not retry terminal errors', async () => {
    const { transport, send } = setup([new FloeError('HTTP_NETWORK', 'terminal', 'ENOTFOUND')]);
    await expect(send()).rejects.toMatchObject({ code: 'HTTP_NETWORK' });
    expect(transport.calls).toBe(1);
  });

  it('applies jitter only when asked', async () => {
    const { clock, send } = setup([500, 500, 200], { jitter: 0.2, random: () => 0 });
    await send();
    expect(clock.sleeps).toEqual([800, 1600]);
  });
});
