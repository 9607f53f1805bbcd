/**
 * `npm run schema`: writes config/floe.schema.json from the zod schemas, so editors autocomplete
 * and validate floe configs (`# yaml-language-server: $schema=../floe.schema.json`).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toJSONSchema } from 'zod';
import { floeConfig } from '../src/config/schema.js';
import { projectRoot } from '../src/util/project-files.js';

export function floeJsonSchema(): Record<string, unknown> {
  return {
    ...toJSONSchema(floeConfig, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://floe.dev/floe.schema.json',
    title: 'floe connector config',
  };
}

if (process.argv[1]?.endsWith('generate-schema.js')) {
  const file = join(projectRoot(), 'config', 'floe.schema.json');
  writeFileSync(file, JSON.stringify(floeJsonSchema(), null, 2) + '\n');
  process.stdout.write(`wrote ${file}\n`);
}
