/**
 * Turns the `destination:` block (plus an optional connections.toml entry) into the settings the
 * destination runs with. Fields in the floe config override the named connection's.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { SnowflakeDestinationConfig } from '../../config/schema.js';
import { FloeError } from '../../util/errors.js';
import { checkPermissions, parseConnectionsToml } from './connections-toml.js';

/** snowflake-sdk authenticator names for the four floe supports. */
export type Authenticator = 'SNOWFLAKE_JWT' | 'SNOWFLAKE' | 'OAUTH' | 'PROGRAMMATIC_ACCESS_TOKEN';

/** The resolved destination settings (config merged over connections.toml). */
export interface SnowflakeSettings {
  readonly account: string;
  readonly user: string;
  readonly authenticator: Authenticator;
  readonly password?: string;
  readonly token?: string;
  readonly privateKeyPath?: string;
  readonly privateKeyPassphrase?: string;
  readonly role?: string;
  readonly warehouse?: string;
  /** As configured; `identifiers.ts` applies the case policy. */
  readonly database: string;
  readonly schema: string;
  readonly stage: string;
  readonly accessUrl?: string;
  readonly queryTag?: string;
  readonly jsonColumns: 'varchar' | 'variant';
  readonly lockTimeoutSeconds: number;
  readonly statementTimeoutSeconds: number;
  /** Problems worth a warning, e.g. a connections.toml others may read. */
  readonly warnings?: readonly string[];
}

/** Environment, home directory and file reads, injected so tests need no real home. */
export interface SettingsEnv {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homedir: string;
  readonly readFile: (path: string) => string | undefined;
  /** The file's mode bits, for the permission check; undefined skips it (Windows). */
  readonly fileMode?: (path: string) => number | undefined;
}

/** The real process environment. */
export const processSettingsEnv: SettingsEnv = {
  env: process.env,
  homedir: homedir(),
  readFile: (p) => (existsSync(p) ? readFileSync(p, 'utf8') : undefined),
  fileMode: (p) => (process.platform === 'win32' || !existsSync(p) ? undefined : statSync(p).mode),
};

const AUTHENTICATORS: Record<string, Authenticator> = {
  snowflake_jwt: 'SNOWFLAKE_JWT',
  snowflake: 'SNOWFLAKE',
  oauth: 'OAUTH',
  programmatic_access_token: 'PROGRAMMATIC_ACCESS_TOKEN',
};

const invalid = (path: string, message: string): FloeError =>
  new FloeError('CONFIG_INVALID', 'config', message, { details: { path } });

/** Where connections.toml lives: $SNOWFLAKE_HOME, else ~/.snowflake, else ~/.config/snowflake. */
export function connectionsTomlPath(e: SettingsEnv): string {
  const home = e.env.SNOWFLAKE_HOME;
  if (home) return join(home.replace(/^~(?=$|\/)/, e.homedir), 'connections.toml');
  const dotDir = join(e.homedir, '.snowflake', 'connections.toml');
  if (e.readFile(dotDir) !== undefined) return dotDir;
  const xdg = e.env.XDG_CONFIG_HOME ?? join(e.homedir, '.config');
  return join(xdg, 'snowflake', 'connections.toml');
}

/** The named connection's fields, in floe's key names. */
function fromConnection(name: string, e: SettingsEnv, warnings: string[]): Partial<Record<string, string>> {
  const file = connectionsTomlPath(e);
  const text = e.readFile(file);
  if (text === undefined)
    throw invalid('destination.connection', `connection '${name}' requested but ${file} does not exist`);
  const mode = e.fileMode?.(file);
  if (mode !== undefined) {
    const { warning } = checkPermissions(mode, file);
    if (warning) warnings.push(warning);
  }
  const tables = parseConnectionsToml(text, file);
  const t = tables[name];
  if (!t) {
    const known = Object.keys(tables).join(', ') || 'none';
    throw invalid('destination.connection', `no connection '${name}' in ${file} (known: ${known})`);
  }
  const str = (...keys: string[]): string | undefined => {
    for (const k of keys) {
      const v = t[k];
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
    }
    return undefined;
  };
  const host = str('host');
  const port = str('port');
  const tokenFile = str('token_file_path');
  return {
    account: str('account'),
    user: str('user', 'username'),
    password: str('password'),
    authenticator: str('authenticator')?.toLowerCase(),
    token: str('token') ?? (tokenFile ? e.readFile(tokenFile)?.trim() : undefined),
    private_key_path: str('private_key_file', 'private_key_path'),
    private_key_passphrase: str('private_key_file_pwd', 'private_key_passphrase', 'private_key_pwd'),
    role: str('role'),
    warehouse: str('warehouse'),
    database: str('database'),
    schema: str('schema'),
    access_url: host ? `${str('protocol') ?? 'https'}://${host}${port ? `:${port}` : ''}` : undefined,
  };
}

