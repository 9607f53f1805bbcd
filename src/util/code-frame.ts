/**
 * The lines around a position in a text file, numbered, with a caret under the column, as
 * compilers print them:
 *
 * ```
 *   3 |   - path: /users
 *   4 |     pagination: { type: cursor, cursor_parm: c }
 *     |                                 ^
 * ```
 * `line` and `col` are 1-based.
 */
export function codeFrame(text: string, line: number, col: number, context = 2): string {
  const lines = text.split(/\r?\n/);
  const from = Math.max(1, line - context);
  const to = Math.min(lines.length, line);
  const width = String(to).length;
  const out: string[] = [];
  for (let n = from; n <= to; n++) {
    const src = (lines[n - 1] ?? '').replace(/\t/g, ' ');
    out.push(`  ${String(n).padStart(width)} | ${src.length > 160 ? src.slice(0, 159) + '…' : src}`);
  }
  out.push(`  ${' '.repeat(width)} | ${' '.repeat(Math.max(0, col - 1))}^`);
  return out.join('\n');
}
