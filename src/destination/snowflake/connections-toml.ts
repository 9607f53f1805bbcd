/**
 * `connections.toml` (the Snowflake CLI's and drivers' file), read with smol-toml — a full TOML
 * 1.0 parser, so a multi-line string, a float or an inline table in *another* connection never
 * makes the file unreadable — and checked as the Snowflake tools check it: a file that others may
 * write (or that is executable) is refused, one that others may read gets a warning.
 */
import { parse } from 'smol-toml';
import { FloeError } from '../../util/errors.js';

/** A value floe reads from connections.toml (other TOML values are kept, and ignored). */
export type TomlValue = unknown;
/** Connection name → its keys. */
export type TomlTables = Readonly<Record<string, Readonly<Record<string, TomlValue>>>>;

/** Parses connections.toml text into `{ connectionName: { key: value } }` (`[name]` or `[connections.name]`). */
export function parseConnectionsToml(text: string, file = 'connections.toml'): TomlTables {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text);
  } catch (e) {
    const m = e as { line?: number; column?: number; message?: string };
    const where = m.line !== undefined ? `:${m.line}${m.column !== undefined ? `:${m.column}` : ''}` : '';
    throw new FloeError('CONFIG_INVALID', 'config', `${file}${where}: not valid TOML: ${(m.message ?? String(e)).split('\n')[0]}`, {
      cause: e,
      details: { path: file },
    });
  }
  const tables: Record<string, Record<string, unknown>> = {};
  const isTable = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
  for (const [name, value] of Object.entries(doc)) {
    if (!isTable(value)) continue;
    if (name === 'connections') {
      for (const [inner, v] of Object.entries(value)) if (isTable(v)) tables[inner] = { ...v };
    } else {
      tables[name] = { ...value };
    }
  }
  return tables;
}

/**
 * The Snowflake tools' permission rules for a credentials file, by its mode bits: refused when
 * group or others may write it, or when it is executable; a warning when others may read it.
 */
export function checkPermissions(mode: number, file: string): { warning?: string } {
  const p = mode & 0o777;
  const octal = p.toString(8).padStart(3, '0');
  if ((p & 0o022) !== 0) {
    throw new FloeError('CONFIG_INVALID', 'config', `${file} is writable by group or others (mode ${octal}): anyone could change where floe connects; run chmod 600 ${file}`, {
      details: { path: file },
    });
  }
  if ((p & 0o111) !== 0) {
    throw new FloeError('CONFIG_INVALID', 'config', `${file} is executable (mode ${octal}); run chmod 600 ${file}`, { details: { path: file } });
  }
  if ((p & 0o044) !== 0) return { warning: `${file} is readable by group or others (mode ${octal}); it may hold credentials: chmod 600 ${file}` };
  return {};
}
