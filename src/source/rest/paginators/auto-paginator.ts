import { paginationConfig, type PaginationConfig } from '../../../config/schema.js';
import { StopSignals } from '../stop-signals.js';
import { detectPagination, type DetectedPagination } from './detect-pagination.js';
import { queryTarget, type PageContext, type PageTarget, type Paginator } from './paginator.js';
import { tokenRecord } from './token-shape.js';

/** The `pagination` block that selects this paginator. */
export type AutoPaginationConfig = Extract<PaginationConfig, { type: 'auto' }>;

/**
 * Before the first response: `{ auto: null }`. After it: the detected config (as a user would pin
 * it) and the detected paginator's token, so a checkpoint resumes with the same strategy.
 */
export interface AutoToken {
  readonly auto: DetectedPagination | null;
  readonly token?: unknown;
}

/** Builds the detected paginator; injected to avoid a cycle with `create-paginator.ts`. */
export type PaginatorFactory = (config: PaginationConfig) => Paginator;

/**
 * `pagination: { type: auto }` (dlt's default when no paginator is given): the first request is the
 * endpoint's own; `detectPagination` reads its response (Link header, next URL, cursor field, page
 * envelope) and from then on the detected strategy runs, its config carried in the token. No
 * detection means one page. `floe preview` prints the detected config so the user can pin it.
 *
 * Selected by `pagination: { type: auto }`. Handles e.g. `GET /issues` → `Link: <…?page=2>; rel="next"`.
 */
export class AutoPaginator implements Paginator<AutoToken> {
  readonly type = 'auto';
  /** Parsed detected configs by their JSON: a cache of pure results, not pagination state. */
  private readonly pinned = new Map<string, PaginationConfig>();

  constructor(
    private readonly config: AutoPaginationConfig,
    private readonly create: PaginatorFactory,
  ) {}

  first(): AutoToken {
    return { auto: null };
  }

  next(page: PageContext<AutoToken>): AutoToken | undefined {
    if (page.token.auto === null) {
      const query = new URL(page.requestUrl).searchParams;
      const detected = detectPagination({ headers: page.headers, body: page.body, query: new Map(query) });
      if (detected === undefined) return undefined;
      const config = this.pin(detected);
      const inner = this.create(config);
      // The first page was read with no signals configured; read them now with the detected ones.
      const reported = new StopSignals(config).read({
        endpoint: page.endpoint,
        sanitizedUrl: page.sanitizedUrl,
        body: page.body,
        headers: page.headers,
        first: true,
      });
      const token = inner.next({ ...page, token: inner.first(), reported });
      return token === undefined ? undefined : { auto: detected, token };
    }
    const inner = this.create(this.pin(page.token.auto));
    const token = inner.next({ ...page, token: page.token.token });
    return token === undefined ? undefined : { auto: page.token.auto, token };
  }

  /** `{ auto: null }` or `{}` restart detection; a detected token resumes its strategy. */
  restore(stored: unknown): AutoToken | undefined {
    if (tokenRecord(stored, []) !== undefined) return { auto: null };
    const t = tokenRecord(stored, ['auto', 'token']) ?? tokenRecord(stored, ['auto']);
    if (t === undefined) return undefined;
    if (t['auto'] === null) return { auto: null };
    const parsed = paginationConfig.safeParse(t['auto']);
    if (!parsed.success || parsed.data.type === 'auto') return undefined;
    const inner = this.create(parsed.data).restore(t['token']);
    return inner === undefined ? undefined : { auto: t['auto'] as DetectedPagination, token: inner };
  }

  target(token: AutoToken): PageTarget {
    return token.auto === null ? queryTarget({}) : this.create(this.pin(token.auto)).target(token.token);
  }

  describe(token: AutoToken): string {
    return token.auto === null
      ? 'the first page'
      : `${this.create(this.pin(token.auto)).describe(token.token)} (detected ${token.auto.type})`;
  }

  detected(token: AutoToken): DetectedPagination | undefined {
    return token.auto ?? undefined;
  }

  /** The detected config with this block's `strict_totals`, through the schema for defaults. */
  private pin(detected: DetectedPagination): PaginationConfig {
    const key = JSON.stringify(detected);
    let config = this.pinned.get(key);
    if (config === undefined) {
      config = paginationConfig.parse({
        ...detected,
        ...(this.config.strict_totals ? { strict_totals: true } : {}),
      });
      this.pinned.set(key, config);
    }
    return config;
  }
}
