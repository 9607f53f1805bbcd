import { basename, extname } from 'node:path';
import { isDltConfig, translateDlt } from './dlt.js';
import { isRestApiYaml, translateRestApiYaml } from './rest-api-yaml.js';
import { inDltWords } from './dlt/vocabulary.js';

const same = (message: string): string => message;

/**
 * floe reads other loaders' REST configs by translating them into its one native model here, so
 * nothing deeper down knows dialects exist:
 * - `native`: floe's own (`base_url` + `endpoints`);
 * - `dlt`: dlt's `rest_api_source` (`client` + `resources`), as Popsink and others use it;
 * - `rest_api`: the `CONFIG.inputs.<name>: { format: rest_api, … }` pipeline YAML.
 * The translation happens before `{{ env.X }}` resolution and validation, so errors still name
 * paths and env variables; paths in the translated tree are floe's.
 */
export interface Translated {
  readonly dialect: 'native' | 'dlt' | 'rest_api';
  readonly tree: Record<string, unknown>;
  /** Rewrites a message about the translated tree in the dialect's own words. */
  readonly speak: (message: string) => string;
}

export function translateDialect(raw: Record<string, unknown>, file?: string): Translated {
  const name = file ? basename(file, extname(file)) : 'connector';
  if (isDltConfig(raw)) return { dialect: 'dlt', tree: translateDlt(raw, name), speak: inDltWords };
  if (isRestApiYaml(raw)) return { dialect: 'rest_api', tree: translateRestApiYaml(raw, name), speak: same };
  return { dialect: 'native', tree: raw, speak: same };
}
