import { pipeline, Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { BodyStream } from './http.js';

/** Content-Encoding (one coding) → a streaming decoder; other codings are read whole. */
const STREAM_DECODERS: Readonly<Record<string, () => Transform>> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/** How the transport turns a failure while the stream is read into its own error. */
export type StreamFailure = (e: unknown) => unknown;

/**
 * Reads a 2xx body whole, unless it turns out bigger than `above` bytes on the wire: then the
 * bytes read so far and the rest of the body become a {@link BodyStream} (decoded, when the
 * coding is gzip, deflate or br), read as the page loop asks, so a 500 MB page never sits in
 * memory. A body with another coding (or a list of codings) is always read whole.
 */
export async function readOrStream(
  body: AsyncIterable<Buffer> & { destroy?(): void },
  above: number,
  contentEncoding: string | undefined,
  failure: StreamFailure,
): Promise<{ whole: Buffer } | { stream: BodyStream; bytesSoFar: number }> {
  const coding = (contentEncoding ?? '').trim().toLowerCase();
  const decoder = coding === '' || coding === 'identity' ? undefined : STREAM_DECODERS[coding];
  const streamable = decoder !== undefined || coding === '' || coding === 'identity';
  const chunks: Buffer[] = [];
  let size = 0;
  const it = body[Symbol.asyncIterator]();
  for (;;) {
    const step = await it.next();
    if (step.done === true) return { whole: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) };
    chunks.push(step.value);
    size += step.value.byteLength;
    if (streamable && size > above) break;
  }
  const counter = { wire: size };
  async function* raw(): AsyncGenerator<Buffer> {
    yield* chunks.splice(0);
    for (let step = await it.next(); step.done !== true; step = await it.next()) {
      counter.wire += step.value.byteLength;
      yield step.value;
    }
  }
  async function* decoded(): AsyncGenerator<Buffer> {
    let source: AsyncIterable<Buffer> = raw();
    if (decoder !== undefined)
      source = pipeline(Readable.from(source, { objectMode: false }), decoder(), () => undefined);
    try {
      for await (const chunk of source) yield chunk;
    } catch (e) {
      throw failure(e);
    } finally {
      await it.return?.();
    }
  }
  return {
    bytesSoFar: size,
    stream: {
      chunks: decoded(),
      get wireBytes() {
        return counter.wire;
      },
    },
  };
}