/** Resolves the effective settings; every problem is a CONFIG_INVALID naming the field. */
export function resolveSnowflakeSettings(
  config: SnowflakeDestinationConfig,
  e: SettingsEnv = processSettingsEnv,
): SnowflakeSettings {
  const warnings: string[] = [];
  const base = config.connection ? fromConnection(config.connection, e, warnings) : {};
  const pick = (k: keyof SnowflakeDestinationConfig): string | undefined => {
    const v = config[k];
    return typeof v === 'string' ? v : base[k];
  };
  const account = pick('account');
  const user = pick('user');
  if (!account)
    throw invalid('destination.account', 'destination.account is required (or a connection that sets it)');
  if (!user) throw invalid('destination.user', 'destination.user is required (or a connection that sets it)');
  const database = pick('database');
  const schema = pick('schema');
  if (!database)
    throw invalid('destination.database', 'destination.database is required: floe qualifies every name');
  if (!schema)
    throw invalid('destination.schema', 'destination.schema is required: floe creates it if missing');
  const password = pick('password');
  const token = pick('token');
  const keyPath = pick('private_key_path')?.replace(/^~(?=$|\/)/, e.homedir);
  const explicit = pick('authenticator');
  let authenticator: Authenticator;
  if (explicit !== undefined) {
    const a = AUTHENTICATORS[explicit.toLowerCase()];
    if (!a)
      throw invalid(
        'destination.authenticator',
        `authenticator '${explicit}' is not supported; use one of ${Object.keys(AUTHENTICATORS).join(', ')}`,
      );
    authenticator = a;
  } else {
    // Default key pair; a config that only gives a password or a token means that instead.
    authenticator = keyPath
      ? 'SNOWFLAKE_JWT'
      : password !== undefined
        ? 'SNOWFLAKE'
        : token !== undefined
          ? 'OAUTH'
          : 'SNOWFLAKE_JWT';
  }
  if (authenticator === 'SNOWFLAKE_JWT' && !keyPath)
    throw invalid('destination.private_key_path', 'snowflake_jwt needs private_key_path');
  if (authenticator === 'SNOWFLAKE' && password === undefined)
    throw invalid('destination.password', 'authenticator snowflake needs password');
  if ((authenticator === 'OAUTH' || authenticator === 'PROGRAMMATIC_ACCESS_TOKEN') && !token) {
    throw invalid('destination.token', `authenticator ${authenticator.toLowerCase()} needs token`);
  }
  const passphrase = pick('private_key_passphrase');
  const role = pick('role');
  const warehouse = pick('warehouse');
  const accessUrl = pick('access_url');
  return {
    account,
    user,
    authenticator,
    database,
    schema,
    stage: config.stage ?? '_FLOE_STAGE',
    jsonColumns: config.json_columns,
    lockTimeoutSeconds: config.lock_timeout_seconds ?? 600,
    ...(warnings.length > 0 ? { warnings } : {}),
    statementTimeoutSeconds: config.statement_timeout_seconds ?? 14400,
    ...(authenticator === 'SNOWFLAKE' && password !== undefined ? { password } : {}),
    ...(authenticator === 'OAUTH' || authenticator === 'PROGRAMMATIC_ACCESS_TOKEN'
      ? { token: token as string }
      : {}),
    ...(authenticator === 'SNOWFLAKE_JWT' ? { privateKeyPath: keyPath as string } : {}),
    ...(authenticator === 'SNOWFLAKE_JWT' && passphrase !== undefined
      ? { privateKeyPassphrase: passphrase }
      : {}),
    ...(role ? { role } : {}),
    ...(warehouse ? { warehouse } : {}),
    ...(accessUrl ? { accessUrl } : {}),
    ...(config.query_tag ? { queryTag: config.query_tag } : {}),
  };
}
