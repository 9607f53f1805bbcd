/**
 * What the emulator knows beyond DuckDB's own catalog: table *objects* (a CREATE OR REPLACE or a
 * CLONE makes a new object, which is what Snowflake's load metadata and grants attach to), named
 * stages, and databases.
 */
export interface TableObject {
  readonly id: number;
  readonly transient: boolean;
  /** `LINEAR(A, B)` as INFORMATION_SCHEMA.TABLES.CLUSTERING_KEY reports it, if clustered. */
  clusteringKey?: string;
  /** Privileges granted on this object, e.g. `SELECT TO ROLE READER` (set out of band by tests). */
  readonly grants: Set<string>;
  /** Load metadata: stage-relative file path → md5 of the content loaded. */
  readonly loaded: Map<string, string>;
}

export type QualifiedName = readonly [database: string, schema: string, name: string];

export function keyOf(name: QualifiedName): string {
  return name.join('.');
}

export class Catalog {
  readonly databases = new Set<string>();
  readonly stages = new Set<string>();

  private readonly tables = new Map<string, TableObject>();
  private nextId = 1;

  /** The object currently behind a name; tables created behind the emulator's back get one lazily. */
  table(name: QualifiedName): TableObject {
    const key = keyOf(name);
    let t = this.tables.get(key);
    if (!t) {
      t = this.newObject(false);
      this.tables.set(key, t);
    }
    return t;
  }

  /** Registers a new object under a name (CREATE, CREATE OR REPLACE, CLONE, CTAS). */
  create(name: QualifiedName, opts: { transient: boolean; copyGrantsFrom?: TableObject; clusteringKey?: string }): TableObject {
    const t = this.newObject(opts.transient);
    if (opts.clusteringKey) t.clusteringKey = opts.clusteringKey;
    for (const g of opts.copyGrantsFrom?.grants ?? []) t.grants.add(g);
    this.tables.set(keyOf(name), t);
    return t;
  }

  /** Every table object, by `DB.SCHEMA.NAME`. */
  entries(): [string, TableObject][] {
    return [...this.tables.entries()];
  }

  existing(name: QualifiedName): TableObject | undefined {
    return this.tables.get(keyOf(name));
  }

  drop(name: QualifiedName): void {
    this.tables.delete(keyOf(name));
  }

  private newObject(transient: boolean): TableObject {
    return { id: this.nextId++, transient, grants: new Set(), loaded: new Map() };
  }
}
