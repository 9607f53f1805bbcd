import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, inflateRaw, type ZlibOptions } from 'node:zlib';
import { FloeError } from '../../util/errors.js';

/** What floe asks for: every encoding Node decodes without a dependency. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

/** Larger decoded bodies are refused (a V8 string cannot hold much more anyway). */
const MAX_DECODED = 512 * 1024 * 1024;

const OPTIONS: ZlibOptions = { maxOutputLength: MAX_DECODED };
const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);
const inflateRawAsync = promisify(inflateRaw);
const brotliAsync = promisify(brotliDecompress);

type Decoder = (input: Buffer) => Promise<Buffer>;

/** Content-Encoding token → decoder. */
const DECODERS: Readonly<Record<string, Decoder>> = {
  gzip: (b) => gunzipAsync(b, OPTIONS),
  'x-gzip': (b) => gunzipAsync(b, OPTIONS),
  // "deflate" is zlib-wrapped by the RFC, but some servers send raw deflate.
  deflate: (b) => inflateAsync(b, OPTIONS).catch(() => inflateRawAsync(b, OPTIONS)),
  br: (b) => brotliAsync(b, OPTIONS),
  identity: (b) => Promise.resolve(b),
};

/**
 * Decodes a body by its `Content-Encoding` (`gzip`, `x-gzip`, `deflate`, `br`, `identity`, or a
 * list of them, applied last-first), whether or not floe asked for it; on the thread pool, so the
 * previous page's parsing overlaps it. An unknown encoding or a body that does not decode is
 * `RESPONSE_ENCODING` (terminal), naming the encoding.
 */
export async function decodeBody(
  body: Buffer,
  contentEncoding: string | undefined,
  where: { url: string },
): Promise<Buffer> {
  if (contentEncoding === undefined || contentEncoding === '' || body.byteLength === 0) return body;
  const codings = contentEncoding
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '');
  let out = body;
  for (const coding of codings.reverse()) {
    const decoder = DECODERS[coding];
    if (decoder === undefined) {
      throw new FloeError(
        'RESPONSE_ENCODING',
        'terminal',
        `the response from ${where.url} has Content-Encoding "${contentEncoding}", which floe cannot decode ` +
          `(it asks for ${ACCEPT_ENCODING}); check headers.Accept-Encoding in the config.`,
        { details: { url: where.url } },
      );
    }
    try {
      out = await decoder(out);
    } catch (e) {
      throw new FloeError(
        'RESPONSE_ENCODING',
        'terminal',
        `the response from ${where.url} says Content-Encoding "${contentEncoding}" but its body does not decode as ${coding}: ` +
          `${(e as Error).message}.`,
        { details: { url: where.url }, cause: e },
      );
    }
  }
  return out;
}
