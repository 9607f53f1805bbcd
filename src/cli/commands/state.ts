import { endpointName, loadConfigFile } from '../../config/load-config.js';
import { createDestination } from '../../destination/create-destination.js';
import { stateFromUserValue } from '../../run/incremental/incremental-state.js';
import { StateStore } from '../../run/state-store.js';
import { selectEndpoints } from '../../run/runner.js';
import type { Destination } from '../../types.js';
import { systemClock } from '../../util/clock.js';
import { FloeError } from '../../util/errors.js';
import { TextLogger } from '../../util/logger.js';
import { EXIT, parse, requireConfigArg, type CliIo } from '../cli.js';
import { table } from '../render.js';
import { resolve } from 'node:path';

/**
 * `floe state show|reset|set <config> [--endpoint e] [--value v]`: inspect and repair incremental
 * state after an incident. Writes go to the destination (the truth) and the local mirror.
 */
export async function stateCommand(args: string[], io: CliIo): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'show' && action !== 'reset' && action !== 'set') {
    throw new FloeError('USAGE', 'config', 'state: use `floe state show|reset|set <config> [--endpoint e] [--value v]`');
  }
  const { values, positionals } = parse(
    rest,
    { endpoint: { type: 'string', multiple: true }, value: { type: 'string' }, json: { type: 'boolean' }, 'state-dir': { type: 'string', default: '.floe' } },
    `state ${action}`,
  );
  const file = requireConfigArg(positionals, `state ${action}`);
  const loaded = await loadConfigFile(file, io.env);
  const endpoints = selectEndpoints(loaded, values.endpoint);
  if (action !== 'show' && !values.endpoint) {
    throw new FloeError('USAGE', 'config', `state ${action}: name the endpoint with --endpoint (known: ${loaded.config.endpoints.map(endpointName).join(', ')})`);
  }
  const logger = new TextLogger({ sink: io.stderr, redactor: loaded.redactor, level: 'warn' });
  let destination: Promise<Destination> | undefined;
  const open = (): Promise<Destination> => (destination ??= createDestination(loaded.config.destination, { clock: systemClock, logger, redactor: loaded.redactor }));
  const store = new StateStore(resolve(values['state-dir']), loaded.config.name, open);
  try {
    if (action === 'show') {
      const rows = [];
      for (const e of endpoints) {
        const name = endpointName(e);
        rows.push({ endpoint: name, incremental: e.incremental ? e.incremental.cursor_path : null, state: (await store.readCommitted(name)) ?? null });
      }
      io.stdout.write(
        values.json
          ? JSON.stringify(rows) + '\n'
          : table(['endpoint', 'cursor_path', 'committed state'], rows.map((r) => [r.endpoint, r.incremental ?? '-', r.state === null ? '(none)' : JSON.stringify(r.state)])) + '\n',
      );
      return EXIT.ok;
    }
    for (const e of endpoints) {
      const name = endpointName(e);
      if (action === 'reset') {
        await store.write(name, undefined);
        io.stdout.write(`${name}: state reset; the next run starts from initial_value\n`);
      } else {
        if (!e.incremental) throw new FloeError('USAGE', 'config', `state set: endpoint "${name}" has no incremental config`);
        if (values.value === undefined) throw new FloeError('USAGE', 'config', 'state set: --value is required');
        const value = stateFromUserValue(e.incremental, name, values.value);
        await store.write(name, value);
        io.stdout.write(`${name}: state set to ${JSON.stringify(value)}\n`);
      }
    }
    return EXIT.ok;
  } finally {
    const d = destination ? await destination.catch(() => undefined) : undefined;
    await d?.close();
  }
}
