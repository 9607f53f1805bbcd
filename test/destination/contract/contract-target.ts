/**
 * A destination under contract: how to open it (optionally in another schema) and how to read a
 * table back through its own SQL, so every case checks DuckDB, the Snowflake emulator and a real
 * Snowflake account the same way.
 */
import type { Destination } from '../../../src/types.js';

export interface ContractTarget {
  readonly name: string;
  /** A fresh destination on the target's schema, or on `schema` (created if missing). */
  open(opts?: { schema?: string; connector?: string }): Promise<Destination>;
  /**
   * Rows of `table` (written as the source spells it), the given columns in that order, ordered
   * by the first; values as plain JS (numbers, strings, booleans, null).
   */
  read(dest: Destination, table: string, columns: readonly string[], opts?: { schema?: string }): Promise<Record<string, unknown>[]>;
  /** Creates a table `canary` in the default schema, for the injection cases. */
  createCanary(dest: Destination): Promise<void>;
  canaryExists(dest: Destination): Promise<boolean>;
  /** Folds a source name as the target stores it (DuckDB: as is; Snowflake: upper case). */
  stored(name: string): string;
  /** Temp directory for Parquet files. */
  tempDir(): string;
}

/** Plain JS values: bigint → number, Date → ISO string. */
export function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  return v;
}
