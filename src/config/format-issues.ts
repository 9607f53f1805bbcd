import type { z } from 'zod';
import { codeFrame } from '../util/code-frame.js';
import { didYouMean } from '../util/did-you-mean.js';
import type { ConfigSource } from './config-source.js';
import { objectKeys, schemaAt } from './schema-walk.js';

/** Where the issues come from: the file (and its positions, for a native config) and the schema. */
export interface IssueContext {
  readonly file?: string | undefined;
  readonly source?: ConfigSource | undefined;
  readonly schema?: z.ZodType;
}

/**
 * Turns zod issues into lines a data engineer can act on: the field's path as written in the file
 * (`endpoints[2].pagination.cursor_path`), what was wrong, and what would be valid.
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[], tree: unknown, ctx: IssueContext | string = {}): string {
  const { file, source, schema } = typeof ctx === 'string' ? { file: ctx, source: undefined, schema: undefined } : ctx;
  let frame = '';
  const lines = issues.slice(0, 10).map((issue) => {
    const key = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
    const pos = source?.locate(issue.path, key);
    if (pos && source && !frame) frame = '\n' + codeFrame(source.text, pos.line, pos.col);
    const at = pos && file ? `${file}:${pos.line}:${pos.col}: ` : '- ';
    return `  ${at}${formatPath(issue.path)}: ${describe(issue, tree, schema)}`;
  });
  if (issues.length > 10) lines.push(`  … and ${issues.length - 10} more`);
  return `${file ? `${file}: ` : ''}invalid config\n${lines.join('\n')}${frame}`;
}

/** The same issues as `{ path, message }` pairs (the API's `details[]`). */
export function issueList(issues: readonly z.core.$ZodIssue[], tree: unknown, schema?: z.ZodType): { path: string; message: string }[] {
  return issues.map((issue) => ({ path: formatPath(issue.path), message: describe(issue, tree, schema) }));
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(root)';
}

function valueAt(tree: unknown, path: readonly PropertyKey[]): unknown {
  let cur = tree;
  for (const p of path) {
    if (cur && typeof cur === 'object') cur = (cur as Record<PropertyKey, unknown>)[p];
    else return undefined;
  }
  return cur;
}

function describe(issue: z.core.$ZodIssue, tree: unknown, schema: z.ZodType | undefined): string {
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = schema ? objectKeys(schemaAt(schema, tree, issue.path)).filter((k) => !k.startsWith('$')) : [];
      const hints = issue.keys.map((k) => ({ k, near: didYouMean(k, known) }));
      const named = hints.map(({ k, near }) => `"${k}"${near ? ` (did you mean "${near}"?)` : ''}`).join(', ');
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${named}${known.length ? `; known: ${known.join(', ')}` : ''}`;
    }
    case 'invalid_union': {
      if (issue.discriminator !== undefined && issue.errors.length === 0) {
        // zod points at the discriminator itself (`pagination.type`) or at its object.
        const at = valueAt(tree, issue.path);
        const got = at && typeof at === 'object' ? (at as Record<string, unknown>)[issue.discriminator] : at;
        const known = 'options' in issue && issue.options?.length ? issue.options.join(', ') : knownTypes(issue.path);
        return got === undefined
          ? `missing "${issue.discriminator}"${known ? `; one of: ${known}` : ''}`
          : `unknown ${issue.discriminator} ${JSON.stringify(got)}${known ? `; known: ${known}` : ''}`;
      }
      return issue.message;
    }
    case 'invalid_type': {
      const got = valueAt(tree, issue.path);
      if (got === undefined) return `required (${issue.expected})`;
      return `expected ${issue.expected}, got ${describeValue(got)}`;
    }
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(valueAt(tree, issue.path))}`;
    case 'invalid_format':
      if (issue.format === 'url') return `expected an http:// or https:// URL, got ${describeValue(valueAt(tree, issue.path))}`;
      return `expected a valid ${issue.format}, got ${describeValue(valueAt(tree, issue.path))}`;
    case 'too_small':
      return issue.origin === 'array'
        ? `needs at least ${String(issue.minimum)} item(s)`
        : issue.origin === 'string'
          ? 'must not be empty'
          : `must be ${issue.inclusive ? '≥' : '>'} ${String(issue.minimum)}`;
    case 'too_big':
      return `must be ${issue.inclusive ? '≤' : '<'} ${String(issue.maximum)}`;
    default:
      return issue.message;
  }
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  const s = JSON.stringify(v);
  return `${typeof v} ${s.length > 40 ? s.slice(0, 40) + '…' : s}`;
}

function knownTypes(path: readonly PropertyKey[]): string | undefined {
  const last = [...path].reverse().find((p) => typeof p === 'string');
  switch (last) {
    case 'auth':
      return 'api_key, bearer, basic, oauth2_client_credentials';
    case 'pagination':
      return 'offset, cursor, page_number, link_header, next_link, single_page';
    case 'destination':
      return 'duckdb, snowflake';
    default:
      return undefined;
  }
}
