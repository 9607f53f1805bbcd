import type { DestinationConfig } from '../config/schema.js';
import type { Destination } from '../types.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { Redactor } from '../util/redact.js';

export interface DestinationDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly redactor: Redactor;
}

/**
 * Turns a `destination` config into a live destination. Each vendor SDK is imported only when its
 * destination opens: DuckDB's native library alone is ~30 MB of RSS, and a run with nothing to
 * load never needs it.
 */
export async function createDestination(config: DestinationConfig, deps: DestinationDeps): Promise<Destination> {
  switch (config.type) {
    case 'duckdb': {
      const { DuckdbDestination } = await import('./duckdb/duckdb-destination.js');
      return DuckdbDestination.open(config, deps);
    }
    case 'snowflake': {
      const { openSnowflakeDestination } = await import('./snowflake/snowflake-destination.js');
      return openSnowflakeDestination(config, deps);
    }
  }
}
