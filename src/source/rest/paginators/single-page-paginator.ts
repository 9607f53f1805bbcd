import { queryTarget, type PageTarget, type Paginator } from './paginator.js';

/** The token of a single page: there is only one. */
export type SinglePageToken = Record<string, never>;

/**
 * One request, no pagination.
 *
 * Selected by `pagination: { type: single_page }` or by omitting `pagination`. Handles any
 * response, e.g. `GET /status` → `[{ "id": 1 }, { "id": 2 }]`.
 */
export class SinglePagePaginator implements Paginator<SinglePageToken> {
  readonly type = 'single_page';

  first(): SinglePageToken {
    return {};
  }

  next(): undefined {
    return undefined;
  }

  /** Any stored value restarts the one request: there is no position to resume. */
  restore(): SinglePageToken {
    return {};
  }

  target(): PageTarget {
    return queryTarget({});
  }

  describe(): string {
    return 'the only page';
  }
}
