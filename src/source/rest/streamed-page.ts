import { FloeError, isFloeError } from '../../util/errors.js';
import type { JsonNumberCounts } from './exact-json.js';
import type { BodyStream, HttpResponse } from './http.js';
import { RecordSplitter } from './record-splitter.js';
import type { ResponseOrigin } from './selector.js';

/** Bodies bigger than this on the wire are streamed when the records path allows it. */
export const STREAM_ABOVE_BYTES = 32 << 20;

/** What is left of a streamed page once its records were handed out. */
export interface StreamedRest {
  /** The response with `body` = the envelope (the records array emptied) and `bytes` the total. */
  readonly response: HttpResponse;
  /** The last records of the page, or undefined when the records path was not an array in it. */
  readonly records: unknown[] | undefined;
}

/**
 * Reads a streamed page (see `HttpRequest.streamAbove`): yields its records in groups of a few
 * MB as they arrive, each parsed as soon as it is complete, and returns the rest — the envelope
 * with cursors, totals and flags, which the page loop reads as any page. A group or an envelope
 * that does not parse is `RESPONSE_NOT_JSON` (terminal).
 */
export async function* streamedRecords(
  res: HttpResponse & { readonly stream: BodyStream },
  keys: readonly string[],
  origin: ResponseOrigin,
  counts: JsonNumberCounts,
  streamAbove: number,
): AsyncGenerator<unknown[], StreamedRest> {
  // Groups of 4 MB (~8,000 common records), smaller when the stream limit is lower.
  const groupBytes = Math.min(4 << 20, Math.max(16 << 10, streamAbove >> 3));
  const splitter = new RecordSplitter(keys, { counts, groupBytes });
  try {
    for await (const chunk of res.stream.chunks) yield* splitter.push(chunk);
    const end = splitter.end();
    const invalidUtf8 = (res.invalidUtf8 ?? 0) + splitter.invalidUtf8;
    return {
      response: {
        status: res.status,
        headers: res.headers,
        body: end.envelope,
        bytes: res.stream.wireBytes,
        ...(invalidUtf8 > 0 ? { invalidUtf8 } : {}),
      },
      records: splitter.found ? end.records : undefined,
    };
  } catch (e) {
    if (isFloeError(e)) throw e;
    throw new FloeError(
      'RESPONSE_NOT_JSON',
      'terminal',
      `Endpoint "${origin.endpoint}": the response from ${origin.url} (HTTP ${origin.status}, read as a stream) ` +
        `is not JSON: it does not parse (${(e as Error).message}).`,
      { details: { endpoint: origin.endpoint, url: origin.url, status: res.status }, cause: e },
    );
  }
}
