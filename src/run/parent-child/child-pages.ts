import type { EndpointConfig, ParentConfig } from '../../config/schema.js';
import { toText } from '../../util/text.js';
import type { Page } from '../../types.js';
import { FloeError, toFloeError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import type { SourcePart } from '../parts.js';
import { parentFields } from '../../config/parent-links.js';
import type { ParentRow } from './parent-rows.js';

/** Where a child extraction is: the parent record's index, and the page token within it. */
export interface ChildToken {
  readonly parent: number;
  readonly page?: unknown;
}

export interface ChildPagesOptions {
  readonly signal?: AbortSignal;
  readonly vars: Readonly<Record<string, string>>;
  /** A stored `Page.next` of an earlier child extraction (a ChildToken). */
  readonly resumeFrom?: unknown;
  readonly log: Logger;
  /** A warning for the run summary (parents skipped with `on_error: skip`). */
  readonly warn: (message: string) => void;
}

/**
 * A child endpoint's pages: for each parent record in order, the endpoint's requests with
 * `{{ parent.<field> }}` set from that record, and the `include`d parent fields added to each row
 * as `_<parent>_<field>`. Up to `parent.concurrency` parents are in flight at once (all through
 * the source's shared rate limiter): the current one streams, the next ones are buffered, and
 * pages come out in parent order, so `Page.next` (`{ parent: i, page: <token> }`) is a position a
 * later run resumes from without requesting the parents before it again.
 *
 * A parent whose requests fail fails the endpoint, or with `on_error: skip` is skipped with a
 * warning. A parent lacking a field the requests use is such a failure too.
 */
export async function* childPages(
  source: SourcePart,
  endpoint: EndpointConfig,
  parents: readonly ParentRow[],
  opts: ChildPagesOptions,
): AsyncGenerator<Page> {
  const link = endpoint.parent as ParentConfig;
  const start = restoreChild(opts.resumeFrom, parents.length);
  const stop = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
  const buffered = new Map<number, Promise<Page[] | FloeError>>();
  const skipped: string[] = [];
  let index = 0;

  const used = parentFields(endpoint);
  const pagesOf = (i: number, resumeFrom?: unknown): AsyncGenerator<Page> => {
    const row = parents[i]!;
    const missing = used.find((f) => row[f] === undefined || row[f] === null);
    if (missing !== undefined) {
      throw new FloeError(
        'PARENT_FAILED',
        'terminal',
        `parent record #${i} of "${link.endpoint}" has no value at "${missing}", which {{ parent.${missing} }} needs`,
        { details: { parent: i, field: missing } },
      );
    }
    const { vars, typed } = parentVars(row);
    return source.pages(endpoint, { signal, vars: { ...opts.vars, ...vars }, typedVars: typed, ...(resumeFrom !== undefined ? { resumeFrom } : {}) });
  };
  const collect = async (i: number): Promise<Page[] | FloeError> => {
    const out: Page[] = [];
    try {
      for await (const p of pagesOf(i)) out.push(p);
      return out;
    } catch (e) {
      return toFloeError(e);
    }
  };
  /** A parent's failure: thrown (fail) or counted (skip). */
  const failed = (i: number, e: unknown): void => {
    const err = toFloeError(e);
    if (link.on_error !== 'skip' || signal.aborted || err.kind === 'config' || err.code === 'ABORTED') throw err;
    opts.log.warn('parent skipped: its requests failed', { parent: i, code: err.code, error: err.message });
    skipped.push(`#${i}: ${err.message}`);
  };

  try {
    for (let i = start.parent; i < parents.length; i++) {
      for (let j = i + 1; j < Math.min(parents.length, i + link.concurrency); j++) {
        if (!buffered.has(j)) {
          buffered.set(j, collect(j));
        }
      }
      const stored = buffered.get(i);
      buffered.delete(i);
      const last = i === parents.length - 1;
      const emit = (p: Page): Page => childPage(p, index++, i, last, parents[i]!, link);
      if (stored !== undefined) {
        const got = await stored;
        if (got instanceof FloeError) failed(i, got);
        else for (const p of got) yield emit(p);
        continue;
      }
      try {
        const from = i === start.parent ? start.page : undefined;
        for await (const p of pagesOf(i, from)) yield emit(p);
      } catch (e) {
        failed(i, e);
      }
    }
  } finally {
    stop.abort();
    await Promise.all(buffered.values());
    if (skipped.length > 0) {
      opts.warn(
        `PARENT_SKIPPED: ${skipped.length} parent record(s) of "${link.endpoint}" were skipped (parent.on_error: skip); first: ${skipped[0] ?? ''}`,
      );
    }
  }
}

/** The child's page as the extraction sees it: renumbered, rows with included parent fields, a child token. */
function childPage(p: Page, index: number, parent: number, lastParent: boolean, row: ParentRow, link: ParentConfig): Page {
  const include = link.include ?? [];
  const records =
    include.length === 0
      ? p.records
      : p.records.map((r) => {
          const extra: Record<string, unknown> = {};
          for (const f of include) extra[`_${link.endpoint}_${f.replace(/\./g, '_')}`] = row[f] ?? null;
          return r !== null && typeof r === 'object' && !Array.isArray(r) ? { ...(r), ...extra } : r;
        });
  const after = (inner: unknown): ChildToken | undefined =>
    inner !== undefined ? { parent, page: inner } : lastParent ? undefined : { parent: parent + 1 };
  const next = after(p.next);
  const resume = after(p.resume ?? p.next);
  const { end } = p;
  return {
    url: p.url,
    status: p.status,
    bytes: p.bytes,
    ...(p.invalidUtf8 !== undefined ? { invalidUtf8: p.invalidUtf8 } : {}),
    ...(p.nonFiniteNumbers !== undefined ? { nonFiniteNumbers: p.nonFiniteNumbers } : {}),
    ...(p.reported !== undefined ? { reported: p.reported } : {}),
    ...(p.detected !== undefined ? { detected: p.detected } : {}),
    index,
    records,
    ...(next !== undefined ? { next } : {}),
    ...(resume !== undefined ? { resume } : {}),
    // A parent's end matters when it warns, and at the very end.
    ...(end !== undefined && (end.warning !== undefined || (lastParent && next === undefined)) ? { end } : {}),
  };
}

/** `{{ parent.<field> }}` values of one parent record: strings for templates, JSON values for lone body templates. */
function parentVars(row: ParentRow): { vars: Record<string, string>; typed: Record<string, unknown> } {
  const vars: Record<string, string> = {};
  const typed: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(row)) {
    if (value === null || value === undefined) continue;
    const key = `parent.${field}`;
    typed[key] = value;
    vars[key] = toText(value);
  }
  return { vars, typed };
}

/** A stored child token, or the start. */
function restoreChild(stored: unknown, parents: number): { parent: number; page?: unknown } {
  if (stored === undefined) return { parent: 0 };
  const t: Partial<ChildToken> | null = stored;
  if (t === null || typeof t !== 'object' || typeof t.parent !== 'number' || !Number.isSafeInteger(t.parent) || t.parent < 0 || t.parent > parents) {
    throw new FloeError('STATE_INVALID', 'terminal', `the stored position of a child endpoint is not { parent: <index> }: ${JSON.stringify(stored)}`);
  }
  return t.page !== undefined ? { parent: t.parent, page: t.page } : { parent: t.parent };
}
