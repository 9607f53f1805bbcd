import { basename, extname } from 'node:path';
import { FloeError } from '../util/errors.js';
import { Redactor } from '../util/redact.js';
import { isDltConfig } from './dialects/dlt.js';
import { hasRestApiOutputs, translateRestApiYamlOutputs } from './dialects/rest-api-yaml.js';
import type { ConfigSource } from './config-source.js';
import { formatIssues, formatPath } from './format-issues.js';
import { readConfigSource } from './load-config.js';
import { floePushConfig, type FloePushConfig } from './output-schema.js';
import { secretValues } from './secret-fields.js';
import { hasTemplate, resolveEnv } from './template.js';

export interface LoadedPushConfig {
  readonly config: FloePushConfig;
  /** Knows every secret of this config; pass it to logging, errors and history. */
  readonly redactor: Redactor;
  readonly file: string | undefined;
  /** `native` or `rest_api` (the pipeline YAML's outputs). */
  readonly dialect: 'native' | 'rest_api';
}

/**
 * Where a value from `{{ env.X }}` is a secret even outside a `secret()` field: what travels in a
 * request (the URL, headers, auth), as on the source side. Secret fields themselves (tokens, keys,
 * passwords) are declared on the schema.
 */
const ENV_SECRET_PATH = /^outputs\[\d+\]\.(url$|auth\.|headers\.)/;

/** True for a file `floe push` reads: native (`outputs`, no `endpoints`) or the rest_api YAML's `CONFIG.outputs`. */
export function isPushConfig(tree: unknown): boolean {
  if (!tree || typeof tree !== 'object' || Array.isArray(tree)) return false;
  const t = tree as Record<string, unknown>;
  return hasRestApiOutputs(t) || (t.outputs !== undefined && t.endpoints === undefined);
}

/** Reads and validates a `floe push` config file (YAML or JSON, native or the rest_api pipeline YAML). */
export async function loadPushConfigFile(file: string, env = process.env): Promise<LoadedPushConfig> {
  const source = await readConfigSource(file);
  return parsePushConfig(source.tree, env, file, source);
}

/** Validates an already-parsed push config tree. */
export function parsePushConfig(
  raw: unknown,
  env: Record<string, string | undefined> = process.env,
  file?: string,
  source?: ConfigSource,
): LoadedPushConfig {
  const where = file ?? 'config';
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new FloeError('CONFIG_INVALID', 'config', `${where}: expected a mapping at the top level`);
  }
  const tree = raw as Record<string, unknown>;
  let dialect: LoadedPushConfig['dialect'] = 'native';
  let native = tree;
  if (hasRestApiOutputs(tree)) {
    dialect = 'rest_api';
    native = translateRestApiYamlOutputs(tree, file ? basename(file, extname(file)) : 'push');
  } else if (isDltConfig(tree)) {
    throw new FloeError('CONFIG_INVALID', 'config', `${where}: a dlt rest_api_source config describes inputs only; floe push needs outputs (see README: floe push)`);
  } else if (tree.outputs === undefined && tree.endpoints !== undefined) {
    throw new FloeError('CONFIG_INVALID', 'config', `${where}: this is a floe run config (endpoints); floe push needs a config with outputs (see README: floe push)`);
  }
  const redactor = new Redactor();
  // Every env value, to keep out of error messages whatever field it landed in.
  const fromEnv = new Redactor();
  try {
    const resolved = resolveEnv(native, env, (path, value) => {
      fromEnv.add(value);
      if (ENV_SECRET_PATH.test(path)) redactor.add(value);
    });
    const result = floePushConfig.safeParse(resolved);
    if (!result.success) {
      // Values are quoted from the file as written (`{{ env.X }}`, not what it resolved to).
      throw new FloeError('CONFIG_INVALID', 'config', formatIssues(result.error.issues, native, { file, source: dialect === 'native' ? source : undefined, schema: floePushConfig }), {
        details: { path: formatPath(result.error.issues[0]?.path ?? []) },
      });
    }
    const config = result.data;
    for (const s of secretValues(floePushConfig, config)) redactor.add(s.value);
    // Basic auth sends base64(username:password): the composite is a secret of its own.
    for (const o of config.outputs) if (o.auth?.type === 'basic') redactor.add(`${o.auth.username}:${o.auth.password}`);
    checkSemantics(config, where);
    return { config, redactor, file, dialect };
  } catch (e) {
    if (e instanceof FloeError && e.kind === 'config') {
      throw new FloeError(e.code, e.kind, fromEnv.text(redactor.text(e.message)), { details: fromEnv.value(e.details), cause: e });
    }
    throw e;
  }
}

function checkSemantics(config: FloePushConfig, where: string): void {
  const seen = new Map<string, number>();
  config.outputs.forEach((o, i) => {
    const fail = (field: string, message: string): never => {
      const path = `outputs[${i}]${field ? `.${field}` : ''}`;
      throw new FloeError('CONFIG_INVALID', 'config', `${where}: ${path}: ${message}`, { details: { path } });
    };
    const before = seen.get(o.name);
    if (before !== undefined) fail('name', `duplicate output name "${o.name}" (also outputs[${before}])`);
    seen.set(o.name, i);
    for (const [field, value] of [['url', o.url], ...Object.entries(o.headers ?? {}).map(([k, v]) => [`headers.${k}`, v])] as const) {
      if (hasTemplate(value)) fail(field, 'floe push resolves only {{ env.NAME }} templates');
    }
    const rl = o.rate_limit;
    if (rl && rl.requests_per_second === undefined && rl.requests_per_minute === undefined && !rl.respect_retry_after) {
      fail('rate_limit', 'set requests_per_second and/or requests_per_minute');
    }
  });
}
