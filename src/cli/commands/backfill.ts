import { Option, type Command } from 'commander';
import { runBackfill, type BackfillRecord } from '../../run/backfill/backfill-runner.js';
import type { CliContext } from '../cli-context.js';
import { OPTIONS } from '../options.js';
import { int, table, truncate } from '../render.js';

interface BackfillOpts {
  from: string;
  to: string;
  step: string;
  endpoint?: string[];
  concurrency: number;
  json?: boolean;
  stateDir: string;
  keepStage?: boolean;
  logFormat: 'text' | 'json';
  verbose?: boolean;
}

/** `floe backfill <config> --from … --to … --step 7d [--concurrency 4] [--endpoint e …]`. */
export function backfillCommand(program: Command, cli: CliContext): Command {
  return program
    .command('backfill')
    .summary('load history in windows; run it again to resume')
    .description(
      'Split [from, to) into windows and load each (window, endpoint) as its own unit, binding {{ incremental.start_value }} ' +
        'and {{ incremental.end_value }} to the window. Running the same command again skips finished windows.',
    )
    .argument('<config>', 'config file (YAML or JSON)')
    .addOption(new Option('--from <value>', 'first window start (inclusive), e.g. 2023-01-01').makeOptionMandatory())
    .addOption(new Option('--to <value>', 'end of the range (exclusive), e.g. 2024-01-01').makeOptionMandatory())
    .addOption(new Option('--step <duration>', 'window size, e.g. 7d, 1d, 6h, P1M').makeOptionMandatory())
    .addOption(OPTIONS.endpoint())
    .addOption(OPTIONS.concurrency('windows extracted'))
    .addOption(OPTIONS.json())
    .addOption(OPTIONS.stateDir())
    .addOption(OPTIONS.keepStage())
    .addOption(OPTIONS.logFormat())
    .addOption(OPTIONS.verbose())
    .addHelpText('after', '\nExample:\n  floe backfill config/support.yaml --from 2023-01-01 --to 2024-01-01 --step 7d --concurrency 4')
    .action(
      cli.action(async (file: string, opts: BackfillOpts) => {
        const loaded = await cli.loadConfig(file);
        const logger = cli.logger(loaded, { level: opts.verbose ? 'debug' : 'info', json: opts.logFormat === 'json' });
        const record = await runBackfill(
          loaded,
          {
            from: opts.from,
            to: opts.to,
            step: opts.step,
            concurrency: opts.concurrency,
            stateDir: opts.stateDir,
            keepStage: opts.keepStage ?? false,
            ...(opts.endpoint ? { endpoints: opts.endpoint } : {}),
            ...(cli.io.signal ? { signal: cli.io.signal } : {}),
          },
          { logger },
        );
        const shown = loaded.redactor.value(record);
        cli.io.stdout.write(opts.json ? JSON.stringify(shown) + '\n' : summary(shown));
        return cli.statusCode(record.status);
      }),
    );
}

function summary(r: BackfillRecord): string {
  const failed = r.windows.filter((w) => w.status === 'failed');
  const skipped = r.windows.filter((w) => w.skipped).length;
  const ran = r.windows.filter((w) => !w.skipped);
  let out = `\nbackfill ${r.backfill_id} ${r.status}: ${r.windows.length} window(s) [${r.from}, ${r.to}) by ${r.step}; ` +
    `${skipped} already done, ${ran.length - failed.length} loaded now, ${failed.length} failed; ` +
    `${int(ran.reduce((n, w) => n + (w.rows_loaded ?? 0), 0))} rows loaded this time\n`;
  if (failed.length > 0) {
    out += `\nfailed windows (run the same command again to retry only these):\n`;
    out += table(['window', 'endpoint', 'error'], failed.map((w) => [w.window, w.name, truncate(`${w.error?.code}: ${w.error?.message}`, 100)])) + '\n';
  }
  return out;
}
