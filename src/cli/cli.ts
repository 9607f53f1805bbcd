import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isFloeError, FloeError } from '../util/errors.js';
import { floeVersion } from '../util/project-files.js';
import { previewCommand } from './commands/preview.js';
import { pushCommand } from './commands/push.js';
import { runCommand } from './commands/run.js';
import { runsCommand } from './commands/runs.js';
import { backfillCommand } from './commands/backfill.js';
import { stateCommand } from './commands/state.js';
import { validateCommand } from './commands/validate.js';

export interface CliIo {
  readonly stdout: { write(s: string): void; isTTY?: boolean };
  readonly stderr: { write(s: string): void; isTTY?: boolean };
  readonly env: Record<string, string | undefined>;
  /** Aborted on Ctrl-C. */
  readonly signal?: AbortSignal;
}

export const EXIT = { ok: 0, failed: 1, usage: 2, partial: 3 } as const;

const USAGE = `floe — load REST APIs into DuckDB or Snowflake, one table per endpoint

Usage:
  floe validate <config>                         check a config and print what it will load
  floe preview <config> --endpoint <name>        fetch the first page: inferred columns and 5 sample rows
  floe run <config> [--endpoint <name> ...]      extract, stage and load
        [--json] [--state-dir .floe] [--concurrency 4] [--keep-stage] [--no-resume] [--dt YYYY-MM-DD]
        [--log-format text|json] [--verbose]
  floe runs [--limit 20] [--json]                run history
  floe runs show <run_id> [--json]               one run: per-endpoint details and errors
  floe backfill <config> --from <d> --to <d> --step 7d [--concurrency 4] [--endpoint <name> ...]
                                                 load history in windows; re-run to resume
  floe state show <config> [--endpoint <name>]   committed incremental state
  floe state reset <config> --endpoint <name>    start the endpoint from initial_value again
  floe state set <config> --endpoint <name> --value <cursor>
  floe push <config> [--output <name> ...] [--json] [--history]
                                                 send warehouse rows to REST APIs in batches; re-run to resume

Exit codes: 0 succeeded, 3 partially failed, 1 failed, 2 invalid config or usage.
Docs: README.md`;

type Command = (args: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  validate: validateCommand,
  preview: previewCommand,
  run: runCommand,
  runs: runsCommand,
  backfill: backfillCommand,
  state: stateCommand,
  push: pushCommand,
};

/** Runs one CLI invocation and returns its exit code; never throws. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    io.stdout.write(USAGE + '\n');
    return command ? EXIT.ok : EXIT.usage;
  }
  if (command === '--version' || command === '-v') {
    io.stdout.write(`floe ${floeVersion()}\n`);
    return EXIT.ok;
  }
  const handler = COMMANDS[command];
  if (!handler) {
    io.stderr.write(`floe: unknown command "${command}"; known: ${Object.keys(COMMANDS).join(', ')}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  try {
    return await handler(rest, io);
  } catch (e) {
    return reportError(e, io);
  }
}

export function reportError(e: unknown, io: CliIo): number {
  if (isFloeError(e)) {
    io.stderr.write(`floe: ${e.message}\n`);
    return e.kind === 'config' ? EXIT.usage : EXIT.failed;
  }
  // A bug: say so plainly, with the stack only when asked for.
  const err = e instanceof Error ? e : new Error(String(e));
  io.stderr.write(`floe: internal error: ${err.message}\n`);
  if (io.env.FLOE_DEBUG) io.stderr.write(`${err.stack ?? ''}\n`);
  else io.stderr.write('(set FLOE_DEBUG=1 for a stack trace, and please report it)\n');
  return EXIT.failed;
}

/** parseArgs with floe's usage errors (exit 2) instead of Node's exceptions. */
export function parse<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  command: string,
): { values: ReturnType<typeof parseArgs<{ options: T; allowPositionals: true; args: string[] }>>['values']; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values, positionals };
  } catch (e) {
    throw new FloeError('USAGE', 'config', `${command}: ${(e as Error).message} (see floe --help)`);
  }
}

export function requireConfigArg(positionals: string[], command: string): string {
  const file = positionals[0];
  if (!file) throw new FloeError('USAGE', 'config', `${command}: missing <config> file (e.g. floe ${command} config/demo.yaml)`);
  if (positionals.length > 1) {
    throw new FloeError('USAGE', 'config', `${command}: unexpected argument "${positionals[1]}"`);
  }
  return file;
}
