import { DuckdbDestination } from '../../src/destination/duckdb/duckdb-destination.js';
import { FakeClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';

/** Runs a read-only query on a DuckDB file (opened for the query, then closed). */
export async function duckQuery(path: string, sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckdbDestination.open(
    { type: 'duckdb', path, schema: 'main', write_disposition: 'append', memory_limit: '256MB' },
    { clock: new FakeClock(), logger: silentLogger },
  );
  try {
    return await db.query(sql);
  } finally {
    await db.close();
  }
}
