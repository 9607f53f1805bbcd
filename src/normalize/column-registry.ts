/**
 * What an endpoint's records have looked like so far: a tree of every key path seen, and the
 * columns those paths produce. Both flatten paths (generic and generated) read it; only the
 * generic path changes it.
 *
 * Naming rules (documented for users):
 * - A nested key's column is its path joined with `_`, keeping each key's spelling:
 *   `fields.statusCategory.key` → `fields_statusCategory_key`.
 * - Two different paths that join to the same name (a top-level `a_b` and a nested `a.b`): the
 *   first one seen keeps the name, the next gets `a_b__2` (then `__3`, …). First-seen order is the
 *   order of records, and within a record the order of its keys, so a given input always produces
 *   the same names.
 * - `include`/`exclude` entries match a flattened name, or a parent object's flattened name, which
 *   then covers all of its children (`address` covers `address_city`, but not a top-level
 *   `address_line` key). `exclude` wins over `include`. Declared columns are always included.
 * - `rename` maps a flattened name to the final name, after include/exclude. Two columns ending up
 *   with one name is a config error.
 * - A column appears once its path has held a non-null value (or when it is declared); a key that
 *   is only ever null or `{}` produces no column.
 */
import type { ColumnsConfig, DeclaredColumn } from '../config/schema.js';
import type { LogicalType } from '../types.js';
import { FloeError } from '../util/errors.js';
import { declaredConverter, type DeclaredConverter } from './declared-types.js';
import { isInferredType, joinTypes, type InferredType } from './type-lattice.js';

/** One output column. `index` is its position in `columns` and in a batch's `values`. */
export interface ColumnState {
  readonly name: string;
  type: LogicalType;
  readonly index: number;
  /** Set for declared columns: every value goes through it. */
  readonly convert: DeclaredConverter | undefined;
  /** The flattened (pre-rename) name of the path that feeds it; undefined while unclaimed. */
  source: string | undefined;
  /**
   * It has held an integer a double cannot hold exactly: meeting a double then widens it to json
   * (exact text) instead of double.
   */
  exact: boolean;
}

/** One key path seen in the records. */
export interface FieldNode {
  readonly key: string;
  readonly path: readonly string[];
  /** `path` joined with `_`, before any collision suffix. */
  readonly joined: string;
  readonly children: Map<string, FieldNode>;
  /** Children in first-seen order. */
  readonly childList: FieldNode[];
  /** Excluded together with everything below it: its values are never looked at. */
  readonly dropped: boolean;
  /** An include entry names this node or an ancestor. */
  readonly includedByPrefix: boolean;
  /** True once the path held a non-null, non-object value (or is declared): it has a flat name. */
  hasLeaf: boolean;
  /** The leaf's column; undefined when there is no leaf or it is excluded. */
  column: ColumnState | undefined;
}

/** Told about schema changes so the batch being filled can follow them in place. */
export interface SchemaListener {
  columnAdded(column: ColumnState): void;
  columnWidened(column: ColumnState, from: InferredType): void;
}

function configError(endpoint: string, message: string, path: string): FloeError {
  return new FloeError('CONFIG_INVALID', 'config', `endpoint "${endpoint}": ${message}`, {
    details: { endpoint, path },
  });
}

export class ColumnRegistry {
  readonly root: FieldNode;
  readonly columns: ColumnState[] = [];
  /** Bumped on every change to the tree or the columns; generated code is tied to one version. */
  version = 0;

  readonly #endpoint: string;
  readonly #include: ReadonlySet<string> | undefined;
  readonly #exclude: ReadonlySet<string>;
  readonly #rename: ReadonlyMap<string, string>;
  readonly #byName = new Map<string, ColumnState>();
  readonly #usedRaw = new Set<string>();
  readonly #listener: SchemaListener;

  constructor(
    endpoint: string,
    columns: ColumnsConfig | undefined,
    schema: readonly DeclaredColumn[] | undefined,
    listener: SchemaListener,
  ) {
    this.#endpoint = endpoint;
    this.#include = columns?.include === undefined ? undefined : new Set(columns.include);
    this.#exclude = new Set(columns?.exclude ?? []);
    this.#rename = new Map(Object.entries(columns?.rename ?? {}));
    this.#listener = listener;
    this.#checkConfig(schema ?? []);
    for (const d of schema ?? []) {
      this.#addColumn(d.name, d.type, declaredConverter(endpoint, d.name, d.type), undefined);
    }
    this.root = this.#node([], '', false, false);
  }

