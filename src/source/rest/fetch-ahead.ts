import type { HttpRequest, HttpResponse } from './http.js';

interface InFlight {
  readonly token: string;
  readonly rawToken: unknown;
  readonly url: string;
  readonly response: Promise<HttpResponse>;
  readonly stop: AbortController;
}

/**
 * The requests of one extraction that are in flight, in page order. The page loop takes the
 * first, decides from its response which page comes next (`follow`), and may launch predicted
 * pages after it (offset and page-number pagination, `concurrency` > 1). A predicted request the
 * response did not ask for (the pagination ended, or went elsewhere) is cancelled, never used:
 * pages are handed on strictly in order, so checkpoints and stop signals behave as with one
 * request at a time. A rejected request is only reported when its page is taken.
 */
export class FetchAhead {
  readonly #queue: InFlight[] = [];
  readonly #all = new Set<Promise<unknown>>();

  constructor(
    private readonly send: (req: HttpRequest, signal: AbortSignal) => Promise<HttpResponse>,
    private readonly signal: AbortSignal,
  ) {}

  /** Requests in flight (not yet taken). */
  get size(): number {
    return this.#queue.length;
  }

  /** The token of the last request in flight (launch one first). */
  get lastToken(): unknown {
    return this.#queue[this.#queue.length - 1]?.rawToken;
  }

  /** Sends `req` (the page of `token`) after the ones in flight. */
  launch(token: unknown, req: HttpRequest): void {
    const stop = new AbortController();
    const response = this.send(req, AbortSignal.any([this.signal, stop.signal]));
    // Handled when taken; a request cancelled or never taken must not count as unhandled.
    const quiet = response.then(
      () => undefined,
      () => undefined,
    );
    this.#all.add(quiet);
    void quiet.then(() => this.#all.delete(quiet));
    this.#queue.push({ token: JSON.stringify(token), rawToken: token, url: req.url, response, stop });
  }

  /** The response of the first page in flight (launch one first). */
  take(): Promise<HttpResponse> {
    const first = this.#queue.shift();
    if (first === undefined) throw new Error('FetchAhead: nothing in flight');
    return first.response;
  }

  /**
   * The page after the one just taken is `token` (request `req`): keeps the request already in
   * flight for it, or cancels the predicted ones and sends `req`.
   */
  follow(token: unknown, req: HttpRequest): void {
    const head = this.#queue[0];
    if (head !== undefined && head.token === JSON.stringify(token) && head.url === req.url) return;
    this.cancel();
    this.launch(token, req);
  }

  /** Cancels every request in flight. */
  cancel(): void {
    for (const f of this.#queue.splice(0)) f.stop.abort();
  }

  /** Resolves once every request sent has settled (call after cancelling or aborting). */
  async settled(): Promise<void> {
    this.cancel();
    await Promise.all(this.#all);
  }
}
