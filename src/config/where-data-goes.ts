import type { DestinationConfig } from './schema.js';

/**
 * Where a run's tables land, in words a data engineer can paste into a query tool:
 * `duckdb .floe/warehouse.duckdb, schema main` or `snowflake account xy12345, FLOE.RAW`.
 */
export function whereDataGoes(d: DestinationConfig): string {
  switch (d.type) {
    case 'duckdb':
      return `duckdb ${d.path}, schema ${d.schema}`;
    case 'snowflake': {
      const place = [d.database, d.schema].filter(Boolean).join('.');
      const who = d.account ?? (d.connection ? `connection ${d.connection}` : undefined);
      return `snowflake${who ? ` ${who.startsWith('connection') ? who : `account ${who}`}` : ''}${place ? `, ${place}` : ''}`;
    }
  }
}
