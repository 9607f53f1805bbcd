import type { RestOutputConfig } from '../../config/output-schema.js';
import { createAuth } from '../../source/rest/auth/create-auth.js';
import { createHttpClient } from '../../source/rest/http-client.js';
import type { HttpResponse, Transport } from '../../source/rest/http.js';
import type { RateLimiter } from '../../source/rest/rate-limiter.js';
import { USER_AGENT } from '../../source/rest/user-agent.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { Redactor } from '../../util/redact.js';

export interface BatchSenderDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly redactor: Redactor;
  /** The bare transport (undici in production). */
  readonly transport: Transport;
  /** Shared by the outputs that call the same API. */
  readonly limiter: RateLimiter;
}

/**
 * Sends one batch to an output's API through the REST source's own HTTP client — rate limit,
 * retries with Retry-After, auth (bearer, api_key, basic, OAuth2) — so reading and writing an API
 * behave alike. The body is a JSON array of the rows (or `{"<wrap_key>": [...]}`), and the batch
 * id travels in the idempotency header, on the first attempt and every retry.
 */
export class BatchSender {
  private readonly client: Transport;
  /** Requests put on the wire, retries included. */
  attempts = 0;
  /** Batches handed to `send`. */
  sends = 0;
  /** Request bytes of the batches sent (first attempts). */
  bytes = 0;

  constructor(
    private readonly output: RestOutputConfig,
    deps: BatchSenderDeps,
  ) {
    const counting: Transport = (req, signal) => {
      this.attempts++;
      return deps.transport(req, signal);
    };
    const { clock, logger, redactor } = deps;
    this.client = createHttpClient(output, {
      clock,
      logger,
      redactor,
      transport: counting,
      limiter: deps.limiter,
      auth: createAuth(output.auth, { clock, logger, redactor, transport: deps.transport }),
    });
  }

  /** Requests that were retries (429/5xx/timeouts, or a re-send after a 401 with fresh credentials). */
  get retries(): number {
    return this.attempts - this.sends;
  }

  async send(rows: readonly string[], id: string, signal?: AbortSignal): Promise<HttpResponse> {
    const o = this.output;
    const array = `[${rows.join(',')}]`;
    const body = o.wrap_key !== undefined ? `{${JSON.stringify(o.wrap_key)}:${array}}` : array;
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': USER_AGENT, 'content-type': 'application/json' };
    for (const [k, v] of Object.entries(o.headers ?? {})) headers[k.toLowerCase()] = v;
    if (o.idempotency_header !== false) headers[o.idempotency_header.toLowerCase()] = id;
    this.sends++;
    this.bytes += Buffer.byteLength(body);
    return this.client({ method: o.method, url: o.url, headers, body }, signal);
  }
}
