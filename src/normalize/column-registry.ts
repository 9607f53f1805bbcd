/**
 * What an endpoint's records have looked like so far: a tree of every key path seen, and the
 * columns those paths produce. Both flatten paths (generic and generated) read it; only the
 * generic path changes it.
 *
 * Column rules (documented for users in the README, "Column rules"):
 * - A nested key's column is its path joined by the naming convention (column-naming.ts):
 *   `fields.statusCategory.key` → `fields_statusCategory_key`. An empty key is `_empty`; a name
 *   starting with `_floe_` gets one more `_`.
 * - A field that has only ever been null still gets a column (type `null`, VARCHAR in the
 *   warehouse) that takes the real type when a value comes. An empty object `{}` gives none.
 * - Objects deeper than `maxNesting` are not flattened: the column at that depth holds JSON text.
 * - Collisions: names are case-insensitive. When two paths want one name, the one that ranks
 *   first keeps it: a shallower path (a record's own key beats a flattened nested path), then a
 *   name written as the source wrote it, then the path's text. The other is named
 *   `<name>__<hash of its path>`, the same in every run, and a warning names both paths. A path
 *   that arrives later but ranks first takes the name over as long as no batch has carried it.
 * - Names given in earlier runs (`known`) keep their paths: a known path always gets its known
 *   name, and no other path takes it.
 * - `include`/`exclude` entries match a flattened name, or a parent object's flattened name,
 *   which then covers all of its children. `exclude` wins over `include`. Declared columns are
 *   always included. `rename` maps a flattened name to the final name; two columns ending up with
 *   one name (in any case) is a config error.
 */
import type { ColumnsConfig, DeclaredColumn } from '../config/schema.js';
import type { LogicalType } from '../types.js';
import { FloeError } from '../util/errors.js';
import { displayPath, fold, segment, separator, suffixed, unreserved, type Naming } from './column-naming.js';
import { declaredConverter, type DeclaredConverter } from './declared-types.js';
import { isInferredType, joinTypes, type InferredType } from './type-lattice.js';

/** One output column. `index` is its position in `columns` and in a batch's `values`. */
export interface ColumnState {
  /** The final name (after `columns.rename`). */
  name: string;
  type: LogicalType;
  readonly index: number;
  /** Set for declared columns: every value goes through it. */
  readonly convert: DeclaredConverter | undefined;
  /** The flattened (pre-rename) name of the path that feeds it; undefined while unclaimed. */
  source: string | undefined;
  /** The path that feeds it; undefined for a declared column not seen yet. */
  node: FieldNode | undefined;
  /**
   * It has held an integer a double cannot hold exactly: meeting a double then widens it to json
   * (exact text) instead of double.
   */
  exact: boolean;
  /** A batch has carried its name, so it can no longer be renamed. */
  emitted: boolean;
}

/** One key path seen in the records. */
export interface FieldNode {
  readonly key: string;
  readonly path: readonly string[];
  /** The path's flattened name under the naming convention, before the collision rule. */
  readonly joined: string;
  /** True when `joined` spells the keys as the source did (no convention or empty-key change). */
  readonly verbatim: boolean;
  readonly children: Map<string, FieldNode>;
  /** Children in first-seen order. */
  readonly childList: FieldNode[];
  /** Excluded together with everything below it: its values are never looked at. */
  readonly dropped: boolean;
  /** An include entry names this node or an ancestor. */
  readonly includedByPrefix: boolean;
  /** Deeper than `maxNesting`: an object here is one JSON-text value, not flattened. */
  readonly flat: boolean;
  /** True once the path held a value that is not an object to flatten (or is declared). */
  hasLeaf: boolean;
  /** The leaf's column; undefined when there is no leaf or it is excluded. */
  column: ColumnState | undefined;
}

/** Told about schema changes so the batch being filled can follow them in place. */
export interface SchemaListener {
  columnAdded(column: ColumnState): void;
  columnWidened(column: ColumnState, from: InferredType): void;
}

/** A column name an earlier run gave to a path. */
export interface KnownColumn {
  readonly name: string;
  readonly path: readonly string[];
}

