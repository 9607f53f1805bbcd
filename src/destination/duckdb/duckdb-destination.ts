/**
 * The DuckDB destination: the one load algorithm over the DuckDB dialect and driver.
 *
 * ```yaml
 * destination: { type: duckdb, path: .floe/warehouse.duckdb, schema: main, lock_timeout_seconds: 60 }
 * ```
 */
import type { DuckdbDestinationConfig } from '../../config/schema.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { BookkeepingPlan } from '../bookkeeping.js';
import type { LoadRequest, LoadResult } from '../../types.js';
import { SqlDestination } from '../sql-destination.js';
import { AutoMemoryLimit, duckdbDialect, duckdbNames, isAutoMemoryLimit } from './duckdb-dialect.js';
import { isOutOfMemory, openDuckdb, type DuckdbDriver } from './duckdb-driver.js';
import { DUCKDB_BOOKKEEPING } from './duckdb-sql.js';

/** What floe creates in the DuckDB schema, and how older layouts migrate. */
export function duckdbBookkeeping(schema: string): BookkeepingPlan {
  const q = duckdbNames.quote;
  const obj = (n: string): string => `${q(schema)}.${q(n)}`;
  return {
    dialect: 'duckdb',
    schema,
    createSchema: 'create-schema',
    tables: [
      {
        name: DUCKDB_BOOKKEEPING.loads,
        create: ['create-loads'],
        migrations: [
          { column: 'connector', files: ['migrate-loads-connector'] },
          { column: 'write_disposition', files: ['migrate-loads-disposition'] },
        ],
      },
      {
        name: DUCKDB_BOOKKEEPING.state,
        create: ['create-state'],
        migrations: [
          {
            column: 'connector',
            transactional: true,
            files: ['migrate-state-1-create', 'migrate-state-2-copy', 'migrate-state-3-drop', 'migrate-state-4-rename'],
          },
        ],
      },
    ],
    placeholders: {
      schema: q(schema),
      loads: obj(DUCKDB_BOOKKEEPING.loads),
      state: obj(DUCKDB_BOOKKEEPING.state),
      state_next: obj(`${DUCKDB_BOOKKEEPING.state}_next`),
      state_name: q(DUCKDB_BOOKKEEPING.state),
    },
  };
}

export class DuckdbDestination extends SqlDestination {
  private constructor(
    private readonly duck: DuckdbDriver,
    schema: string,
    private readonly services: { clock: Clock; logger: Logger },
    private readonly memory: AutoMemoryLimit | undefined,
  ) {
    super(duckdbDialect(schema, memory ? { memory } : {}), duck, duckdbBookkeeping(schema), services);
  }

  /**
   * Loads; under `memory_limit: auto`, a load that runs out of memory (rolled back, nothing
   * written) runs again at twice the memory, up to the cap (see AutoMemoryLimit).
   */
  override async load(request: LoadRequest, signal?: AbortSignal): Promise<LoadResult> {
    for (;;) {
      try {
        return await super.load(request, signal);
      } catch (e) {
        const from = this.memory?.currentMb;
        const next = this.memory !== undefined && isOutOfMemory(e) ? this.memory.raise() : undefined;
        if (next === undefined) throw e;
        this.services.logger.warn('out of memory while loading: loading again with a larger memory_limit', {
          table: request.table,
          memory_limit: `${next}MB`,
          was: `${from}MB`,
        });
      }
    }
  }

  static async open(config: DuckdbDestinationConfig, deps: { clock: Clock; logger: Logger }): Promise<DuckdbDestination> {
    const driver = await openDuckdb(
      config.path,
      {
        memoryLimit: config.memory_limit,
        ...(config.threads ? { threads: config.threads } : {}),
        ...(config.lock_timeout_seconds !== undefined ? { lockTimeoutSeconds: config.lock_timeout_seconds } : {}),
      },
      deps,
    );
    return new DuckdbDestination(driver, config.schema, deps, isAutoMemoryLimit(config.memory_limit) ? new AutoMemoryLimit() : undefined);
  }

  /** Runs a read-only query after every pending operation; for `floe` commands and tests. */
  query(text: string): Promise<Record<string, unknown>[]> {
    return this.operation({}, undefined, () => this.duck.query(text));
  }
}
