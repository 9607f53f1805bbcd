import { Option, type Command } from 'commander';
import { planSlices, type SlicePlan } from '../../run/slice/slice-plan.js';
import type { CliContext } from '../cli-context.js';
import { EXIT } from '../exit.js';
import { OPTIONS, positiveInt } from '../options.js';
import { int, table } from '../render.js';

interface PlanOpts {
  from?: string;
  to?: string;
  step?: string;
  windowsPerSlice: number;
  endpoint?: string[];
  parallelism: number;
  json?: boolean;
}

/** Rows of the text listing; `--json` has every slice. */
const SHOWN = 100;

/** `floe plan <config> [--from … --to … --step …] [--json]`: the slices an orchestrator runs. */
export function planCommand(program: Command, cli: CliContext): Command {
  return program
    .command('plan')
    .summary('split a connector into slices for Kubernetes, Airflow, …')
    .description(
      'List the slices of a connector deterministically: one per endpoint and run of windows of [from, to) (endpoints that take no ' +
        'range are one slice each), with ids stable from the config (without secret values), endpoint and bounds. ' +
        'Save it with --json and run each slice with `floe run-slice`.',
    )
    .argument('<config>', 'config file (YAML or JSON)')
    .addOption(new Option('--from <value>', 'first window start (inclusive), e.g. 2023-01-01'))
    .addOption(new Option('--to <value>', 'end of the range (exclusive), e.g. 2025-01-01'))
    .addOption(new Option('--step <duration>', 'window size, e.g. 1d, 7d, 6h, P1M'))
    .addOption(new Option('--windows-per-slice <n>', 'consecutive windows in one slice (staged together, loaded once)').argParser(positiveInt).default(1))
    .addOption(OPTIONS.endpoint())
    .addOption(
      new Option('--parallelism <n>', 'slices that will run at once (rate_limit.shared without a database divides the limit by it)').argParser(positiveInt).default(1),
    )
    .addOption(OPTIONS.json())
    .addHelpText(
      'after',
      '\nExamples:\n  floe plan config/support.yaml --from 2023-01-01 --to 2025-01-01 --step 1d --windows-per-slice 30 --parallelism 4 --json > plan.json\n' +
        '  floe plan config/support.yaml --json > plan.json          # one slice per endpoint, for scheduled runs',
    )
    .action(
      cli.action(async (file: string, opts: PlanOpts) => {
        // A plan never sends a request: the credentials need not be set where it is made (CI, a DAG).
        const loaded = await cli.loadConfig(file, { withoutCredentials: true });
        const plan = planSlices(loaded, {
          ...(opts.from !== undefined ? { from: opts.from } : {}),
          ...(opts.to !== undefined ? { to: opts.to } : {}),
          ...(opts.step !== undefined ? { step: opts.step } : {}),
          windowsPerSlice: opts.windowsPerSlice,
          parallelism: opts.parallelism,
          ...(opts.endpoint ? { endpoints: opts.endpoint } : {}),
        });
        cli.io.stdout.write(opts.json ? JSON.stringify(plan, null, 1) + '\n' : summary(plan, file));
        return EXIT.ok;
      }),
    );
}

function summary(plan: SlicePlan, file: string): string {
  const rows = plan.slices.slice(0, SHOWN).map((s) => [String(s.index), s.id, s.endpoint, s.from ?? '-', s.to ?? '-', s.windows ? String(s.windows[1] - s.windows[0]) : '-']);
  let out = table(['index', 'slice', 'endpoint', 'from', 'to', 'windows'], rows) + '\n';
  if (plan.slices.length > SHOWN) out += `… ${int(plan.slices.length - SHOWN)} more (--json lists every slice)\n`;
  out += `\n${int(plan.slices.length)} slice(s) of ${plan.config_name} into ${plan.destination}, parallelism ${plan.parallelism}` +
    (plan.range ? `; [${plan.range.from}, ${plan.range.to}) by ${plan.range.step}, ${plan.range.windows_per_slice} window(s) per slice` : '') + '\n';
  const alone = plan.slices.filter((s) => !s.windows);
  if (plan.range && alone.length > 0) out += `endpoints without a range are one slice each: ${alone.map((s) => s.endpoint).join(', ')}\n`;
  if (alone.length > 0) out += 'slices without a window are scheduled runs: give each run a --run-key (its retries share it)\n';
  if (plan.destination === 'duckdb') {
    out += 'DuckDB allows one writing process: run these slices one at a time on one machine (parallelism 1); load into Snowflake to run them in parallel\n';
  }
  out += `save it: floe plan ${file} … --json > plan.json; run slice N: floe run-slice ${file} --plan plan.json --index N (Kubernetes: completions ${plan.slices.length})\n`;
  return out;
}
