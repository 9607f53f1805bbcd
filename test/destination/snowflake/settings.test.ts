/** Config → settings, connections.toml parsing and lookup, and the snowflake-sdk options. */
import { describe, expect, it } from 'vitest';
import type { SnowflakeDestinationConfig } from '../../../src/config/schema.js';
import { checkPermissions, parseConnectionsToml } from '../../../src/destination/snowflake/connections-toml.js';
import {
  connectionsTomlPath,
  resolveSnowflakeSettings,
  type SettingsEnv,
} from '../../../src/destination/snowflake/settings.js';
import { sdkOptions } from '../../../src/destination/snowflake/snowflake-client.js';

const base = (over: Partial<SnowflakeDestinationConfig> = {}): SnowflakeDestinationConfig => ({
  type: 'snowflake',
  account: 'acct',
  user: 'loader',
  private_key_path: '~/.ssh/key.p8',
  database: 'RAW',
  schema: 'REST_API',
  write_disposition: 'append',
  json_columns: 'varchar',
  ...over,
});

const env = (files: Record<string, string> = {}, vars: Record<string, string> = {}): SettingsEnv => ({
  env: vars,
  homedir: '/home/u',
  readFile: (p) => files[p],
});

describe('connections.toml', () => {
  it('parses tables, comments, both string kinds, integers and booleans', () => {
    const t = parseConnectionsToml(
      [
        '# top comment',
        'default_connection_name = "ignored"'.replace(/.*/, ''),
        '[prod]',
        'account = "xy12345.eu-west-1" # trailing',
        "password = 'p#ss\\w'",
        'port = 443',
        'insecure = false',
        '[connections."dev env"]',
        'user = "tab\\tbed \\u00e9"',
      ].join('\n'),
    );
    expect(t).toEqual({
      prod: { account: 'xy12345.eu-west-1', password: 'p#ss\\w', port: 443, insecure: false },
      'dev env': { user: 'tab\tbed é' },
    });
  });

  it('reads a connection when another uses a multi-line string, a float, an inline table or an array', () => {
    const t = parseConnectionsToml(
      [
        '[other]',
        'private_key = """-----BEGIN PRIVATE KEY-----',
        'abc',
        '-----END PRIVATE KEY-----"""',
        'timeout = 1.5',
        'session_parameters = { QUERY_TAG = "x" }',
        'hosts = ["a", "b"]',
        '[prod]',
        'account = "acct"',
      ].join('\n'),
    );
    expect(t.prod).toEqual({ account: 'acct' });
    expect(Object.keys(t)).toEqual(['other', 'prod']);
  });

  it('reports a file that is not TOML with its line', () => {
    expect(() => parseConnectionsToml('[a]\nkey = "unterminated', 'c.toml')).toThrow(/c\.toml:2:\d+: not valid TOML/);
  });

  it.each<[number, RegExp | undefined, boolean]>([
    [0o600, undefined, false],
    [0o644, /readable by group or others/, false],
    [0o620, /writable by group or others/, true],
    [0o602, /writable by group or others/, true],
    [0o700, /executable/, true],
  ])('mode %s: refused or warned as the Snowflake tools do', (mode, message, refused) => {
    if (refused) {
      expect(() => checkPermissions(mode, 'c.toml')).toThrow(message);
    } else {
      expect(checkPermissions(mode, 'c.toml').warning).toEqual(message ? expect.stringMatching(message) : undefined);
    }
  });

  it('finds the file in $SNOWFLAKE_HOME, else ~/.snowflake, else ~/.config/snowflake', () => {
    expect(connectionsTomlPath(env({}, { SNOWFLAKE_HOME: '~/sf' }))).toBe('/home/u/sf/connections.toml');
    expect(connectionsTomlPath(env({ '/home/u/.snowflake/connections.toml': '' }))).toBe(
      '/home/u/.snowflake/connections.toml',
    );
    expect(connectionsTomlPath(env())).toBe('/home/u/.config/snowflake/connections.toml');
  });
});