  #checkConfig(schema: readonly DeclaredColumn[]): void {
    const targets = new Map<string, string>();
    for (const [from, to] of this.#rename) {
      const other = targets.get(to);
      if (other !== undefined) {
        throw configError(
          this.#endpoint,
          `columns.rename maps both "${other}" and "${from}" to "${to}"`,
          'columns.rename',
        );
      }
      targets.set(to, from);
    }
    const seen = new Set<string>();
    for (const d of schema) {
      if (seen.has(d.name)) throw configError(this.#endpoint, `schema declares "${d.name}" twice`, 'schema');
      seen.add(d.name);
      const source = targets.get(d.name) ?? d.name;
      for (const e of this.#exclude) {
        if (source === e || source.startsWith(`${e}_`)) {
          throw configError(
            this.#endpoint,
            `column "${d.name}" is declared in schema but excluded by columns.exclude "${e}"`,
            'columns.exclude',
          );
        }
      }
    }
  }

  #node(path: string[], joined: string, dropped: boolean, includedByPrefix: boolean): FieldNode {
    return {
      key: path[path.length - 1] ?? '',
      path,
      joined,
      children: new Map(),
      childList: [],
      dropped,
      includedByPrefix,
      hasLeaf: false,
      column: undefined,
    };
  }

  /** The child of `parent` for `key`, created (and registered) on first sight. */
  child(parent: FieldNode, key: string): FieldNode {
    const existing = parent.children.get(key);
    if (existing !== undefined) return existing;
    const path = [...parent.path, key];
    const joined = parent === this.root ? key : `${parent.joined}_${key}`;
    const node = this.#node(
      path,
      joined,
      parent.dropped || this.#exclude.has(joined),
      parent.includedByPrefix || (this.#include?.has(joined) ?? false),
    );
    parent.children.set(key, node);
    parent.childList.push(node);
    this.version++;
    // A declared column claims its path as soon as the path is seen, so an object arriving there
    // is converted (declared string → JSON text) rather than flattened.
    if (!node.dropped) {
      const raw = this.#freeRaw(joined);
      const declared = this.#byName.get(this.#rename.get(raw) ?? raw);
      if (declared?.convert !== undefined && declared.source === undefined) this.#createLeaf(node, raw);
    }
    return node;
  }

  /**
   * Records that `node` held a value of inferred type `type`: creates its leaf column or widens it.
   * Returns the column (undefined when excluded). Declared columns never change type.
   */
  observe(node: FieldNode, type: InferredType, exact = false): ColumnState | undefined {
    const col = node.hasLeaf ? node.column : this.#createLeaf(node, this.#freeRaw(node.joined), type);
    if (col === undefined || col.convert !== undefined || !isInferredType(col.type)) return col;
    if (exact && !col.exact) {
      col.exact = true;
      this.version++;
    }
    let wider = joinTypes(col.type, type);
    if (wider === 'double' && col.exact) wider = 'json';
    if (wider !== col.type) {
      const from = col.type;
      col.type = wider;
      this.version++;
      this.#listener.columnWidened(col, from);
    }
    return col;
  }

  #freeRaw(joined: string): string {
    if (!this.#usedRaw.has(joined)) return joined;
    let n = 2;
    while (this.#usedRaw.has(`${joined}__${n}`)) n++;
    return `${joined}__${n}`;
  }

  #createLeaf(node: FieldNode, raw: string, type?: InferredType): ColumnState | undefined {
    this.#usedRaw.add(raw);
    node.hasLeaf = true;
    this.version++;
    const name = this.#rename.get(raw) ?? raw;
    const existing = this.#byName.get(name);
    if (existing?.convert !== undefined && existing.source === undefined) {
      existing.source = raw; // a declared column is claimed by its path
      node.column = existing;
      return existing;
    }
    const included =
      !node.dropped &&
      !this.#exclude.has(raw) &&
      (this.#include === undefined || node.includedByPrefix || this.#include.has(raw));
    if (!included) return undefined;
    if (existing !== undefined) {
      throw configError(
        this.#endpoint,
        `columns "${existing.source ?? name}" and "${raw}" would both be named "${name}"; fix columns.rename`,
        'columns.rename',
      );
    }
    node.column = this.#addColumn(name, type ?? 'string', undefined, raw);
    this.#listener.columnAdded(node.column);
    return node.column;
  }

  #addColumn(
    name: string,
    type: LogicalType,
    convert: DeclaredConverter | undefined,
    source: string | undefined,
  ): ColumnState {
    const col: ColumnState = { name, type, index: this.columns.length, convert, source, exact: false };
    this.columns.push(col);
    this.#byName.set(name, col);
    return col;
  }
}
