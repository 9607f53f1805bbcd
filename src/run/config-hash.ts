import { createHash } from 'node:crypto';
import type { LoadedConfig } from '../config/load-config.js';

/**
 * Identifies the config's content without its secrets: a rotated API key or token (in a secret
 * field, or from `{{ env.X }}` in a URL or header) is the same config, so an interrupted run is
 * still continued after the rotation instead of reloading what it already committed, and a
 * slice plan stays valid.
 */
export function hashConfig({ config, redactor }: Pick<LoadedConfig, 'config' | 'redactor'>): string {
  return createHash('sha256').update(JSON.stringify(redactor.value(config))).digest('hex').slice(0, 16);
}