describe('resolveSnowflakeSettings', () => {
  it('defaults to key-pair auth and expands ~ in the key path', () => {
    expect(resolveSnowflakeSettings(base(), env())).toMatchObject({
      authenticator: 'SNOWFLAKE_JWT',
      privateKeyPath: '/home/u/.ssh/key.p8',
      stage: '_FLOE_STAGE',
    });
  });

  it.each<[Partial<SnowflakeDestinationConfig>, string]>([
    [{ private_key_path: undefined, password: 'pw' }, 'SNOWFLAKE'],
    [{ private_key_path: undefined, token: 'tok' }, 'OAUTH'],
    [{ authenticator: 'programmatic_access_token', token: 'pat' }, 'PROGRAMMATIC_ACCESS_TOKEN'],
  ])('infers or takes the authenticator: %j → %s', (over, authenticator) => {
    expect(resolveSnowflakeSettings(base(over), env()).authenticator).toBe(authenticator);
  });

  it.each<[Partial<SnowflakeDestinationConfig>, string]>([
    [{ account: undefined }, 'destination.account'],
    [{ user: undefined }, 'destination.user'],
    [{ database: undefined }, 'destination.database'],
    [{ schema: undefined }, 'destination.schema'],
    [{ authenticator: 'snowflake', private_key_path: undefined }, 'destination.password'],
    [{ authenticator: 'oauth' }, 'destination.token'],
    [{ private_key_path: undefined }, 'destination.private_key_path'],
    [{ connection: 'missing' }, 'destination.connection'],
  ])('reports %j at %s', (over, path) => {
    expect(() => resolveSnowflakeSettings(base(over), env())).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', details: { path } }),
    );
  });

  it('merges a named connection under the floe fields, and lists the known names when missing', () => {
    const toml = [
      '[loader]',
      'account = "from_toml"',
      'user = "TOML_USER"',
      'authenticator = "snowflake"',
      'password = "toml-pw"',
      'warehouse = "LOAD_WH"',
      'database = "TOML_DB"',
      'host = "acct.privatelink.snowflakecomputing.com"',
      '[other]',
    ].join('\n');
    const e = env({ '/home/u/.snowflake/connections.toml': toml });
    const cfg: SnowflakeDestinationConfig = {
      type: 'snowflake',
      connection: 'loader',
      schema: 'S',
      database: 'FLOE_DB',
      write_disposition: 'append',
      json_columns: 'varchar',
    };
    expect(resolveSnowflakeSettings(cfg, e)).toEqual({
      account: 'from_toml',
      user: 'TOML_USER',
      lockTimeoutSeconds: 600,
      statementTimeoutSeconds: 14400,
      authenticator: 'SNOWFLAKE',
      password: 'toml-pw',
      warehouse: 'LOAD_WH',
      database: 'FLOE_DB',
      schema: 'S',
      stage: '_FLOE_STAGE',
      jsonColumns: 'varchar',
      accessUrl: 'https://acct.privatelink.snowflakecomputing.com',
    });
    expect(() => resolveSnowflakeSettings({ ...cfg, connection: 'nope' }, e)).toThrow(/known: loader, other/);
  });

  it('reads a token from token_file_path', () => {
    const e = env({
      '/home/u/.snowflake/connections.toml':
        '[c]\nauthenticator = "oauth"\ntoken_file_path = "/run/secrets/sf"',
      '/run/secrets/sf': 'tok-123\n',
    });
    const cfg: SnowflakeDestinationConfig = {
      type: 'snowflake',
      connection: 'c',
      account: 'a',
      user: 'u',
      database: 'D',
      schema: 'S',
      write_disposition: 'append',
      json_columns: 'varchar',
    };
    expect(resolveSnowflakeSettings(cfg, e)).toMatchObject({ authenticator: 'OAUTH', token: 'tok-123' });
  });
});

describe('sdkOptions', () => {
  it('maps settings to snowflake-sdk connection options', () => {
    const s = resolveSnowflakeSettings(
      base({
        private_key_passphrase: 'pp',
        role: 'LOADER',
        warehouse: 'WH',
        access_url: 'http://127.0.0.1:1',
      }),
      env(),
    );
    expect(sdkOptions(s)).toEqual({
      account: 'acct',
      username: 'loader',
      authenticator: 'SNOWFLAKE_JWT',
      application: 'floe',
      database: 'RAW',
      privateKeyPath: '/home/u/.ssh/key.p8',
      privateKeyPass: 'pp',
      role: 'LOADER',
      warehouse: 'WH',
      accessUrl: 'http://127.0.0.1:1',
    });
  });
});
