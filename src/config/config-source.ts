import { isMap, LineCounter, parseDocument, type Node } from 'yaml';
import { codeFrame } from '../util/code-frame.js';
import { FloeError } from '../util/errors.js';

/** Where a config path is in the file: 1-based line and column. */
export interface SourcePosition {
  readonly line: number;
  readonly col: number;
}

/** A parsed config file that can say where each of its values is written. */
export interface ConfigSource {
  readonly tree: unknown;
  readonly text: string;
  /** The position of the value at `path` (or of `key` inside it), else of its nearest parent. */
  locate(path: readonly PropertyKey[], key?: string): SourcePosition | undefined;
}

/**
 * Parses a YAML (or JSON) config. A syntax error is `CONFIG_INVALID` as `file:line:col` with the
 * lines around it; so is any YAML tag outside the core schema (`!!js/function`, `!custom`): a
 * config holds data, never code or objects of some type.
 */
export function parseConfigSource(text: string, file: string): ConfigSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, lineCounter, uniqueKeys: true });
  const problem = doc.errors[0] ?? doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED') ?? doc.warnings[0];
  if (problem) {
    const pos = problem.linePos?.[0] ?? { line: 1, col: 1 };
    const message = problem.message.split(/ at line \d+, column \d+/)[0] ?? problem.message;
    const what = problem.code === 'TAG_RESOLVE_FAILED'
      ? `${message}: YAML tags are not supported (a config holds plain data: strings, numbers, booleans, lists, mappings)`
      : `not valid YAML: ${message}`;
    throw new FloeError('CONFIG_INVALID', 'config', `${file}:${pos.line}:${pos.col}: ${what}\n${codeFrame(text, pos.line, pos.col)}`, {
      details: { line: pos.line, col: pos.col },
    });
  }
  let tree: unknown;
  try {
    tree = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new FloeError('CONFIG_INVALID', 'config', `${file}: not valid YAML: ${(e as Error).message}`, { cause: e });
  }
  const at = (node: Node | undefined | null): SourcePosition | undefined =>
    node?.range ? lineCounter.linePos(node.range[0]) : undefined;
  return {
    tree,
    text,
    locate(path, key) {
      for (let n = path.length; n >= 0; n--) {
        const node = doc.getIn(path.slice(0, n), true) as Node | undefined;
        if (!node) continue;
        if (n === path.length && key !== undefined && isMap(node)) {
          const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
          const pos = at(pair?.key as Node | undefined);
          if (pos) return pos;
        }
        const pos = at(node);
        if (pos) return pos;
      }
      return undefined;
    },
  };
}

/** `endpoints[2].pagination.cursor_path` → `['endpoints', 2, 'pagination', 'cursor_path']`. */
export function pathSegments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}
