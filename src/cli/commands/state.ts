import { resolve } from 'node:path';
import type { Command } from 'commander';
import { endpointName, type LoadedConfig } from '../../config/load-config.js';
import { createDestination } from '../../destination/create-destination.js';
import { stateFromUserValue } from '../../run/incremental/incremental-state.js';
import { selectEndpoints } from '../../run/runner.js';
import { StateStore } from '../../run/state-store.js';
import type { Destination } from '../../types.js';
import { systemClock } from '../../util/clock.js';
import { FloeError } from '../../util/errors.js';
import type { CliContext } from '../cli-context.js';
import { EXIT } from '../exit.js';
import { OPTIONS } from '../options.js';
import { table } from '../render.js';

interface StateOpts {
  endpoint?: string[];
  value?: string;
  json?: boolean;
  stateDir: string;
}

/**
 * `floe state show|reset|set <config> [--endpoint e] [--value v]`: inspect and repair incremental
 * state after an incident. Writes go to the destination (the truth) and the local mirror.
 */
export function stateCommand(program: Command, cli: CliContext): Command {
  const state = program
    .command('state')
    .summary('show or repair incremental state')
    .description('Inspect and repair the committed incremental state of endpoints (destination first, then the local mirror).');
  const sub = (name: string, summary: string): Command =>
    state.command(name).summary(summary).argument('<config>', 'config file (YAML or JSON)').addOption(OPTIONS.endpoint()).addOption(OPTIONS.stateDir());
  sub('show', 'the committed incremental state of each endpoint')
    .addOption(OPTIONS.json())
    .action(cli.action((file: string, opts: StateOpts) => withStore(cli, file, opts, (loaded, store) => show(cli, loaded, store, opts))));
  sub('reset', 'start an endpoint from initial_value again').action(
    cli.action((file: string, opts: StateOpts) => withStore(cli, file, opts, (loaded, store) => write(cli, loaded, store, opts, 'reset'))),
  );
  sub('set', 'set an endpoint\'s cursor by hand')
    .requiredOption('--value <cursor>', 'the new cursor, in the endpoint\'s cursor type (e.g. 2024-05-01T00:00:00Z)')
    .action(cli.action((file: string, opts: StateOpts) => withStore(cli, file, opts, (loaded, store) => write(cli, loaded, store, opts, 'set'))));
  return state;
}

async function withStore(
  cli: CliContext,
  file: string,
  opts: StateOpts,
  fn: (loaded: LoadedConfig, store: StateStore) => Promise<number>,
): Promise<number> {
  const loaded = await cli.loadConfig(file);
  const logger = cli.logger(loaded, { level: 'warn' });
  let destination: Promise<Destination> | undefined;
  const open = (): Promise<Destination> => (destination ??= createDestination(loaded.config.destination, { clock: systemClock, logger, redactor: loaded.redactor }));
  const store = new StateStore(resolve(opts.stateDir), loaded.config.name, open);
  try {
    return await fn(loaded, store);
  } finally {
    const d = destination ? await destination.catch(() => undefined) : undefined;
    await d?.close();
  }
}

async function show(cli: CliContext, loaded: LoadedConfig, store: StateStore, opts: StateOpts): Promise<number> {
  const rows = [];
  for (const e of selectEndpoints(loaded, opts.endpoint)) {
    const name = endpointName(e);
    rows.push({ endpoint: name, incremental: e.incremental ? e.incremental.cursor_path : null, state: (await store.readCommitted(name)) ?? null });
  }
  cli.io.stdout.write(
    opts.json
      ? JSON.stringify(rows) + '\n'
      : table(['endpoint', 'cursor_path', 'committed state'], rows.map((r) => [r.endpoint, r.incremental ?? '-', r.state === null ? '(none)' : JSON.stringify(r.state)])) + '\n',
  );
  return EXIT.ok;
}

async function write(cli: CliContext, loaded: LoadedConfig, store: StateStore, opts: StateOpts, action: 'reset' | 'set'): Promise<number> {
  if (!opts.endpoint) {
    throw new FloeError('USAGE', 'config', `state ${action}: name the endpoint with --endpoint (known: ${loaded.config.endpoints.map(endpointName).join(', ')})`);
  }
  for (const e of selectEndpoints(loaded, opts.endpoint)) {
    const name = endpointName(e);
    if (action === 'reset') {
      await store.write(name, undefined);
      cli.io.stdout.write(`${name}: state reset; the next run starts from initial_value\n`);
      continue;
    }
    if (!e.incremental) throw new FloeError('USAGE', 'config', `state set: endpoint "${name}" has no incremental config`);
    const value = stateFromUserValue(e.incremental, name, opts.value!);
    await store.write(name, value);
    cli.io.stdout.write(`${name}: state set to ${JSON.stringify(value)}\n`);
  }
  return EXIT.ok;
}
