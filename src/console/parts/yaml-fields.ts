import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';

/** An error placed on a line of the YAML text (1-based), or on no line when its path is not there. */
export interface PlacedIssue {
  readonly line: number | undefined;
  readonly field: string;
  readonly message: string;
}

/** `endpoints[0].pagination.cursor_path` → ['endpoints', 0, 'pagination', 'cursor_path']. */
export function parseFieldPath(field: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of field.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1]) out.push(m[1]);
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

/**
 * The YAML syntax errors of `text`, each on its line; empty when it parses. Checked in the browser
 * before anything is sent, so a typo is shown where it is at once.
 */
export function yamlSyntaxIssues(text: string): PlacedIssue[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter: lines });
  return doc.errors.map((e) => ({
    line: lines.linePos(e.pos[0]).line,
    field: 'config',
    message: e.message.split('\n')[0] ?? e.message,
  }));
}

/**
 * Places the API's validation details (`config.endpoints[0].pagination.cursor_path`) on the line
 * of the YAML text where that field is written. A missing field is placed on its parent; an
 * unknown key quoted in the message (`Unrecognized key: "colour"`) on that key.
 */
export function placeIssues(
  text: string,
  issues: readonly { field: string; message: string }[],
  prefix = 'config',
): PlacedIssue[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const lineOf = (offset: number): number => lines.linePos(offset).line;
  return issues.map((i) => {
    const rel =
      i.field === prefix
        ? ''
        : i.field.startsWith(`${prefix}.`)
          ? i.field.slice(prefix.length + 1)
          : undefined;
    if (rel === undefined) return { line: undefined, field: i.field, message: i.message };
    const path = rel ? parseFieldPath(rel) : [];
    let node: unknown = doc.contents;
    let offset: number | undefined = (doc.contents as Node | null)?.range?.[0];
    for (const key of path) {
      const found = child(node, key);
      if (!found) break;
      node = found.value;
      offset = found.offset;
    }
    // A key quoted in the message (an unknown key) that this mapping holds: point at that key.
    for (const quoted of i.message.matchAll(/"([^"]+)"/g)) {
      const keyed = child(node, quoted[1]!);
      if (keyed) {
        offset = keyed.offset;
        break;
      }
    }
    return { line: offset === undefined ? undefined : lineOf(offset), field: i.field, message: i.message };
  });
}

function child(
  node: unknown,
  key: string | number,
): { value: unknown; offset: number | undefined } | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const k = isScalar(pair.key) ? pair.key.value : pair.key;
      if (String(k) === String(key)) {
        const at = (pair.key as Node | null)?.range?.[0] ?? (pair.value as Node | null)?.range?.[0];
        return { value: pair.value, offset: at };
      }
    }
    return undefined;
  }
  if (isSeq(node) && typeof key === 'number') {
    const item = node.items[key] as Node | undefined;
    return item ? { value: item, offset: item.range?.[0] } : undefined;
  }
  return undefined;
}
