import type { Command } from 'commander';
import { isRestApiYaml } from '../../config/dialects/rest-api-yaml.js';
import { endpointName, parseConfig, readConfigSource, tableName, type LoadedConfig } from '../../config/load-config.js';
import { isPushConfig, parsePushConfig, type LoadedPushConfig } from '../../config/load-push-config.js';
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
    .description('Parse a config, resolve {{ env.X }}, check every field, and print each endpoint\'s table, request and pagination (for a floe push config: each output\'s rows and target). Exit 2 names the field of each problem.')
    .argument('<config>', 'config file (YAML or JSON)')
    .addOption(OPTIONS.json())
    .addHelpText('after', '\nExamples:\n  floe validate config/github.yaml\n  floe --env-file .env validate config/github.yaml --json')
    .action(
      cli.action(async (file: string, opts: { json?: boolean }) => {
        const source = await readConfigSource(file);
        if (isPushConfig(source.tree)) {
          const push = parsePushConfig(source.tree, cli.env, file, source);
          // A pipeline YAML with rest_api inputs too: those are `floe run`'s, checked as well.
          const run = isRestApiYaml(source.tree as Record<string, unknown>) ? parseConfig(source.tree, cli.env, file, source) : undefined;
          cli.io.stdout.write(opts.json ? JSON.stringify(pushSummary(push, run)) + '\n' : pushText(file, push, run));
          return EXIT.ok;
        }
        const { config, dialect, redactor } = parseConfig(source.tree, cli.env, file, source);
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

function outputRows(push: LoadedPushConfig): string[][] {
  return push.config.outputs.map((o) => [
    o.name,
    o.table !== undefined ? `table ${o.table}` : o.query !== undefined ? 'query' : `file ${o.file ?? ''}`,
    push.redactor.url(`${o.method} ${o.url}`),
    String(o.batch_size),
    o.cursor ?? '',
  ]);
}

function pushSummary(push: LoadedPushConfig, run: LoadedConfig | undefined): Record<string, unknown> {
  return {
    valid: true,
    kind: 'push',
    dialect: push.dialect,
    name: push.config.name,
    outputs: outputRows(push).map(([name, rows, target, batch, cursor]) => ({ name, rows, target, batch_size: Number(batch), ...(cursor ? { cursor } : {}) })),
    ...(run ? { inputs: run.config.endpoints.map((e) => ({ name: endpointName(e), table: tableName(e) })) } : {}),
  };
}

function pushText(file: string, push: LoadedPushConfig, run: LoadedConfig | undefined): string {
  const inputs = run ? `; ${run.config.endpoints.length} rest_api input(s) for floe run` : '';
  return (
    `${file}: valid${push.dialect === 'native' ? '' : ` (${push.dialect} dialect)`} — floe push config "${push.config.name}", ${push.config.outputs.length} output(s)${inputs}\n\n` +
    table(['output', 'rows from', 'request', 'batch', 'cursor'], outputRows(push)) +
    '\n'
  );
}
