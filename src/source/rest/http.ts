import type { ResponsePolicy } from './response-policy.js';

/**
 * The HTTP seam of the REST source: plain request/response values, a `Transport` that sends one
 * request, and `Middleware` that wraps a transport. The client is a stack of middleware over a
 * transport (see `http-client.ts`), so each concern (logging, retry, auth, rate limit) is one
 * small function that can be tested alone.
 */

/** One HTTP request as the source builds it. Header names are lower-case. */
export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  /** Absolute URL, already carrying its query string. May hold secrets: never print it raw. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Serialized body (JSON for POST), sent as is. */
  readonly body?: string;
  /** True for a next-page link to an allowed foreign host: auth must not be applied. */
  readonly anonymous?: boolean;
  /** The endpoint's response policy (which statuses and bodies to retry); default: the defaults. */
  readonly policy?: ResponsePolicy;
  /**
   * The transport may hand a 2xx body bigger than this many bytes as a stream
   * (`HttpResponse.stream`) instead of reading it whole; absent: always whole.
   */
  readonly streamAbove?: number;
}

/** A body too big to hold, read as its consumer asks (see `HttpRequest.streamAbove`). */
export interface BodyStream {
  /** The decoded body, chunk by chunk; a failure while reading rejects with a FloeError. */
  readonly chunks: AsyncIterable<Buffer>;
  /** Bytes received on the wire so far (all of them once `chunks` ended). */
  readonly wireBytes: number;
}

/** One HTTP response with its whole body read (or streamed, see `stream`). Header names are lower-case. */
export interface HttpResponse {
  readonly status: number;
  /** Repeated headers (e.g. several `Link` lines) are joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** The body decoded as UTF-8. */
  readonly body: string;
  /** Size of the body on the wire (after any transfer decoding), in bytes. */
  readonly bytes: number;
  /** `body`'s UTF-8 bytes, when the transport keeps them (byte scans are cheaper than text scans). */
  readonly raw?: Uint8Array;
  /** Invalid UTF-8 sequences in the body (each became U+FFFD in `body`); absent when none. */
  readonly invalidUtf8?: number;
  /** Set when the body is streamed: `body` is then empty and `bytes` what arrived before. */
  readonly stream?: BodyStream;
}

/** Sends one request. Rejects on network failure or abort; any status resolves. */
export type Transport = (req: HttpRequest, signal?: AbortSignal) => Promise<HttpResponse>;

/** Wraps a transport with one concern. */
export type Middleware = (next: Transport) => Transport;

/**
 * Composes middleware outermost first: `compose([a, b], t)` sends through `a`, then `b`, then `t`.
 */
export function compose(middleware: readonly Middleware[], transport: Transport): Transport {
  return middleware.reduceRight<Transport>((next, m) => m(next), transport);
}

/** Returns `req` with `headers` merged over its headers (names lower-cased). */
export function withHeaders(req: HttpRequest, headers: Readonly<Record<string, string>>): HttpRequest {
  const merged: Record<string, string> = { ...req.headers };
  for (const [k, v] of Object.entries(headers)) merged[k.toLowerCase()] = v;
  return { ...req, headers: merged };
}

/** True for 2xx statuses. */
export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}
