/**
 * The narrow SQL interface the store runs on. Two drivers implement it with the same SQL: PGlite
 * (PostgreSQL compiled to WASM, in-process: `npx floe serve` needs no server) and `pg` against a
 * real PostgreSQL server (`FLOE_DATABASE_URL`, several replicas). Bind parameters are `$1…`;
 * pass JSON as `JSON.stringify(x)` with a `::jsonb` cast, instants as ISO text with `::timestamptz`.
 */
export interface SqlQuery {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface SqlClient extends SqlQuery {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction; committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlQuery) => Promise<T>): Promise<T>;
  /** LISTENs on `channel`; the returned function stops listening. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
