import { InvalidArgumentError, Option, type Command } from 'commander';
import { FloeError, isFloeError } from '../../util/errors.js';
import { readPlan } from '../../run/slice/read-plan.js';
import { failureClass } from '../../run/slice/failure-class.js';
import { runSlice, type SliceRecord } from '../../run/slice/slice-runner.js';
import type { CliContext } from '../cli-context.js';
import { EXIT } from '../exit.js';
import { OPTIONS } from '../options.js';
import { int } from '../render.js';

interface RunSliceOpts {
  plan: string;
  index?: number;
  slice?: string;
  runKey?: string;
  json?: boolean;
  stateDir: string;
  keepStage?: boolean;
  logFormat: 'text' | 'json';
  verbose?: boolean;
}

const CODES =
  'Exit codes (what an orchestrator acts on):\n' +
  '  0   done: loaded now, or already committed (nothing loaded)\n' +
  '  75  retryable: network, timeouts, HTTP 429/5xx after retries, a lost warehouse session, the slice or\n' +
  '      the destination held by another attempt, interrupted by a signal; the next attempt resumes\n' +
  '  2   config or usage error (the plan does not match the config, no such slice, DuckDB in parallel): never retry\n' +
  '  1   failed for good (401/403/404, a records path that matches nothing, a rejected file): retrying fails the same way';

/** `floe run-slice <config> --plan plan.json --index N`: one slice, exactly once, with exit codes for orchestrators. */
export function runSliceCommand(program: Command, cli: CliContext): Command {
  return program
    .command('run-slice')
    .summary('run one slice of a plan (Kubernetes Indexed Job, Airflow mapped task)')
    .description(
      'Run one slice of a `floe plan`. Repeating it is harmless (a committed slice loads nothing and exits 0), two attempts at once ' +
        'load it once (the destination ledger decides), and an attempt that died is resumed from its checkpoint or staged files on the same state dir.',
    )
    .argument('<config>', 'config file (YAML or JSON); the one the plan was made from')
    .addOption(new Option('--plan <file>', 'the plan (`floe plan --json` output)').makeOptionMandatory())
    .addOption(new Option('--index <n>', 'the slice at this position (default: $JOB_COMPLETION_INDEX)').argParser(indexArg))
    .addOption(new Option('--slice <id>', 'the slice with this id'))
    .addOption(new Option('--run-key <key>', 'names the scheduled run a slice without a window belongs to (Job name, Airflow run_id)'))
    .addOption(OPTIONS.json())
    .addOption(OPTIONS.stateDir())
    .addOption(OPTIONS.keepStage())
    .addOption(OPTIONS.logFormat())
    .addOption(OPTIONS.verbose())
    .addHelpText('after', `\nExample:\n  floe run-slice config/support.yaml --plan plan.json --index "$JOB_COMPLETION_INDEX" --log-format json\n\n${CODES}`)
    .action(
      cli.action(async (file: string, opts: RunSliceOpts) => {
        const fromEnv = cli.env.JOB_COMPLETION_INDEX;
        const index = opts.index ?? (opts.slice === undefined && fromEnv !== undefined ? wholeNumber(fromEnv) : undefined);
        try {
          const loaded = await cli.loadConfig(file);
          const logger = cli.logger(loaded, { level: opts.verbose ? 'debug' : 'info', json: opts.logFormat === 'json' });
          const record = await runSlice(
            loaded,
            {
              plan: await readPlan(opts.plan),
              ...(index !== undefined ? { index } : {}),
              ...(opts.slice !== undefined ? { sliceId: opts.slice } : {}),
              ...(opts.runKey !== undefined ? { runKey: opts.runKey } : {}),
              stateDir: opts.stateDir,
              keepStage: opts.keepStage ?? false,
              env: cli.env,
              ...(cli.io.signal ? { signal: cli.io.signal } : {}),
            },
            { logger },
          );
          const shown = loaded.redactor.value(record);
          cli.io.stdout.write(opts.json ? JSON.stringify(shown) + '\n' : summary(shown));
          return sliceExit(record);
        } catch (e) {
          // Thrown before or around the slice (the slice lock, the shared budget's database): same policy.
          if (isFloeError(e) && failureClass(e) === 'retryable') {
            cli.io.stderr.write(`floe: ${e.message}\n`);
            return EXIT.retry;
          }
          throw e;
        }
      }),
    );
}

/** The exit code of a finished attempt (see CODES). */
export function sliceExit(record: Pick<SliceRecord, 'status' | 'error'>): number {
  switch (record.status) {
    case 'succeeded':
      return EXIT.ok;
    case 'failed': {
      const cls = failureClass(record.error ?? { code: 'INTERNAL' });
      return cls === 'retryable' ? EXIT.retry : cls === 'config' ? EXIT.usage : EXIT.failed;
    }
    default:
      return EXIT.retry; // interrupted (a signal), or stopped before it started: the next attempt resumes
  }
}

function summary(r: SliceRecord): string {
  const where = r.from !== undefined ? ` [${r.from}, ${r.to})${r.windows ? ` in ${r.windows} window(s)` : ''}` : '';
  const head = `slice ${r.index} (${r.slice_id}) ${r.name}${where}: ${r.status}`;
  if (r.status === 'succeeded') {
    return r.already_loaded
      ? `${head}; already committed under ${r.run_id}: nothing loaded now\n`
      : `${head}; ${int(r.rows_loaded ?? 0)} row(s) loaded into ${r.table} (${int(r.pages)} page(s), attempt ${r.attempts})\n`;
  }
  if (r.status === 'failed') return `${head}: ${r.error?.code}: ${r.error?.message}\n`;
  return `${head}; run the same command again to continue it\n`;
}

function indexArg(value: string): number {
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError(`expected a whole number, got "${value}"`);
  return Number(value);
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new FloeError('USAGE', 'config', `run-slice: JOB_COMPLETION_INDEX must be a whole number, got "${value}"`);
  return n;
}
