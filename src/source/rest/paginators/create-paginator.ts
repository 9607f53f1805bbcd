import { PAGINATION_TYPES, type PaginationConfig } from '../../../config/schema.js';
import { FloeError } from '../../../util/errors.js';
import { AutoPaginator } from './auto-paginator.js';
import { CursorPaginator } from './cursor-paginator.js';
import { HeaderCursorPaginator } from './header-cursor-paginator.js';
import { LinkHeaderPaginator } from './link-header-paginator.js';
import { NextLinkPaginator } from './next-link-paginator.js';
import { OffsetPaginator } from './offset-paginator.js';
import { PageNumberPaginator } from './page-number-paginator.js';
import type { Paginator } from './paginator.js';
import { SinglePagePaginator } from './single-page-paginator.js';

type PaginationType = PaginationConfig['type'];
type Factory<K extends PaginationType> = (config: Extract<PaginationConfig, { type: K }>) => Paginator;

/**
 * One factory per `pagination.type`. The mapped type makes a schema type without a factory a
 * compile error; the exhaustiveness test also walks `PAGINATION_TYPES`.
 */
export const PAGINATOR_FACTORIES: { readonly [K in PaginationType]: Factory<K> } = {
  offset: (c) => new OffsetPaginator(c),
  cursor: (c) => new CursorPaginator(c),
  header_cursor: (c) => new HeaderCursorPaginator(c),
  page_number: (c) => new PageNumberPaginator(c),
  link_header: (c) => new LinkHeaderPaginator(c),
  next_link: (c) => new NextLinkPaginator(c),
  single_page: () => new SinglePagePaginator(),
  auto: (c) => new AutoPaginator(c, createPaginator),
};

/** Turns an endpoint's `pagination` config into a paginator; none → a single page. */
export function createPaginator(config: PaginationConfig | undefined): Paginator {
  if (config === undefined) return new SinglePagePaginator();
  const factory = PAGINATOR_FACTORIES[config.type] as Factory<PaginationType> | undefined;
  if (factory === undefined) {
    throw new FloeError(
      'CONFIG_INVALID',
      'config',
      `Unknown pagination.type "${String((config as { type: unknown }).type)}"; known types: ${PAGINATION_TYPES.join(', ')}.`,
      { details: { path: 'pagination.type' } },
    );
  }
  return factory(config);
}
