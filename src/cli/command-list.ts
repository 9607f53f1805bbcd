import type { Command } from 'commander';
import type { CliContext } from './cli-context.js';
import { backfillCommand } from './commands/backfill.js';
import { previewCommand } from './commands/preview.js';
import { pushCommand } from './commands/push.js';
import { runCommand } from './commands/run.js';
import { runsCommand } from './commands/runs.js';
import { stateCommand } from './commands/state.js';
import { tablesCommand } from './commands/tables.js';
import { validateCommand } from './commands/validate.js';
import { serveCommand } from './commands/serve.js';
import { tokensCommand } from './commands/tokens.js';
import { keysCommand } from './commands/keys.js';
import { planCommand } from './commands/plan.js';
import { runSliceCommand } from './commands/run-slice.js';

/**
 * Adds one command to the program (arguments, options, help text, action) and returns it. A
 * command lives in `commands/<name>.ts` as one exported function of this type.
 */
export type RegisterCommand = (program: Command, cli: CliContext) => Command;

/** Every command, in the order `floe --help` lists them. Adding a command is one line here. */
export const COMMANDS: readonly RegisterCommand[] = [
  validateCommand,
  previewCommand,
  runCommand,
  runsCommand,
  backfillCommand,
  planCommand,
  runSliceCommand,
  stateCommand,
  tablesCommand,
  serveCommand,
  tokensCommand,
  keysCommand,
  pushCommand,
];
