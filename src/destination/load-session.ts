/**
 * Runs the statements of one destination operation (a load, a state write): tags them, collects
 * the query ids of the steps that move or commit data, and turns failures into FloeErrors that
 * name the step, endpoint and table.
 */
import { FloeError, type ErrorCode } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import type { CompiledStatement } from './compiled-statement.js';
import type { Driver, ErrorContext, ExecResult } from './driver.js';

/** The steps whose query ids a load reports: the ones that move data or commit it. */
const REPORTED_STEPS = new Set(['PUT', 'COPY INTO', 'INSERT', 'MERGE', 'swap in the new table', 'COMMIT']);

export interface OperationContext {
  readonly runId?: string;
  readonly connector?: string;
  readonly endpoint?: string;
  readonly table?: string;
}

export class LoadSession {
  /** Query ids of the data-moving statements, in order. */
  readonly queryIds: string[] = [];

  constructor(
    readonly driver: Driver,
    readonly logger: Logger,
    private readonly context: OperationContext,
    private readonly tag: (context: OperationContext) => string | undefined,
    readonly signal?: AbortSignal,
  ) {}

  /** `extra` adds error context, possibly derived from the driver error (e.g. the file COPY names). */
  async run(
    statement: CompiledStatement,
    step: string,
    code: ErrorCode = 'LOAD_FAILED',
    extra: Partial<ErrorContext> | ((e: unknown) => Partial<ErrorContext>) = {},
  ): Promise<ExecResult> {
    this.signal?.throwIfAborted();
    this.logger.debug('statement', { step, endpoint: this.context.endpoint });
    try {
      const tag = this.tag(this.context);
      const r = await this.driver.execute(statement, {
        ...(this.signal ? { signal: this.signal } : {}),
        ...(tag ? { tag } : {}),
      });
      if (r.queryId && REPORTED_STEPS.has(step)) this.queryIds.push(r.queryId);
      return r;
    } catch (e) {
      const more = typeof extra === 'function' ? extra(e) : extra;
      throw this.driver.error(e, code, { ...this.errorContext(), step, ...more });
    }
  }

  errorContext(): { endpoint?: string; table?: string } {
    return {
      ...(this.context.endpoint ? { endpoint: this.context.endpoint } : {}),
      ...(this.context.table ? { table: this.context.table } : {}),
    };
  }

  /** A terminal load failure naming the step. */
  fail(message: string, step: string, details: Record<string, unknown> = {}): FloeError {
    return new FloeError('LOAD_FAILED', 'terminal', message, { details: { ...this.errorContext(), step, ...details } });
  }
}
