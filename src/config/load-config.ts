import { readdir, readFile } from 'node:fs/promises';
import { FloeError } from '../util/errors.js';
import { Redactor } from '../util/redact.js';
import { floeConfig, type EndpointConfig, type FloeConfig } from './schema.js';
import { resolveEnv } from './template.js';
import { translateDialect } from './dialects/translate-dialect.js';
import { formatIssues, formatPath, issueList } from './format-issues.js';
import { secretValues } from './secret-fields.js';
import { checkSemantics } from './check-semantics.js';
import { parseConfigSource, pathSegments, type ConfigSource } from './config-source.js';
import { codeFrame } from '../util/code-frame.js';

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

/**
 * Where `floe plan` may stand in for an unset variable: credentials, which never change a plan
 * (slice ids and the config hash mask them), unlike `base_url` or a path.
 */
const CREDENTIAL_PATH =
  /^(auth\.|headers\.|endpoints\[\d+\]\.(headers\.|query_params\.)|destination\.(password|token|private_key_passphrase)$)/;
/** What an unset credential reads as in a plan; masked like any secret. */
const UNSET_CREDENTIAL = 'unset-credential-for-planning';

export interface LoadOptions {
  /**
   * Unset env variables in credentials (`auth`, headers, query parameters, the Snowflake
   * password or token) get a stand-in instead of failing: for commands that never connect
   * (`floe plan`).
   */
  readonly withoutCredentials?: boolean;
}

export async function loadConfigFile(file: string, env = process.env, opts: LoadOptions = {}): Promise<LoadedConfig> {
  const source = await readConfigSource(file);
  return parseConfig(source.tree, env, file, source, opts);
}

/**
 * Reads and parses a config file of any kind (`floe run`'s or `floe push`'s): a missing file, a
 * directory or a YAML error is `CONFIG_NOT_FOUND`/`CONFIG_INVALID` with `file:line:col`.
 */
export async function readConfigSource(file: string): Promise<ConfigSource> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new FloeError('CONFIG_NOT_FOUND', 'config', await unreadable(file, e), { cause: e });
  }
  return parseConfigSource(text, file);
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
export function parseConfig(
  raw: unknown,
  env: Record<string, string | undefined> = process.env,
  file?: string,
  source?: ConfigSource,
  opts: LoadOptions = {},
): LoadedConfig {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new FloeError('CONFIG_INVALID', 'config', `${file ?? 'config'}: expected a mapping at the top level`);
  }
  const redactor = new Redactor();
  // Every env value, to keep out of error messages whatever field it landed in.
  const fromEnv = new Redactor();
  const { dialect, tree, speak } = translateDialect(raw as Record<string, unknown>, file);
  // Paths of a translated dialect name the native model, not lines of the file.
  const where = dialect === 'native' ? source : undefined;
  try {
    const resolved = resolveEnv(tree, env, (path, value) => {
      fromEnv.add(value);
      // A port (`http://127.0.0.1:{{ env.PORT }}`) is not a secret, and masking it would mask that number everywhere.
      if (ENV_SECRET_PATH.test(path) && !/^\d{1,5}$/.test(value)) redactor.add(value);
    }, opts.withoutCredentials === true ? (path) => (CREDENTIAL_PATH.test(path) ? UNSET_CREDENTIAL : undefined) : undefined);
    const result = floeConfig.safeParse(resolved);
    if (!result.success) {
      // Values are quoted from the file as written (`{{ env.X }}`, not what it resolved to).
      throw new FloeError('CONFIG_INVALID', 'config', formatIssues(result.error.issues, tree, { file, source: where, schema: floeConfig }), {
        details: { path: formatPath(result.error.issues[0]?.path ?? []), issues: issueList(result.error.issues, tree, floeConfig) },
      });
    }
    const config = result.data;
    for (const s of secretValues(floeConfig, config)) redactor.add(s.value);
    // Basic auth sends base64(username:password): the composite is a secret of its own.
    if (config.auth?.type === 'basic') redactor.add(`${config.auth.username}:${config.auth.password}`);
    checkSemantics(config);
    return { config, redactor, file, dialect };
  } catch (e) {
    if (e instanceof FloeError && e.kind === 'config') {
      const text = e.code === 'CONFIG_INVALID' && e.message.includes('invalid config\n') ? e.message : located(e, file, where);
      // A translated dialect's own errors already speak it; floe's checks get its words.
      const message = e.message.includes('(dlt rest_api_source dialect)') ? text : speak(text);
      throw new FloeError(e.code, e.kind, fromEnv.text(redactor.text(message)), { details: fromEnv.value(e.details), cause: e });
    }
    throw e;
  }
}

/** `file:line:col: path: message` and the lines around it, when the error names a field of the file. */
function located(e: FloeError, file: string | undefined, source: ConfigSource | undefined): string {
  const bare = file && e.message.startsWith(`${file}: `) ? e.message.slice(file.length + 2) : e.message;
  const path = typeof e.details.path === 'string' ? e.details.path : undefined;
  const pos = path !== undefined ? source?.locate(pathSegments(path)) : undefined;
  if (!file) return bare;
  if (!pos || !source) return `${file}: ${bare}`;
  return `${file}:${pos.line}:${pos.col}: ${bare}\n${codeFrame(source.text, pos.line, pos.col)}`;
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
