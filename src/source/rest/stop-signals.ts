import type { PaginationConfig } from '../../config/schema.js';
import { FloeError } from '../../util/errors.js';
import { compileJsonPath, type CompiledJsonPath } from './json-path.js';

/** What the configured stop signals read from one response. */
export interface ReportedSignals {
  /** From `has_more_path`: false means "this was the last page". */
  readonly hasMore?: boolean;
  /** From `total_path` or `total_header`: the total number of records. */
  readonly totalRecords?: number;
  /** From `total_pages_path`. */
  readonly totalPages?: number;
}

/** The response a signal is read from. */
export interface SignalSource {
  readonly endpoint: string;
  readonly sanitizedUrl: string;
  readonly body: unknown;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** True on the first page of the extraction: a path that matches nothing there is a typo. */
  readonly first: boolean;
}

/** The signal fields of any pagination type (absent on single_page and auto). */
type SignalConfig = Partial<
  Pick<
    Extract<PaginationConfig, { type: 'offset' }>,
    'has_more_path' | 'total_path' | 'total_pages_path' | 'total_header'
  >
>;

/**
 * The stop signals of one pagination config, compiled once per extraction: reads `has_more_path`,
 * `total_path`, `total_pages_path` and `total_header` from each response. Pure: the same response
 * always reads the same way, so paginators stay stateless and use the values through
 * `PageContext.reported`.
 *
 * - `has_more_path`: `false`, `"false"`, `0`, `""` and `null` mean no more pages; anything else
 *   means more (so `$.next` works where the API nulls it on the last page). A path that matches
 *   nothing is `PAGINATION_INVALID`: a typo must not run forever or stop at once.
 * - totals: a number or a numeric string; `null` is ignored (some APIs omit it on later pages);
 *   matching nothing on the first page is `PAGINATION_INVALID`.
 */
export class StopSignals {
  private readonly hasMore: CompiledJsonPath | undefined;
  private readonly total: CompiledJsonPath | undefined;
  private readonly pages: CompiledJsonPath | undefined;
  private readonly header: string | undefined;

  private readonly config: SignalConfig | undefined;

  /** Reads the signal fields of `pagination` (any type; a detected `auto` config in pinned form too). */
  constructor(pagination: PaginationConfig | Readonly<Record<string, unknown>> | undefined) {
    const config = (this.config = pagination as SignalConfig | undefined);
    this.hasMore = config?.has_more_path === undefined ? undefined : compileJsonPath(config.has_more_path);
    this.total = config?.total_path === undefined ? undefined : compileJsonPath(config.total_path);
    this.pages =
      config?.total_pages_path === undefined ? undefined : compileJsonPath(config.total_pages_path);
    this.header = config?.total_header?.toLowerCase();
  }

  /** True when no signal is configured (reading is then free). */
  get none(): boolean {
    return (
      this.hasMore === undefined &&
      this.total === undefined &&
      this.pages === undefined &&
      this.header === undefined
    );
  }

  read(src: SignalSource): ReportedSignals {
    if (this.none) return NOTHING;
    const out: { hasMore?: boolean; totalRecords?: number; totalPages?: number } = {};
    if (this.hasMore !== undefined) {
      const found = query(this.hasMore, src.body);
      if (found.length === 0) throw missing(src, `pagination.has_more_path ${this.hasMore.path}`);
      out.hasMore = truthy(found[0]);
    }
    if (this.total !== undefined) {
      const n = count(query(this.total, src.body), src, `pagination.total_path ${this.total.path}`);
      if (n !== undefined) out.totalRecords = n;
    }
    if (this.header !== undefined) {
      const raw = src.headers[this.header];
      const n = count(
        raw === undefined ? [] : [raw],
        src,
        `pagination.total_header ${this.config?.total_header ?? ''}`,
      );
      if (n !== undefined) out.totalRecords = n;
    }
    if (this.pages !== undefined) {
      const n = count(query(this.pages, src.body), src, `pagination.total_pages_path ${this.pages.path}`);
      if (n !== undefined) out.totalPages = n;
    }
    return out;
  }
}

const NOTHING: ReportedSignals = Object.freeze({});

function query(path: CompiledJsonPath, body: unknown): readonly unknown[] {
  return body === null || typeof body !== 'object' ? [] : path.query(body);
}

function truthy(v: unknown): boolean {
  if (v === null || v === false || v === 0 || v === '') return false;
  if (typeof v === 'string' && v.trim().toLowerCase() === 'false') return false;
  return true;
}

function count(found: readonly unknown[], src: SignalSource, what: string): number | undefined {
  if (found.length === 0) {
    if (src.first) throw missing(src, what);
    return undefined;
  }
  const v = found[0];
  if (v === null || v === undefined) return undefined;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n === 'number' && Number.isSafeInteger(n) && n >= 0) return n;
  throw new FloeError(
    'PAGINATION_INVALID',
    'terminal',
    `Endpoint "${src.endpoint}": ${what} is ${JSON.stringify(v)?.slice(0, 80)} in the response from ${src.sanitizedUrl}; ` +
      'it must be a whole number ≥ 0.',
    { details: { endpoint: src.endpoint, url: src.sanitizedUrl, path: what.split(' ')[0] ?? 'pagination' } },
  );
}

function missing(src: SignalSource, what: string): FloeError {
  const keys =
    src.body !== null && typeof src.body === 'object' && !Array.isArray(src.body)
      ? Object.keys(src.body).slice(0, 20).join(', ') || '(none)'
      : '(the body is not an object)';
  return new FloeError(
    'PAGINATION_INVALID',
    'terminal',
    `Endpoint "${src.endpoint}": ${what} matched nothing in the response from ${src.sanitizedUrl}. ` +
      `Top-level keys: ${keys}; headers: ${Object.keys(src.headers).sort().join(', ')}.`,
    { details: { endpoint: src.endpoint, url: src.sanitizedUrl, path: what.split(' ')[0] ?? 'pagination' } },
  );
}
