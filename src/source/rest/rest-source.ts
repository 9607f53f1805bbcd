import { endpointName } from '../../config/load-config.js';
import type { EndpointConfig, FloeConfig } from '../../config/schema.js';
import type { Page, PageEnd } from '../../types.js';
import type { Clock } from '../../util/clock.js';
import { FloeError, isFloeError, toFloeError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import type { Redactor } from '../../util/redact.js';
import { EndpointClients } from './endpoint-clients.js';
import { isSuccess, type HttpRequest, type HttpResponse, type Transport } from './http.js';
import { createPaginator } from './paginators/create-paginator.js';
import type { PageTarget, Paginator } from './paginators/paginator.js';
import { FetchAhead } from './fetch-ahead.js';
import { RateLimiter, rateLimitIntervalMs } from './rate-limiter.js';
import type { RequestLimiter } from './request-limiter.js';
import { renderRequestConfig } from './render-templates.js';
import type { PagesOptions } from './pages-options.js';

export type { PagesOptions } from './pages-options.js';
import { pageRequest, requestTemplate, type RequestTemplate } from './request-builder.js';
import { authQueryParam, resumeStart } from './resume.js';
import { actionFailError, parseJsonBody, statusError } from './response.js';
import { DEFAULT_RETRY_STATUSES, ResponsePolicy } from './response-policy.js';
import { compileSelector } from './selector.js';
import { createUndiciTransport, type PooledTransport } from './undici-transport.js';
import { CredentialScope } from './credential-scope.js';
import { detectRecords } from './detect-records.js';
import { bodyExcerpt } from './excerpt.js';
import { pageEnd } from './page-end.js';
import { endSettings, errorShape, reportedTotals, totalSource } from './page-rules.js';
import { errorPageError, repeatedPageError, urlLoopError } from './pagination-errors.js';
import { StopSignals } from './stop-signals.js';
import { streamableKeys } from './record-splitter.js';
import { STREAM_ABOVE_BYTES, streamedRecords } from './streamed-page.js';
import { detectPagination } from './paginators/detect-pagination.js';

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
  /** Bodies bigger than this many bytes are streamed (see `Page.more`); default 32 MB. */
  streamAboveBytes?: number;
  /**
   * The request budget, when it is shared beyond this source: `floe serve`'s store for its
   * workers, or `rate_limit.shared` across `floe run-slice` processes. Default: a `RateLimiter` of
   * this source's own from `config.rate_limit`.
   */
  limiter?: RequestLimiter | undefined;
}

/**
 * The REST API source: streams each endpoint's pages (records already picked by `records_path`).
 * Create ONE per run: endpoints share its rate limiter, OAuth token and connection pool, and may
 * be extracted concurrently. Call `close()` when the run ends. A limiter shared with other
 * sources (other runs, processes or machines) can be injected as `deps.limiter`.
 */
