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
      // TODO(issue 3): typed import once src/destination/snowflake lands.
      const modulePath = './snowflake/snowflake-destination.js';
      const mod = (await import(modulePath)) as {
        openSnowflakeDestination: (c: typeof config, d: DestinationDeps) => Promise<Destination>;
      };
      return mod.openSnowflakeDestination(config, deps);
    }
  }
}
