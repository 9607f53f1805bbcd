import { endpointName } from '../../config/load-config.js';
import type { EndpointConfig, FloeConfig } from '../../config/schema.js';
import type { Page } from '../../types.js';
import type { Clock } from '../../util/clock.js';
import { FloeError, isFloeError, toFloeError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import type { Redactor } from '../../util/redact.js';
import type { Auth } from './auth/auth.js';
import { createAuth } from './auth/create-auth.js';
import { createHttpClient } from './http-client.js';
import { isSuccess, type HttpRequest, type HttpResponse, type Transport } from './http.js';
import { createPaginator } from './paginators/create-paginator.js';
import type { Paginator } from './paginators/paginator.js';
import { RateLimiter, rateLimitIntervalMs } from './rate-limiter.js';
import { renderRequestConfig, type TemplateVars } from './render-templates.js';
import { pageRequest, requestTemplate } from './request-builder.js';
import { authQueryParam, resumeStart } from './resume.js';
import { parseJsonBody, statusError } from './response.js';
import { compileSelector } from './selector.js';
import { createUndiciTransport, type PooledTransport } from './undici-transport.js';

export interface RestSourceDeps {
  clock: Clock;
  logger: Logger;
  redactor: Redactor;
  /** Puts requests on the wire; default: `undici.request` over one pool, closed by `close()`. */
  transport?: Transport;
  /** ± fraction of each retry wait (≤ 0.2 is sensible); default 0: the exact 1, 2, 4 … s schedule. */
  retryJitter?: number;
  /** Randomness for the jitter; default `Math.random`. */
  random?: () => number;
}

/** Options of one extraction. */
export interface PagesOptions {
  signal?: AbortSignal;
  /**
   * Values of the runtime template variables (`incremental.start_value`, `incremental.end_value`,
   * `dt`), rendered once into the endpoint's path, query params, headers and body; see
   * `renderRequestConfig`. A resumed extraction must get the same values as the one that stored
   * the token.
   */
  vars?: TemplateVars;
  /**
   * A `Page.next` value from an earlier extraction of the same endpoint (read back from a
   * checkpoint, JSON round trip allowed): the first request is the one it describes, with the
   * endpoint's static params, headers, body and auth as always. See `resumeStart` for masked
   * secrets and `RESUME_SUPPORT` for what each pagination type does.
   */
  resumeFrom?: unknown;
}

/**
 * The REST API source: streams each endpoint's pages (records already picked by `records_path`).
 * Create ONE per run: endpoints share its rate limiter, OAuth token and connection pool, and may
 * be extracted concurrently. Call `close()` when the run ends.
 */
export class RestSource {
  private readonly client: Transport;
  private readonly pool: PooledTransport | undefined;
  private readonly auth: Auth | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly config: FloeConfig,
    private readonly deps: RestSourceDeps,
  ) {
    const { clock, logger, redactor } = deps;
    this.pool = deps.transport
      ? undefined
      : createUndiciTransport({ timeoutMs: config.timeout_seconds * 1000, redactor });
    const transport = deps.transport ?? (this.pool as PooledTransport).transport;
    this.auth = createAuth(config.auth, { clock, logger, redactor, transport });
    this.client = createHttpClient(config, {
      clock,
      logger,
      redactor,
      transport,
      limiter: new RateLimiter(rateLimitIntervalMs(config.rate_limit), clock),
      auth: this.auth,
      retryJitter: deps.retryJitter,
      random: deps.random,
    });
  }

  /**
   * Streams the endpoint's pages. The request for page n+1 is sent as soon as page n is parsed,
   * before page n is yielded, so the network overlaps the consumer's work; stopping early
   * (`break`, `return()`) or aborting `signal` cancels that request and waits for it to settle.
   *
   * Throws a FloeError naming the endpoint and the sanitized URL: `HTTP_STATUS` (4xx, other
   * non-retried statuses), `HTTP_RETRIES_EXHAUSTED`, `HTTP_RATE_LIMITED`, `HTTP_TIMEOUT`,
   * `HTTP_NETWORK`, `AUTH_FAILED`, `RESPONSE_NOT_JSON`, `RECORDS_PATH_NO_MATCH`,
   * `PAGINATION_LOOP`, `PAGINATION_INVALID` (all kind `terminal` for the endpoint), `ABORTED`
   * when `signal` aborts, `CONFIG_INVALID` for an unknown type. A page whose next pointer loops is
   * not yielded: the error surfaces as soon as the loop is known.
   *
   * `Page.url` is sanitized; `Page.next` is the paginator's token (e.g. `{ offset: 200 }`,
   * `{ cursor: "…" }`, `{ url: "…" }`) with registered secrets masked: plain JSON, to checkpoint
   * and pass back as `resumeFrom`.
   *
   * Templates: a variable with neither a value in `vars` nor a default is `CONFIG_INVALID` naming
   * the field, thrown before any request. Resume: a token of the wrong shape, or one whose masked
   * secret floe cannot restore, is `STATE_INVALID`, thrown before any request. A resumed
   * extraction is a new extraction: `Page.index` starts at 0 again, `max_pages` counts from the
   * token, and loop detection only knows the requests made since the token.
   */
  async *pages(endpoint: EndpointConfig, opts: PagesOptions = {}): AsyncGenerator<Page> {
    const name = endpointName(endpoint);
    const { redactor } = this.deps;
    const logger = this.deps.logger.child({ endpoint: name });
    const paginator: Paginator = createPaginator(endpoint.pagination);
    const select = compileSelector(endpoint.records_path);
    const rendered = renderRequestConfig(this.config, endpoint, opts.vars ?? {});
    const template = requestTemplate(rendered.config, rendered.endpoint);
    const maxPages = endpoint.pagination?.type === 'single_page' ? undefined : endpoint.pagination?.max_pages;
    const stop = new AbortController();
    const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;

    let token: unknown;
    let req: HttpRequest;
    if (opts.resumeFrom === undefined) {
      token = paginator.first();
      req = pageRequest(template, paginator.target(token));
    } else {
      const start = resumeStart(paginator, opts.resumeFrom, {
        endpoint: name,
        template,
        authQueryParam: authQueryParam(this.config.auth),
        redactor,
      });
      token = start.token;
      req = pageRequest(template, start.target);
      logger.info('resuming from a stored page token', {
        pagination: paginator.type,
        url: redactor.url(req.url),
      });
    }
    const seen = new Map<string, number>([[req.url, 0]]);
    // An API that ignores the paging parameter answers every request with the same page: the URLs
    // differ, so the URL check cannot see it; an identical non-empty body after the first can.
    let previousBody: string | undefined;
    let inflight = this.send(req, signal);
    // The request not yet awaited, to cancel and settle if the consumer stops early.
    let pending: Promise<HttpResponse> | undefined = inflight;
    try {
      for (let index = 0; ; index++) {
        const res = await this.settle(inflight, name);
        pending = undefined;
        const url = redactor.url(req.url);
        const origin = { endpoint: name, url, status: res.status };
        if (!isSuccess(res.status)) throw statusError(req.method, res, origin, redactor);
        const counts = { exactNumbers: 0, nonFiniteNumbers: 0 };
        const body = parseJsonBody(res, origin, redactor, counts);
        const records = select(body, origin);
        if (records.length > 0 && res.body === previousBody) {
          throw new FloeError(
            'PAGINATION_LOOP',
            'terminal',
            `Endpoint "${name}": pagination loop (${paginator.type}): page ${index} (${url}) has exactly the same content as page ${index - 1}; ` +
              'the API seems to ignore the paging parameters. Stopping instead of loading the same records forever. Check the pagination settings.',
            { details: { endpoint: name, url, path: 'pagination', page: index } },
          );
        }
        previousBody = res.body;
        let next = paginator.next({
          token,
          endpoint: name,
          requestUrl: req.url,
          sanitizedUrl: url,
          status: res.status,
          headers: res.headers,
          body,
          recordCount: records.length,
        });
        if (next !== undefined && maxPages !== undefined && index + 1 >= maxPages) {
          logger.info('max_pages reached; stopping', { max_pages: maxPages, pages: index + 1 });
          next = undefined;
        }
        let nextReq: HttpRequest | undefined;
        if (next !== undefined) {
          nextReq = pageRequest(template, paginator.target(next));
          const earlier = seen.get(nextReq.url);
          if (earlier !== undefined) throw this.loopError(name, paginator, next, nextReq, earlier, index);
          seen.set(nextReq.url, index + 1);
          // Prefetch; the rejection is handled when awaited, but must not count as unhandled meanwhile.
          inflight = pending = this.send(nextReq, signal);
          inflight.catch(() => undefined);
        }
        logger.debug('page', { index, url, status: res.status, records: records.length, bytes: res.bytes });
        yield {
          index,
          url,
          status: res.status,
          records,
          bytes: res.bytes,
          ...(res.invalidUtf8 ? { invalidUtf8: res.invalidUtf8 } : {}),
          ...(counts.nonFiniteNumbers > 0 ? { nonFiniteNumbers: counts.nonFiniteNumbers } : {}),
          ...(next !== undefined ? { next: redactor.value(next), resume: next } : {}),
        };
        if (next === undefined || nextReq === undefined) return;
        token = next;
        req = nextReq;
      }
    } finally {
      stop.abort();
      if (pending !== undefined) await pending.catch(() => undefined);
    }
  }

  /**
   * Closes the connection pool (when the source owns it). Call once all extractions ended; calling
   * it again is harmless.
   */
  close(): Promise<void> {
    this.closing ??= this.pool?.close() ?? Promise.resolve();
    return this.closing;
  }

  private send(req: HttpRequest, signal: AbortSignal): Promise<HttpResponse> {
    return this.client(req, signal);
  }

  private async settle(pending: Promise<HttpResponse>, endpoint: string): Promise<HttpResponse> {
    try {
      return await pending;
    } catch (e) {
      throw inEndpoint(e, endpoint);
    }
  }

  private loopError(
    endpoint: string,
    paginator: Paginator,
    next: unknown,
    nextReq: HttpRequest,
    earlier: number,
    index: number,
  ): FloeError {
    const { redactor } = this.deps;
    const url = redactor.url(nextReq.url);
    return new FloeError(
      'PAGINATION_LOOP',
      'terminal',
      `Endpoint "${endpoint}": pagination loop (${paginator.type}): after page ${index}, ${redactor.text(paginator.describe(next))} ` +
        `leads to ${url}, already requested for page ${earlier} of this extraction. The API repeats itself; ` +
        'stopping instead of loading the same records forever. Check the pagination settings, or set max_pages.',
      { details: { endpoint, url, path: 'pagination', page: index } },
    );
  }
}

/** Prefixes an error from the HTTP layer with the endpoint it happened in. */
function inEndpoint(e: unknown, endpoint: string): FloeError {
  if (!isFloeError(e)) return toFloeError(e);
  if (e.details.endpoint !== undefined || e.code === 'ABORTED') return e;
  return new FloeError(e.code, e.kind, `Endpoint "${endpoint}": ${e.message}`, {
    details: { ...e.details, endpoint },
    cause: e.cause ?? e,
  });
}
