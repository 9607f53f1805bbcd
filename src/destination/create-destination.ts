import type { DestinationConfig } from '../config/schema.js';
import type { Destination } from '../types.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { Redactor } from '../util/redact.js';
import { DuckdbDestination } from './duckdb/duckdb-destination.js';

export interface DestinationDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly redactor: Redactor;
}

/** Turns a `destination` config into a live destination. Snowflake's SDK loads only when used. */
export async function createDestination(config: DestinationConfig, deps: DestinationDeps): Promise<Destination> {
  switch (config.type) {
    case 'duckdb':
      return DuckdbDestination.open(config, deps);
    case 'snowflake': {
      const { openSnowflakeDestination } = await import('./snowflake/snowflake-destination.js');
      return openSnowflakeDestination(config, deps);
    }
  }
}