/** How the registry names and limits columns. */
export interface RegistryOptions {
  readonly naming: Naming;
  /** Objects at a depth beyond this (top-level keys are depth 1) stay JSON text. */
  readonly maxNesting: number;
  /** More inferred columns than this fail the endpoint with `TOO_MANY_COLUMNS`. */
  readonly maxColumns: number;
  /** Strings in ISO-8601 form are typed timestamp/date. */
  readonly inferTimestamps: boolean;
  readonly known: readonly KnownColumn[];
}

/** A flattened name given to a path, and its column (undefined when excluded). */
interface Held {
  readonly node: FieldNode;
  readonly column: ColumnState | undefined;
  raw: string;
}

function configError(endpoint: string, message: string, path: string): FloeError {
  return new FloeError('CONFIG_INVALID', 'config', `endpoint "${endpoint}": ${message}`, {
    details: { endpoint, path },
  });
}

/** Orders paths competing for one name: shallower, then verbatim, then by path text. */
function ranksBefore(a: FieldNode, b: FieldNode): boolean {
  if (a.path.length !== b.path.length) return a.path.length < b.path.length;
  if (a.verbatim !== b.verbatim) return a.verbatim;
  return JSON.stringify(a.path) < JSON.stringify(b.path);
}

export class ColumnRegistry {
  readonly root: FieldNode;
  readonly columns: ColumnState[] = [];
  /** Bumped on every change to the tree or the columns; generated code is tied to one version. */
  version = 0;

  readonly #endpoint: string;
  readonly #opts: RegistryOptions;
  readonly #include: ReadonlySet<string> | undefined;
  readonly #exclude: ReadonlySet<string>;
  readonly #rename: ReadonlyMap<string, string>;
  /** Final names, folded. */
  readonly #byName = new Map<string, ColumnState>();
  /** Flattened names given to paths, folded → the path's column (or undefined when excluded). */
  readonly #raw = new Map<string, Held>();
  /** Known names: path text → name, and folded name → path text. */
  readonly #knownByPath = new Map<string, string>();
  readonly #knownNames = new Map<string, string>();
  readonly #listener: SchemaListener;
  /** Paths seen as null and nothing else yet: they get a `null` column when a batch is cut. */
  #nullOnly = new Set<FieldNode>();

  constructor(
    endpoint: string,
    columns: ColumnsConfig | undefined,
    schema: readonly DeclaredColumn[] | undefined,
    listener: SchemaListener,
    opts: RegistryOptions,
  ) {
    this.#endpoint = endpoint;
    this.#opts = opts;
    this.#include = columns?.include === undefined ? undefined : new Set(columns.include);
    this.#exclude = new Set(columns?.exclude ?? []);
    this.#rename = new Map(Object.entries(columns?.rename ?? {}));
    this.#listener = listener;
    for (const k of opts.known) {
      const key = JSON.stringify(k.path);
      this.#knownByPath.set(key, k.name);
      this.#knownNames.set(fold(k.name), key);
    }
    this.#checkConfig(schema ?? []);
    for (const d of schema ?? []) {
      this.#addColumn(d.name, d.type, declaredConverter(endpoint, d.name, d.type), undefined, undefined);
    }
    this.root = this.#node([], '', true, false, false, false);
  }

