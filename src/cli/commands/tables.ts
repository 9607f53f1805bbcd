import type { Command } from 'commander';
import { createDestination } from '../../destination/create-destination.js';
import { systemClock } from '../../util/clock.js';
import type { CliContext } from '../cli-context.js';
import { EXIT } from '../exit.js';
import { OPTIONS } from '../options.js';
import { table } from '../render.js';

interface TablesOpts {
  json?: boolean;
}

/**
 * `floe tables <config> [--json]`: the tables floe loaded into the config's destination (those in
 * its loads ledger), with row counts, columns and the last load (run, connector, endpoint, when).
 */
export function tablesCommand(program: Command, cli: CliContext): Command {
  return program
    .command('tables')
    .summary('list the loaded tables: rows, columns, last load')
    .description("List the tables in the config's destination that floe loaded, with row counts, columns and the last load from the ledger.")
    .argument('<config>', 'config file (YAML or JSON)')
    .addOption(OPTIONS.json())
    .action(
      cli.action(async (file: string, opts: TablesOpts) => {
        const loaded = await cli.loadConfig(file);
        const logger = cli.logger(loaded, { level: 'warn' });
        const d = await createDestination(loaded.config.destination, { clock: systemClock, logger, redactor: loaded.redactor });
        try {
          const tables = await d.tables();
          if (opts.json) {
            cli.io.stdout.write(JSON.stringify(tables) + '\n');
            return EXIT.ok;
          }
          if (tables.length === 0) {
            cli.io.stdout.write(`no tables loaded yet into the ${loaded.config.destination.type} destination\n`);
            return EXIT.ok;
          }
          const rows = tables.map((t) => [
            t.table,
            String(t.rows),
            t.columns.map((c) => `${c.name} ${c.type}`).join(', '),
            t.lastLoad ? `${t.lastLoad.finishedAt} run ${t.lastLoad.runId} (${[t.lastLoad.connector, t.lastLoad.endpoint].filter(Boolean).join('/')})` : '-',
          ]);
          cli.io.stdout.write(table(['table', 'rows', 'columns', 'last load'], rows) + '\n');
          return EXIT.ok;
        } finally {
          await d.close();
        }
      }),
    );
}
