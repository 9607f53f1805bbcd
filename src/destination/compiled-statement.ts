/**
 * The one statement type every dialect compiles to: SQL text with positional `?` binds, frozen.
 * Values (run ids, endpoint names, state JSON, timestamps) always travel as binds; identifiers
 * and the few literals SQL cannot bind (file paths, stage locations) go through the dialect's
 * quoting functions. A statement is never split or concatenated after it is compiled.
 */

/** A positional bind value. */
export type Bind = string | number | boolean | null;

/** One statement and its binds; always frozen. */
export interface CompiledStatement {
  readonly sql: string;
  readonly binds: readonly Bind[];
}

/** Builds a frozen statement. */
export function compiled(sql: string, binds: readonly Bind[] = []): CompiledStatement {
  return Object.freeze({ sql, binds: Object.freeze([...binds]) });
}