  #checkConfig(schema: readonly DeclaredColumn[]): void {
    const targets = new Map<string, string>();
    for (const [from, to] of this.#rename) {
      const other = targets.get(fold(to));
      if (other !== undefined) {
        throw configError(
          this.#endpoint,
          `columns.rename maps both "${other}" and "${from}" to "${to}" (names are case-insensitive)`,
          'columns.rename',
        );
      }
      targets.set(fold(to), from);
    }
    const seen = new Set<string>();
    for (const d of schema) {
      if (seen.has(fold(d.name))) throw configError(this.#endpoint, `schema declares "${d.name}" twice`, 'schema');
      seen.add(fold(d.name));
      const source = targets.get(fold(d.name)) ?? d.name;
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

  #node(
    path: string[],
    joined: string,
    verbatim: boolean,
    dropped: boolean,
    includedByPrefix: boolean,
    flat: boolean,
  ): FieldNode {
    return {
      key: path[path.length - 1] ?? '',
      path,
      joined,
      verbatim,
      children: new Map(),
      childList: [],
      dropped,
      includedByPrefix,
      flat,
      hasLeaf: false,
      column: undefined,
    };
  }

  /** The child of `parent` for `key`, created (and registered) on first sight. */
  child(parent: FieldNode, key: string): FieldNode {
    const existing = parent.children.get(key);
    if (existing !== undefined) return existing;
    const naming = this.#opts.naming;
    const seg = segment(key, naming);
    const path = [...parent.path, key];
    const joined = parent === this.root ? seg : `${parent.joined}${separator(naming)}${seg}`;
    const node = this.#node(
      path,
      joined,
      parent.verbatim && seg === key,
      parent.dropped || this.#exclude.has(joined),
      parent.includedByPrefix || (this.#include?.has(joined) ?? false),
      path.length > this.#opts.maxNesting,
    );
    parent.children.set(key, node);
    parent.childList.push(node);
    this.version++;
    // A declared column claims its path as soon as the path is seen, so an object arriving there
    // is converted (declared string → JSON text) rather than flattened.
    if (!node.dropped) {
      const plain = unreserved(joined);
      const declared = this.#byName.get(fold(this.#rename.get(plain) ?? plain));
      if (declared?.convert !== undefined && declared.source === undefined) this.#createLeaf(node, 'string');
    }
    return node;
  }

  /**
   * Records that `node` held a value of inferred type `type` (`null` for a null): creates its leaf
   * column or widens it. `exact` says the value was an integer beyond 2^53. Returns the column
   * (undefined when excluded). Declared columns never change type.
   */
  observe(node: FieldNode, type: InferredType, exact = false): ColumnState | undefined {
    const col = node.hasLeaf ? node.column : this.#createLeaf(node, type);
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

  /** Whether ISO-8601 strings are typed timestamp/date. */
  get inferTimestamps(): boolean {
    return this.#opts.inferTimestamps;
  }

  /** Notes that `node` held null. */
  sawNull(node: FieldNode): void {
    if (!node.hasLeaf && node.childList.length === 0 && !node.dropped) this.#nullOnly.add(node);
  }

  /**
   * Called when a batch is cut: every path seen only as null so far gets its column (type `null`),
   * so a field that is null on every row still exists in the table. Waiting for the cut lets a
   * field that is null in the first records but an object later flatten without an empty column.
   * Then marks every column as carried by a batch: from now on names are fixed.
   */
  emitted(): void {
    const pending = this.#nullOnly;
    this.#nullOnly = new Set();
    for (const node of pending) {
      if (!node.hasLeaf && node.childList.length === 0) this.observe(node, 'null');
    }
    for (const c of this.columns) c.emitted = true;
  }

  /**
   * Lines for the run summary: each group of paths that wanted one name, and which name each got;
   * each name changed because it started with floe's reserved prefix.
   */
  get warnings(): string[] {
    const groups = new Map<string, Held[]>();
    for (const held of this.#raw.values()) {
      const key = fold(unreserved(held.node.joined));
      groups.set(key, [...(groups.get(key) ?? []), held]);
    }
    const out: string[] = [];
    for (const list of groups.values()) {
      list.sort((a, b) => (ranksBefore(a.node, b.node) ? -1 : 1));
      const first = list[0] as Held;
      const plain = unreserved(first.node.joined);
      if (list.length === 1) {
        if (plain !== first.node.joined && first.raw === plain) {
          out.push(`"${displayPath(first.node.path)}" is loaded as ${plain}: names starting with _floe_ are floe's own`);
        }
        continue;
      }
      const described = list.map((h) => `"${displayPath(h.node.path)}" → ${h.raw}`).join(', ');
      out.push(
        `columns collide on "${plain}" (names are case-insensitive; a record's own key keeps the name, ` +
          `another path gets a stable suffix): ${described}`,
      );
    }
    return out;
  }

  /** The flattened name for a new leaf, after the collision rule (see the module doc). */
  #rawName(node: FieldNode): string {
    const key = JSON.stringify(node.path);
    const known = this.#knownByPath.get(key);
    if (known !== undefined && !this.#raw.has(fold(known))) return known;
    const plain = unreserved(node.joined);
    const reservedFor = this.#knownNames.get(fold(plain));
    const holder = this.#raw.get(fold(plain));
    if ((reservedFor === undefined || reservedFor === key) && holder === undefined) return plain;
    if (reservedFor === undefined && holder !== undefined && this.#canYield(holder, node)) {
      this.#demote(holder);
      return plain;
    }
    return this.#freeSuffixed(plain, node.path);
  }

  /** Whether `holder` may give its name to `node`: `node` ranks first and no batch used the name. */
  #canYield(holder: Held, node: FieldNode): boolean {
    const c = holder.column;
    if (c !== undefined && (c.emitted || c.convert !== undefined || c.name !== c.source)) return false;
    if (this.#knownByPath.has(JSON.stringify(holder.node.path))) return false;
    return ranksBefore(node, holder.node);
  }

  #demote(held: Held): void {
    const raw = this.#freeSuffixed(unreserved(held.node.joined), held.node.path);
    this.#raw.delete(fold(held.raw));
    held.raw = raw;
    this.#raw.set(fold(raw), held);
    const column = held.column;
    if (column !== undefined) {
      this.#byName.delete(fold(column.name));
      column.source = raw;
      column.name = this.#rename.get(raw) ?? raw;
      this.#byName.set(fold(column.name), column);
    }
    this.version++;
  }

  #freeSuffixed(plain: string, path: readonly string[]): string {
    for (let length = 6; ; length += 2) {
      const name = suffixed(plain, path, length);
      if (!this.#raw.has(fold(name)) && !this.#knownNames.has(fold(name))) return name;
    }
  }

  #createLeaf(node: FieldNode, type: InferredType): ColumnState | undefined {
    const raw = this.#rawName(node);
    node.hasLeaf = true;
    this.version++;
    const name = this.#rename.get(raw) ?? raw;
    const existing = this.#byName.get(fold(name));
    if (existing?.convert !== undefined && existing.source === undefined) {
      existing.source = raw; // a declared column is claimed by its path
      existing.node = node;
      node.column = existing;
      this.#raw.set(fold(raw), { node, column: existing, raw });
      return existing;
    }
    const included =
      !node.dropped &&
      !this.#exclude.has(raw) &&
      (this.#include === undefined || node.includedByPrefix || this.#include.has(raw));
    if (!included) {
      this.#raw.set(fold(raw), { node, column: undefined, raw });
      return undefined;
    }
    if (existing !== undefined) {
      throw configError(
        this.#endpoint,
        `columns "${existing.source ?? existing.name}" and "${raw}" would both be named "${name}" (names are case-insensitive); fix columns.rename`,
        'columns.rename',
      );
    }
    if (this.columns.length >= this.#opts.maxColumns) throw this.#tooMany(node);
    node.column = this.#addColumn(name, type, undefined, raw, node);
    this.#raw.set(fold(raw), { node, column: node.column, raw });
    this.#listener.columnAdded(node.column);
    return node.column;
  }

  /** The error for one column too many, naming the object with the most keys: the usual culprit. */
  #tooMany(node: FieldNode): FloeError {
    let widest = this.root;
    const visit = (n: FieldNode): void => {
      if (n.childList.length > widest.childList.length) widest = n;
      for (const c of n.childList) visit(c);
    };
    visit(this.root);
    const max = this.#opts.maxColumns;
    const fix =
      widest === this.root
        ? 'list the columns you need in columns.include'
        : `declare "${widest.joined}" as a string in endpoints[].schema (it then holds the whole object as JSON text), ` +
          `or set normalize.max_table_nesting: ${widest.path.length - 1}`;
    return new FloeError(
      'TOO_MANY_COLUMNS',
      'terminal',
      `endpoint "${this.#endpoint}": more than ${max} columns (the next would be "${displayPath(node.path)}"); ` +
        `${widest === this.root ? 'the records' : `"${displayPath(widest.path)}"`} has at least ${widest.childList.length} distinct keys, ` +
        `typically a map keyed by ids. To load it, ${fix}; or raise normalize.max_columns ` +
        `(and the destination's memory_limit) to get every key as a column.`,
      { details: { endpoint: this.#endpoint, path: 'normalize.max_columns' } },
    );
  }

  #addColumn(
    name: string,
    type: LogicalType,
    convert: DeclaredConverter | undefined,
    source: string | undefined,
    node: FieldNode | undefined,
  ): ColumnState {
    const col: ColumnState = {
      name,
      type,
      index: this.columns.length,
      convert,
      source,
      node,
      exact: false,
      emitted: false,
    };
    this.columns.push(col);
    this.#byName.set(fold(name), col);
    return col;
  }
}