export class RestSource {
  private readonly pool: PooledTransport | undefined;
  private readonly scope: CredentialScope;
  private readonly clients: EndpointClients;
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
    this.scope = new CredentialScope(config);
    this.clients = new EndpointClients(config, {
      clock,
      logger,
      redactor,
      transport,
      limiter: deps.limiter ?? new RateLimiter(rateLimitIntervalMs(config.rate_limit), clock),
      trusts: (url) => this.scope.trusts(url),
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
   * `HTTP_NETWORK`, `AUTH_FAILED`, `RESPONSE_NOT_JSON`, `RESPONSE_ENCODING`, `RECORDS_PATH_NO_MATCH`,
   * `RESPONSE_ERROR_PAGE` (a 204 or null records after the first page), `HTTP_FOREIGN_HOST` (a next
   * link to a host not in `allowed_hosts`), `PAGINATION_LOOP` (naming the stop signal the response
   * offers), `PAGINATION_INVALID`, `PAGINATION_SHORT` (`strict_totals`) (all kind `terminal` for the endpoint), `ABORTED`
   * when `signal` aborts, `CONFIG_INVALID` for an unknown type. A page whose next pointer loops is
   * not yielded: the error surfaces as soon as the loop is known.
   *
   * Without `records_path` the first page decides where the records are (`detectRecords`); with
   * `pagination: auto` it decides the pagination. Both are reported on the first page's
   * `Page.detected`. Stop signals are read from every response (`Page.reported`); the last page's
   * `Page.end` says why it ended and warns when that is short of a reported total.
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
    const pagination = endpoint.pagination;
    const paginator: Paginator = createPaginator(pagination);
    let signals = new StopSignals(pagination);
    const ends = endSettings(pagination);
    let recordsPath = endpoint.records_path;
    let select = recordsPath === undefined ? undefined : compileSelector(recordsPath);
    const rendered = renderRequestConfig(this.config, endpoint, opts.vars ?? {}, opts.typedVars);
    const template = requestTemplate(rendered.config, rendered.endpoint);
    const maxPages = pagination?.type === 'single_page' ? undefined : pagination?.max_pages;
    const authParam = authQueryParam(endpoint.auth ?? this.config.auth);
    const client = this.clients.for(endpoint, name);
    const policy = new ResponsePolicy(
      this.config.retry.retry_on ?? DEFAULT_RETRY_STATUSES,
      ResponsePolicy.fromConfig(endpoint.response_actions, `endpoints[${name}].response_actions`),
      ResponsePolicy.fromConfig(this.config.response_actions, 'response_actions'),
    );
    const send = (r: HttpRequest, s: AbortSignal): Promise<HttpResponse> => client({ ...r, policy }, s);
    const stop = new AbortController();
    const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
    const base = opts.resumedAt ?? { pages: 0, records: 0 };

    let token: unknown;
    let req: HttpRequest;
    if (opts.resumeFrom === undefined) {
      token = paginator.first();
      req = pageRequest(template, paginator.target(token));
    } else {
      const start = resumeStart(paginator, opts.resumeFrom, {
        endpoint: name,
        template,
        authQueryParam: authParam,
        redactor,
      });
      token = start.token;
      req = this.scoped(pageRequest(template, start.target), name, authParam);
      const pinned = paginator.detected?.(token);
      if (pinned !== undefined) signals = new StopSignals(pinned);
      logger.info('resuming from a stored page token', {
        pagination: paginator.type,
        url: redactor.url(req.url),
      });
    }
    // A request is its URL and its body: a cursor in the body (`cursor_body_path`) repeats there.
    const requestKey = (r: HttpRequest): string => (r.body === undefined ? r.url : `${r.url}\n${r.body}`);
    const seen = new Map<string, number>([[requestKey(req), 0]]);
    // An API that ignores the paging parameter answers every request with the same page: the URLs
    // differ, so the URL check cannot see it; an identical non-empty body after the first can.
    let previousBody: string | undefined;
    let received = base.records;
    let totalRecords: number | undefined;
    let totalPages: number | undefined;
    // Requests in flight, in page order: ahead[0] is the page awaited next; the others were
    // predicted (`concurrency` > 1 on offset/page_number) and are dropped if the response says so.
    // A huge page is streamed when the records path is a plain key path (see RecordSplitter).
    const streamKeys = (): string[] | undefined =>
      recordsPath === undefined ? undefined : streamableKeys(recordsPath);
    const streamAbove = this.deps.streamAboveBytes ?? STREAM_ABOVE_BYTES;
    const ahead = new FetchAhead((r, s) => send(streamKeys() ? { ...r, streamAbove } : r, s), signal);
    const width = paginator.ahead === undefined ? 1 : Math.max(1, endpoint.concurrency ?? 1);
    ahead.launch(token, req);
    try {
      for (let index = 0; ; index++) {
        let res = await this.settle(ahead.take(), name);
        const url = redactor.url(req.url);
        const origin = { endpoint: name, url, status: res.status };
        const action = policy.decide(res);
        if (action === 'ignore') {
          const rule = policy.match(res);
          logger.info('response ignored (response_actions)', { url, status: res.status, rule: rule?.source });
          yield {
            index,
            url,
            status: res.status,
            records: [],
            bytes: res.bytes,
            end: { reason: `HTTP ${res.status} ignored by ${rule?.source ?? 'response_actions'}` },
          };
          return;
        }
        if (action === 'fail' && isSuccess(res.status)) throw actionFailError(req.method, res, origin, policy, redactor);
        if (!isSuccess(res.status)) throw statusError(req.method, res, origin, redactor);
        const counts = { exactNumbers: 0, nonFiniteNumbers: 0 };
        // A streamed page: its records are handed out in parts as they arrive, then the envelope.
        let streamed: unknown[] | undefined;
        let handedOut = 0;
        if (res.stream !== undefined) {
          const parts = streamedRecords(
            { ...res, stream: res.stream },
            streamKeys() ?? [],
            origin,
            counts,
            streamAbove,
          );
          for (let step = await parts.next(); ; step = await parts.next()) {
            if (step.done === true) {
              ({ response: res, records: streamed } = step.value);
              break;
            }
            handedOut += step.value.length;
            received += step.value.length;
            yield { index, url, status: res.status, records: step.value, bytes: 0, more: true };
          }
        }
        const body = parseJsonBody(res, origin, redactor, counts);
        const here = { endpoint: name, url, index, body, headers: res.headers };
        let detected: { records_path?: string; pagination?: unknown } | undefined;
        if (select === undefined) {
          const found = detectRecords(body);
          recordsPath = found.path;
          select = compileSelector(found.path);
          detected = { records_path: found.path };
          logger.info('records detected', { records_path: found.path, why: found.why });
        }
        const records = streamed ?? select(body, origin);
        let declaredEnd: string | undefined;
        if (records.length + handedOut === 0 && index + base.pages > 0) {
          const shape = errorShape(res.status, body, recordsPath);
          if (shape !== undefined) {
            if (!ends[shape])
              throw errorPageError(
                here,
                shape,
                res.status,
                recordsPath ?? '$',
                bodyExcerpt(res.body, redactor),
              );
            declaredEnd =
              shape === 'no_content' ? 'a 204, declared as the end' : 'records null, declared as the end';
          }
        }
        if (records.length > 0 && handedOut === 0 && res.body === previousBody)
          throw repeatedPageError(here, paginator);
        previousBody = handedOut === 0 ? res.body : undefined;
        received += records.length;
        const reported = signals.read({
          endpoint: name,
          sanitizedUrl: url,
          body,
          headers: res.headers,
          first: index === 0,
        });
        if (reported.totalRecords !== undefined) totalRecords = reported.totalRecords;
        if (reported.totalPages !== undefined) totalPages = reported.totalPages;
        let next =
          declaredEnd !== undefined
            ? undefined
            : paginator.next({
                token,
                endpoint: name,
                requestUrl: req.url,
                sanitizedUrl: url,
                status: res.status,
                headers: res.headers,
                body,
                recordCount: handedOut + records.length,
                reported,
                position: { pages: base.pages + index + 1, records: received },
              });
        if (paginator.type === 'auto' && index === 0 && opts.resumeFrom === undefined) {
          const pinned = next === undefined ? undefined : paginator.detected?.(next);
          if (pinned !== undefined) signals = new StopSignals(pinned);
          const found =
            pinned ??
            detectPagination({ headers: res.headers, body, query: new Map(new URL(req.url).searchParams) });
          detected = { ...detected, pagination: found ?? { type: 'single_page' } };
          logger.info('pagination detected', { pagination: JSON.stringify(detected.pagination) });
        }
        let maxPagesReached = false;
        if (next !== undefined && maxPages !== undefined && index + 1 >= maxPages) {
          logger.info('max_pages reached; stopping', { max_pages: maxPages, pages: index + 1 });
          next = undefined;
          maxPagesReached = true;
        }
        let nextReq: HttpRequest | undefined;
        let end: PageEnd | undefined;
        if (next !== undefined) {
          nextReq = this.requestFor(template, paginator.target(next), name, authParam);
          const earlier = seen.get(requestKey(nextReq));
          if (earlier !== undefined) throw urlLoopError(here, paginator, next, redactor.url(nextReq.url), earlier, redactor);
          seen.set(requestKey(nextReq), index + 1);
          // Prefetch (or keep the request already sent for it); then fill the window ahead.
          ahead.follow(next, nextReq);
          for (let k = ahead.size; k < width; k++) {
            const predicted = paginator.ahead?.(ahead.lastToken, { totalRecords, totalPages });
            if (predicted === undefined || (maxPages !== undefined && index + 1 + k >= maxPages)) break;
            ahead.launch(predicted, this.requestFor(template, paginator.target(predicted), name, authParam));
          }
        } else {
          ahead.cancel();
          end = pageEnd({
            endpoint: name,
            reason: declaredEnd ?? (maxPagesReached ? 'max_pages reached' : 'the pagination ended'),
            maxPagesReached,
            received,
            pages: base.pages + index + 1,
            totalRecords,
            totalPages,
            totalSource: totalSource(pagination),
            strict: ends.strict,
            signalsConfigured: !signals.none || ends.emptyPage,
            paginationType: paginator.type,
            body,
            headers: res.headers,
          });
          if (end.warning !== undefined) logger.warn(end.warning, { code: end.code });
        }
        logger.debug('page', {
          index,
          url,
          status: res.status,
          records: handedOut + records.length,
          bytes: res.bytes,
        });
        yield {
          index,
          url,
          status: res.status,
          records,
          bytes: res.bytes,
          ...(res.raw !== undefined && res.raw.byteLength !== res.bytes ? { textBytes: res.raw.byteLength } : {}),
          ...(res.invalidUtf8 ? { invalidUtf8: res.invalidUtf8 } : {}),
          ...(counts.nonFiniteNumbers > 0 ? { nonFiniteNumbers: counts.nonFiniteNumbers } : {}),
          ...(next !== undefined ? { next: redactor.value(next), resume: next } : {}),
          ...(signals.none ? {} : { reported: reportedTotals(reported) }),
          ...(detected !== undefined ? { detected } : {}),
          ...(end !== undefined ? { end } : {}),
        };
        if (next === undefined || nextReq === undefined) return;
        token = next;
        req = nextReq;
      }
    } finally {
      stop.abort();
      await ahead.settled();
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

  /** The request for a page target; a full URL is scoped as credentials allow (see CredentialScope). */
  private requestFor(
    template: RequestTemplate,
    target: PageTarget,
    endpoint: string,
    authParam: string | undefined,
  ): HttpRequest {
    const req = pageRequest(template, target);
    return target.kind === 'url' ? this.scoped(req, endpoint, authParam) : req;
  }

  /** A next-page request as credentials allow it (see CredentialScope). */
  private scoped(req: HttpRequest, endpoint: string, authParam: string | undefined): HttpRequest {
    return this.scope.scope(req, { endpoint, authQueryParam: authParam, redactor: this.deps.redactor });
  }

  private async settle(pending: Promise<HttpResponse>, endpoint: string): Promise<HttpResponse> {
    try {
      return await pending;
    } catch (e) {
      throw inEndpoint(e, endpoint);
    }
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
