import { Agent, request } from 'undici';
import type { Redactor } from '../../util/redact.js';
import { decodeUtf8 } from './decode-utf8.js';
import { isSuccess, type HttpResponse, type Transport } from './http.js';
import { readOrStream } from './streamed-body.js';
import { isFloeError } from '../../util/errors.js';
import { decodeBody } from './decode-body.js';
import { abortedError, networkError, timeoutError } from './network-errors.js';

/** A transport over one undici connection pool, closed with `close()`. */
export interface PooledTransport {
  readonly transport: Transport;
  close(): Promise<void>;
}

/**
 * The default transport: `undici.request` (much faster than `fetch`) over one `Agent` per
 * RestSource. Each request has a total timeout of `timeoutMs` (connect + headers + body), after
 * which it fails with `HTTP_TIMEOUT` (transient). The timer is a real one on purpose: the injected
 * clock schedules waits, but a fake clock must not make real sockets time out.
 * Redirects are not followed (a custom auth header must never reach another host). A compressed
 * body (`Content-Encoding`, asked for or not) is decoded here; `bytes` is its size on the wire.
 * A request with `streamAbove` may get a big 2xx body as a stream (see readOrStream); the total
 * timeout then ends when the stream is handed over, and `bodyTimeout` bounds each wait after.
 */
export function createUndiciTransport(opts: { timeoutMs: number; redactor: Redactor }): PooledTransport {
  const { timeoutMs, redactor } = opts;
  const agent = new Agent({ headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const transport: Transport = async (req, signal) => {
    const label = { method: req.method, url: redactor.url(req.url) };
    if (signal?.aborted) throw abortedError(signal.reason);
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(timeoutError(label, timeoutMs)), timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal;
    try {
      const res = await request(req.url, {
        method: req.method,
        headers: req.headers,
        ...(req.body !== undefined ? { body: req.body } : {}),
        dispatcher: agent,
        signal: combined,
      });
      const headers = flattenHeaders(res.headers);
      let wire: Buffer;
      if (
        req.streamAbove !== undefined &&
        isSuccess(res.statusCode) &&
        !/html/i.test(headers['content-type'] ?? '')
      ) {
        const read = await readOrStream(res.body, req.streamAbove, headers['content-encoding'], (e) =>
          signal?.aborted
            ? abortedError(signal.reason)
            : isFloeError(e)
              ? e
              : networkError(e, label, redactor, timeoutMs),
        );
        if ('stream' in read)
          return { status: res.statusCode, headers, body: '', bytes: read.bytesSoFar, stream: read.stream };
        wire = read.whole;
      } else {
        const bytes = await res.body.bytes();
        wire = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      }
      const decoded = await decodeBody(wire, headers['content-encoding'], label);
      const { text, invalidUtf8 } = decodeUtf8(decoded);
      return {
        status: res.statusCode,
        headers,
        body: text,
        raw: decoded,
        bytes: wire.byteLength,
        ...(invalidUtf8 > 0 ? { invalidUtf8 } : {}),
      } satisfies HttpResponse;
    } catch (e) {
      if (signal?.aborted) throw abortedError(signal.reason);
      if (isFloeError(e) && e.code === 'RESPONSE_ENCODING') throw e;
      if (timeout.signal.aborted) throw timeoutError(label, timeoutMs, e);
      throw networkError(e, label, redactor, timeoutMs);
    } finally {
      clearTimeout(timer);
    }
  };
  return { transport, close: () => agent.close() };
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}
