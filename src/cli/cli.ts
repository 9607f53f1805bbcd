import { Command, CommanderError, type OutputConfiguration } from 'commander';
import { floeVersion } from '../util/project-files.js';
import { CliContext } from './cli-context.js';
import { COMMANDS } from './command-list.js';
import { EXIT, reportError } from './exit.js';

export { EXIT, reportError };

export interface CliIo {
  readonly stdout: { write(s: string): void; isTTY?: boolean; columns?: number };
  readonly stderr: { write(s: string): void; isTTY?: boolean; columns?: number };
  readonly env: Record<string, string | undefined>;
  /** Aborted on Ctrl-C or SIGTERM. */
  readonly signal?: AbortSignal;
}

/**
 * Runs one CLI invocation and returns its exit code; never throws. The commands are the list in
 * `command-list.ts`; each file in `commands/` adds one (its arguments, options, help and action).
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const cli = new CliContext(io);
  const program = buildProgram(cli);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return cli.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; an unknown command or option, a missing argument, a bad value or a bare `floe` exit 2.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    return reportError(e, io);
  }
}

/** The program with every command registered; exported for help-text tests. */
export function buildProgram(cli: CliContext): Command {
  const { io } = cli;
  const program = new Command('floe')
    .description('Load REST APIs into DuckDB or Snowflake, one table per endpoint.')
    .version(floeVersion(), '-v, --version')
    .option('--env-file <file>', 'read environment variables from a .env file (repeatable; the real environment wins)', collect)
    .showSuggestionAfterError(true)
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput(output(io, 'floe'))
    .addHelpText(
      'after',
      '\nExit codes: 0 succeeded, 3 partially failed, 1 failed, 2 invalid config or usage, 130/143 interrupted (resumable).\n' +
        'Run `floe help <command>` for a command\'s options and examples. Docs: README.md',
    );
  program.hook('preAction', async (_program, action) => {
    await cli.loadEnvFiles(action.optsWithGlobals<{ envFile?: string[] }>().envFile ?? []);
  });
  for (const register of COMMANDS) configure(register(program, cli), io, 'floe');
  return program;
}

/** Every command and subcommand reports usage errors the same way, naming itself. */
function configure(command: Command, io: CliIo, parent: string): void {
  const name = `${parent} ${command.name()}`;
  command.exitOverride().showSuggestionAfterError(true).configureOutput(output(io, name));
  for (const sub of command.commands) configure(sub, io, name);
}

function output(io: CliIo, name: string): OutputConfiguration {
  return {
    writeOut: (s) => io.stdout.write(s),
    writeErr: (s) => io.stderr.write(s),
    outputError: (s, write) => {
      const message = s.replace(/^error: /, '').replace(/missing required argument '(\w+)'/, 'missing <$1> argument');
      write(`${name}: ${message.trimEnd()}\n(see \`${name} --help\`)\n`);
    },
    getOutHelpWidth: () => io.stdout.columns ?? 100,
    getErrHelpWidth: () => io.stderr.columns ?? 100,
  };
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
