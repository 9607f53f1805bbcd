import { parse as parseYaml } from 'yaml';
import { parseConfig, type LoadedConfig } from '../config/load-config.js';
import { translateDialect } from '../config/dialects/translate-dialect.js';
import { openSecrets, sealSecrets } from '../store/secret-fields.js';
import type { SecretBox } from '../store/secret-box.js';
import { isFloeError } from '../util/errors.js';
import { ApiError, configError } from './api-error.js';

export interface PreparedConfig {
  readonly name: string;
  readonly dialect: string;
  /** The native tree as stored: secrets sealed for this connector, `{{ env.X }}` kept. */
  readonly sealed: Record<string, unknown>;
  readonly loaded: LoadedConfig;
}

/**
 * A config from a request (any dialect, object or YAML/JSON text) → floe's native tree with its
 * secrets sealed, validated by floe's own config validation (errors name `config.<path>`). A
 * secret sent as `***` keeps the value sealed in `previous`.
 */
export function prepareConfig(input: {
  config: unknown;
  name: string | undefined;
  connectorId: string;
  box: SecretBox;
  env: Record<string, string | undefined>;
  previous?: Record<string, unknown>;
}): PreparedConfig {
  const raw = readConfigInput(input.config);
  try {
    const { dialect, tree } = translateDialect(raw);
    const name = input.name ?? (typeof tree.name === 'string' && tree.name !== 'connector' ? tree.name : undefined);
    if (!name) throw new ApiError('validation_error', 'Request validation failed.', [{ field: 'name', message: 'Name is required (or set name in the config).' }]);
    const native = { ...tree, name };
    const sealed = sealSecrets(native, input.box, input.connectorId, input.previous) as Record<string, unknown>;
    const loaded = parseConfig(openSecrets(sealed, input.box, input.connectorId), input.env);
    return { name, dialect, sealed, loaded: { ...loaded, dialect } };
  } catch (e) {
    if (isFloeError(e) && (e.code === 'CONFIG_INVALID' || e.code === 'CONFIG_ENV_MISSING')) throw configError(e);
    throw e;
  }
}

/** A stored connector's config, ready to run (secrets opened in memory only). */
export function loadStoredConfig(sealed: unknown, connectorId: string, box: SecretBox, env: Record<string, string | undefined>): LoadedConfig {
  return parseConfig(openSecrets(sealed, box, connectorId), env);
}

function readConfigInput(config: unknown): Record<string, unknown> {
  let value = config;
  if (typeof config === 'string') {
    try {
      value = parseYaml(config);
    } catch (e) {
      throw new ApiError('validation_error', 'Request validation failed.', [
        { field: 'config', message: `not valid YAML/JSON: ${(e as Error).message.split('\n')[0] ?? ''}` },
      ]);
    }
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new ApiError('validation_error', 'Request validation failed.', [{ field: 'config', message: 'expected a mapping (object)' }]);
  }
  return value as Record<string, unknown>;
}

