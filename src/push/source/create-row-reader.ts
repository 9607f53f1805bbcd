import { existsSync } from 'node:fs';
import type { DestinationConfig } from '../../config/schema.js';
import type { Clock } from '../../util/clock.js';
import { FloeError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import type { Redactor } from '../../util/redact.js';
import type { RowOrigin, RowReader } from './row-reader.js';

/**
 * The reader for an output's rows: files are read with an in-memory DuckDB wherever the
 * destination is; tables and queries with the destination's engine. Each engine's module is
 * imported only when used (DuckDB's native library alone is ~30 MB).
 */
export async function createRowReader(
  origin: RowOrigin,
  destination: DestinationConfig,
  deps: { clock: Clock; logger: Logger; redactor: Redactor },
): Promise<RowReader> {
  if (origin.kind === 'file') {
    if (!existsSync(origin.file)) throw new FloeError('PUSH_SOURCE_FAILED', 'config', `file not found: ${origin.file}`);
    const { DuckdbRowReader } = await import('./duckdb-row-reader.js');
    return new DuckdbRowReader({ path: ':memory:', schema: 'main' }, deps);
  }
  switch (destination.type) {
    case 'duckdb': {
      if (destination.path !== ':memory:' && !existsSync(destination.path)) {
        throw new FloeError('PUSH_SOURCE_FAILED', 'config', `no DuckDB database at ${destination.path} (destination.path); load it with floe run first`);
      }
      const { DuckdbRowReader } = await import('./duckdb-row-reader.js');
      return new DuckdbRowReader({
        path: destination.path,
        schema: destination.schema,
        memoryLimit: destination.memory_limit,
        ...(destination.threads ? { threads: destination.threads } : {}),
        ...(destination.lock_timeout_seconds !== undefined ? { lockTimeoutSeconds: destination.lock_timeout_seconds } : {}),
      }, deps);
    }
    case 'snowflake': {
      const { SnowflakeRowReader } = await import('./snowflake-row-reader.js');
      return new SnowflakeRowReader(destination, deps);
    }
  }
}
