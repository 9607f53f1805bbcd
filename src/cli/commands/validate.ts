import type { Command } from 'commander';
import { endpointName, tableName } from '../../config/load-config.js';
import type { CliContext } from '../cli-context.js';
import { EXIT } from '../exit.js';
import { OPTIONS } from '../options.js';
import { table } from '../render.js';
import { whereDataGoes } from '../../config/where-data-goes.js';

/** `floe validate <config>`: parse, resolve env, check, and show what a run would load. */
export function validateCommand(program: Command, cli: CliContext): Command {
  return program
    .command('validate')
    .summary('check a config and print what it will load')
    .description('Parse a config, resolve {{ env.X }}, check every field, and print each endpoint\'s table, request and pagination. Exit 2 names the field of each problem.')
    .argument('<config>', 'config file (YAML or JSON)')
    .addOption(OPTIONS.json())
    .addHelpText('after', '\nExamples:\n  floe validate config/github.yaml\n  floe --env-file .env validate config/github.yaml --json')
    .action(
      cli.action(async (file: string, opts: { json?: boolean }) => {
        const { config, dialect, redactor } = await cli.loadConfig(file);
        const rows = config.endpoints.map((e) => [
          endpointName(e),
          tableName(e),
          redactor.url(`${e.method} ${e.path}`),
          e.pagination?.type === 'auto' ? 'auto (detected on the first page; see floe preview)' : (e.pagination?.type ?? 'none'),
          e.records_path ?? 'auto (array, data/results/items/…, else the object)',
          e.write_disposition ?? config.destination.write_disposition,
        ]);
        if (opts.json) {
          cli.io.stdout.write(
            JSON.stringify({
              valid: true,
              dialect,
              name: config.name,
              destination: config.destination.type,
              endpoints: rows.map(([name, tbl, request, pagination, records, disposition]) => ({ name, table: tbl, request, pagination, records, write_disposition: disposition })),
            }) + '\n',
          );
          return EXIT.ok;
        }
        cli.io.stdout.write(
          `${file}: valid${dialect === 'native' ? '' : ` (${dialect} dialect)`} — connector "${config.name}", ${config.endpoints.length} endpoint(s) → ${redactor.text(whereDataGoes(config.destination))}\n\n` +
            table(['endpoint', 'table', 'request', 'pagination', 'records', 'write'], rows) +
            '\n',
        );
        return EXIT.ok;
      }),
    );
}
