import { readdir, readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { FloeError } from '../util/errors.js';
import { Redactor } from '../util/redact.js';
import { floeConfig, type EndpointConfig, type FloeConfig } from './schema.js';
import { resolveEnv } from './template.js';
import { translateDialect } from './dialects/translate-dialect.js';
import { formatIssues, formatPath } from './format-issues.js';
import { secretValues } from './secret-fields.js';
import { checkParentLinks } from './parent-links.js';

export interface LoadedConfig {
  readonly config: FloeConfig;
  /** Knows every secret value of this config; pass it to logging, errors and history. */
  readonly redactor: Redactor;
  readonly file: string | undefined;
  /** Which dialect the file was written in (`native`, `dlt`, `rest_api`). */
  readonly dialect: string;
}

/**
 * Where a value from `{{ env.X }}` is a secret even outside a `secret()` field: everything that
 * travels in a request — the URL (`base_url`, an endpoint `path`: bot and webhook APIs put the
 * token there), headers, query parameters, bodies and auth. Secret fields themselves are
 * declared on the schema (see `secret()`).
 */
const ENV_SECRET_PATH = /^(base_url$|auth\.|headers\.|endpoints\[\d+\]\.(path$|headers\.|query_params\.|body\b))/;

export async function loadConfigFile(file: string, env = process.env): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new FloeError('CONFIG_NOT_FOUND', 'config', await unreadable(file, e), { cause: e });
  }
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true });
  } catch (e) {
    throw new FloeError(
      'CONFIG_INVALID',
      'config',
      `${file}: not valid YAML/JSON: ${(e as Error).message.split('\n')[0] ?? ''}`,
      { cause: e },
    );
  }
  return parseConfig(raw, env, file);
}

/** Why a config path cannot be read, in words: missing, a directory (listing its configs), no permission. */
async function unreadable(file: string, e: unknown): Promise<string> {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `config file not found: ${file}`;
  if (code === 'EISDIR') {
    const configs = (await readdir(file).catch(() => [])).filter((n) => /\.(ya?ml|json)$/i.test(n)).sort();
    return `${file} is a directory, not a config file; ` +
      (configs.length ? `configs in it: ${configs.slice(0, 8).join(', ')}${configs.length > 8 ? ', …' : ''}` : 'it holds no .yaml, .yml or .json file');
  }
  if (code === 'EACCES') return `cannot read config file ${file}: permission denied`;
  return `cannot read config file ${file}: ${code ?? String(e)}`;
}

/** Validates an already-parsed config tree (YAML/JSON object) in any supported dialect. */
export function parseConfig(raw: unknown, env: Record<string, string | undefined> = process.env, file?: string): LoadedConfig {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new FloeError('CONFIG_INVALID', 'config', `${file ?? 'config'}: expected a mapping at the top level`);
  }
  const redactor = new Redactor();
  // Every env value, to keep out of error messages whatever field it landed in.
  const fromEnv = new Redactor();
  const { dialect, tree } = translateDialect(raw as Record<string, unknown>, file);
  try {
    const resolved = resolveEnv(tree, env, (path, value) => {
      fromEnv.add(value);
      if (ENV_SECRET_PATH.test(path)) redactor.add(value);
    });
    const result = floeConfig.safeParse(resolved);
    if (!result.success) {
      // Values are quoted from the file as written (`{{ env.X }}`, not what it resolved to).
      throw new FloeError('CONFIG_INVALID', 'config', formatIssues(result.error.issues, tree, file), {
        details: { path: formatPath(result.error.issues[0]?.path ?? []) },
      });
    }
    const config = result.data;
    for (const s of secretValues(floeConfig, config)) redactor.add(s.value);
    // Basic auth sends base64(username:password): the composite is a secret of its own.
    if (config.auth?.type === 'basic') redactor.add(`${config.auth.username}:${config.auth.password}`);
    checkSemantics(config, file);
    return { config, redactor, file, dialect };
  } catch (e) {
    if (e instanceof FloeError && e.kind === 'config') {
      throw new FloeError(e.code, e.kind, fromEnv.text(redactor.text(e.message)), { details: fromEnv.value(e.details), cause: e });
    }
    throw e;
  }
}

/** Rules that cross fields, which the schema cannot say. */
function checkSemantics(config: FloeConfig, file: string | undefined): void {
  const where = file ? `${file}: ` : '';
  const fail = (path: string, message: string): never => {
    throw new FloeError('CONFIG_INVALID', 'config', `${where}${path}: ${message}`, { details: { path } });
  };
  checkParentLinks(config.endpoints, config.endpoints.map(endpointName), where);
  const names = new Map<string, number>();
  const tables = new Map<string, number>();
  config.endpoints.forEach((e, i) => {
    const name = endpointName(e);
    const table = tableName(e);
    if (!/^[\w$-]+$/.test(table)) {
      fail(`endpoints[${i}].table_name`, `"${table}" is not a usable table name; set table_name (letters, digits, _ or $)`);
    }
    const seen = names.get(name);
    if (seen !== undefined) fail(`endpoints[${i}].name`, `duplicate endpoint name "${name}" (also endpoints[${seen}]); set name`);
    names.set(name, i);
    const seenTable = tables.get(table.toLowerCase());
    if (seenTable !== undefined) {
      fail(`endpoints[${i}].table_name`, `table "${table}" is also loaded by endpoints[${seenTable}]; give each endpoint its own table`);
    }
    tables.set(table.toLowerCase(), i);
    const disposition = e.write_disposition ?? config.destination.write_disposition;
    if (disposition === 'merge' && !e.primary_key) {
      fail(`endpoints[${i}].primary_key`, 'write_disposition merge needs primary_key (a list of column names)');
    }
    if (e.body !== undefined && e.method !== 'POST') {
      fail(`endpoints[${i}].body`, 'a request body is only sent with method: POST');
    }
    if (e.body_format === 'form' && (e.body === null || typeof e.body !== 'object' || Array.isArray(e.body))) {
      fail(`endpoints[${i}].body`, 'body_format: form needs body to be a mapping of fields');
    }
    const rl = config.rate_limit;
    if (rl && rl.requests_per_second === undefined && rl.requests_per_minute === undefined && !rl.respect_retry_after) {
      fail('rate_limit', 'set requests_per_second and/or requests_per_minute');
    }
  });
}

/** The endpoint's name for `--endpoint` and run history: `name`, else its table name. */
export function endpointName(e: EndpointConfig): string {
  return e.name ?? tableName(e);
}

/**
 * The destination table: `table_name`, else the last path segment without its extension
 * (`/api/v2/tickets.json` → `tickets`).
 */
export function tableName(e: EndpointConfig): string {
  if (e.table_name) return e.table_name;
  let path = e.path;
  if (/^https?:\/\//i.test(path)) {
    try {
      path = new URL(path).pathname;
    } catch {
      // keep as is: the schema validated it as a string only
    }
  }
  const segments = path.split('?')[0]!.split('/').filter((s) => s && !/^\{\{.*\}\}$/.test(s));
  const last = segments[segments.length - 1] ?? '';
  return last.replace(/\.[A-Za-z0-9]+$/, '');
}
