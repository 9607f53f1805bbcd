import type { PaginationConfig } from '../../../config/schema.js';
import { isCount, tokenRecord } from './token-shape.js';
import { placedTarget, type KnownTotals, type PageContext, type PageTarget, type Paginator } from './paginator.js';
import { endedBySignals, explicitSignals } from './signal-stop.js';

/** The `pagination` block that selects this paginator. */
export type OffsetPaginationConfig = Extract<PaginationConfig, { type: 'offset' }>;

/** The offset of the page to request. */
export interface OffsetToken {
  readonly offset: number;
}

/**
 * Offset/limit pagination: sends `limit_param=limit_value` and `offset_param=<offset>`, starting
 * at `start_offset` and adding `limit_value` per page. Without a stop signal it stops when a page
 * has fewer records than the limit; with one (`has_more_path`, `total_path`/`total_header` —
 * reached when the next offset is past the total —, `total_pages_path`, `stop_after_empty_page`)
 * the signals decide. An empty page always ends it, and so does reaching `maximum_offset`.
 * `offset_body_path`/`limit_body_path` put the values in the JSON body instead of the query.
 *
 * Selected by:
 * ```yaml
 * pagination: { type: offset, limit_param: limit, limit_value: 100, offset_param: offset }
 * ```
 * Handles: `GET /users?limit=100&offset=200` → `{ "data": [ …100 records… ] }`.
 */
export class OffsetPaginator implements Paginator<OffsetToken> {
  readonly type = 'offset';

  constructor(private readonly config: OffsetPaginationConfig) {}

  first(): OffsetToken {
    return { offset: this.config.start_offset };
  }

  next(page: PageContext<OffsetToken>): OffsetToken | undefined {
    const { limit_value, start_offset } = this.config;
    if (page.recordCount === 0) return undefined;
    const next = page.token.offset + limit_value;
    if (this.config.maximum_offset !== undefined && next >= this.config.maximum_offset) return undefined;
    if (!explicitSignals(this.config)) return page.recordCount < limit_value ? undefined : { offset: next };
    const pagesSoFar = Math.floor((page.token.offset - start_offset) / limit_value) + 1;
    return endedBySignals(page, this.config, { pagesSoFar, recordsSoFar: next }) ? undefined : { offset: next };
  }

  ahead(token: OffsetToken, known: KnownTotals): OffsetToken | undefined {
    const { limit_value, start_offset } = this.config;
    const offset = token.offset + limit_value;
    if (this.config.maximum_offset !== undefined && offset >= this.config.maximum_offset) return undefined;
    if (known.totalRecords !== undefined && offset >= known.totalRecords) return undefined;
    if (known.totalPages !== undefined && Math.floor((offset - start_offset) / limit_value) >= known.totalPages) return undefined;
    return { offset };
  }

  restore(stored: unknown): OffsetToken | undefined {
    const t = tokenRecord(stored, ['offset']);
    return t !== undefined && isCount(t['offset']) ? { offset: t['offset'] } : undefined;
  }

  target(token: OffsetToken): PageTarget {
    const c = this.config;
    return placedTarget([
      [c.limit_param, c.limit_body_path, c.limit_value],
      [c.offset_param, c.offset_body_path, token.offset],
    ]);
  }

  describe(token: OffsetToken): string {
    return `offset ${token.offset}`;
  }
}
