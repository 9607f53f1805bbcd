/**
 * What the stage wrote, read back from the Parquet files themselves: non-NULL values per column,
 * from the footers' null counts (no data is read) or, where a writer left them out, by counting.
 * Snowflake's MATCH_BY_COLUMN_NAME loads a field whose name does not match as NULL without an
 * error; comparing these counts with what arrived in staging turns that into a failed load.
 */
import type { StageFile } from '../types.js';

type Conn = { runAndReadAll(sql: string): Promise<{ getRowObjectsJS(): Record<string, unknown>[] }> };

const literal = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** For each column name (exact Parquet field spelling): non-NULL values across the files. */
export async function parquetNonNullCounts(files: readonly StageFile[], columns: readonly string[]): Promise<number[]> {
  const paths = files.filter((f) => f.rows > 0).map((f) => f.path);
  const counts = columns.map(() => 0);
  if (paths.length === 0) return counts;
  const conn = await connection();
  {
    const meta = await conn.runAndReadAll(
      `SELECT file_name, path_in_schema AS field, sum(row_group_num_rows) AS n, sum(stats_null_count) AS nulls, ` +
        `bool_or(stats_null_count IS NULL) AS unknown FROM parquet_metadata([${paths.map(literal).join(', ')}]) GROUP BY ALL`,
    );
    const index = new Map(columns.map((c, i) => [c, i] as const));
    for (const row of meta.getRowObjectsJS()) {
      const i = index.get(String(row.field));
      if (i === undefined) continue;
      let nonNull = Number(row.n) - Number(row.nulls ?? 0);
      if (row.unknown === true) {
        const r = await conn.runAndReadAll(
          `SELECT count("${String(row.field).replaceAll('"', '""')}") AS n FROM read_parquet(${literal(String(row.file_name))})`,
        );
        nonNull = Number(r.getRowObjectsJS()[0]?.n ?? 0);
      }
      counts[i] = (counts[i] ?? 0) + nonNull;
    }
    return counts;
  }
}

let shared: Promise<Conn> | undefined;

/**
 * One in-memory DuckDB for the process (it holds no data, only reads footers). DuckDB reads
 * Parquet natively; it is imported only when a Snowflake load first needs it.
 */
function connection(): Promise<Conn> {
  shared ??= import('@duckdb/node-api').then(async ({ DuckDBInstance }) => {
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    return await instance.connect();
  });
  return shared;
}
