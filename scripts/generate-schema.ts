/**
 * `npm run schema`: writes config/floe.schema.json (and config/floe-push.schema.json, for `floe
 * push` configs) from the zod schemas, so editors autocomplete and validate floe configs
 * (`# yaml-language-server: $schema=../floe.schema.json`).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toJSONSchema } from 'zod';
import { floePushConfig } from '../src/config/output-schema.js';
import { floeConfig } from '../src/config/schema.js';
import { projectRoot } from '../src/util/project-files.js';

export function floeJsonSchema(): Record<string, unknown> {
  return {
    ...toJSONSchema(floeConfig, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://floe.dev/floe.schema.json',
    title: 'floe connector config',
  };
}

export function floePushJsonSchema(): Record<string, unknown> {
  return {
    ...toJSONSchema(floePushConfig, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://floe.dev/floe-push.schema.json',
    title: 'floe push config',
  };
}

if (process.argv[1]?.endsWith('generate-schema.js')) {
  for (const [name, schema] of [
    ['floe.schema.json', floeJsonSchema()],
    ['floe-push.schema.json', floePushJsonSchema()],
  ] as const) {
    const file = join(projectRoot(), 'config', name);
    writeFileSync(file, JSON.stringify(schema, null, 2) + '\n');
    process.stdout.write(`wrote ${file}\n`);
  }
}
