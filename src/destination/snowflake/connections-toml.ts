/**
 * The subset of TOML that `~/.snowflake/connections.toml` uses: `[name]` (or `[connections.name]`)
 * tables of `key = value` lines, with basic and literal strings, integers and booleans, and `#`
 * comments. Anything else is reported with its line number rather than guessed at.
 */
import { FloeError } from '../../util/errors.js';

/** A value floe reads from connections.toml. */
export type TomlValue = string | number | boolean;
/** Connection name → its keys. */
export type TomlTables = Readonly<Record<string, Readonly<Record<string, TomlValue>>>>;

/** Parses connections.toml text into `{ connectionName: { key: value } }`. */
export function parseConnectionsToml(text: string, file = 'connections.toml'): TomlTables {
  const tables: Record<string, Record<string, TomlValue>> = {};
  let current: Record<string, TomlValue> | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = stripComment(raw).trim();
    if (line === '') return;
    const fail = (why: string): never => {
      throw new FloeError('CONFIG_INVALID', 'config', `${file}:${i + 1}: ${why}`, {
        details: { path: file },
      });
    };
    const header = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (header) {
      const parts = splitKey(header[1] as string, fail);
      const name =
        parts[0] === 'connections' && parts.length === 2
          ? parts[1]
          : parts.length === 1
            ? parts[0]
            : undefined;
      if (name === undefined) return fail(`unsupported table header [${header[1]}]`);
      current = tables[name] ??= {};
      return;
    }
    const eq = line.indexOf('=');
    if (eq < 0) return fail('expected key = value');
    const key = splitKey(line.slice(0, eq).trim(), fail);
    if (key.length !== 1) return fail(`dotted keys are not supported (${line.slice(0, eq).trim()})`);
    if (!current) return fail('key outside of a [connection] table');
    current[key[0] as string] = parseValue(line.slice(eq + 1).trim(), fail);
  });
  return tables;
}

function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#') {
      return line.slice(0, i);
    }
  }
  return line;
}

function splitKey(key: string, fail: (why: string) => never): string[] {
  const parts: string[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*(\.|$)/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < key.length && (m = re.exec(key))) {
    parts.push(m[1] !== undefined ? unescape(m[1], fail) : (m[2] ?? m[3] ?? ''));
    if (m[4] === '') break;
  }
  if (parts.length === 0 || re.lastIndex < key.length) fail(`invalid key '${key}'`);
  return parts;
}

function parseValue(v: string, fail: (why: string) => never): TomlValue {
  if (v.startsWith('"""') || v.startsWith("'''")) return fail('multi-line strings are not supported');
  const basic = /^"((?:[^"\\]|\\.)*)"$/.exec(v);
  if (basic) return unescape(basic[1] as string, fail);
  const literal = /^'([^']*)'$/.exec(v);
  if (literal) return literal[1] as string;
  if (v === 'true' || v === 'false') return v === 'true';
  if (/^[+-]?\d[\d_]*$/.test(v)) return Number(v.replaceAll('_', ''));
  return fail(`unsupported value ${v}`);
}

function unescape(s: string, fail: (why: string) => never): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (_, e: string) => {
    const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', '\\': '\\' };
    if (e.length > 1) return String.fromCodePoint(parseInt(e.slice(1), 16));
    return map[e] ?? fail(`invalid escape \\${e}`);
  });
}
