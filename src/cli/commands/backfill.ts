import { loadConfigFile } from '../../config/load-config.js';
import { runBackfill, type BackfillRecord } from '../../run/backfill/backfill-runner.js';
import { FloeError } from '../../util/errors.js';
import { TextLogger } from '../../util/logger.js';
import { EXIT, parse, requireConfigArg, type CliIo } from '../cli.js';
import { int, table, truncate } from '../render.js';

/** `floe backfill <config> --from … --to … --step 7d [--concurrency 4] [--endpoint e …]`. */
export async function backfillCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      from: { type: 'string' },
      to: { type: 'string' },
      step: { type: 'string' },
      endpoint: { type: 'string', multiple: true },
      concurrency: { type: 'string', default: '4' },
      json: { type: 'boolean' },
      'state-dir': { type: 'string', default: '.floe' },
      'keep-stage': { type: 'boolean' },
      'log-format': { type: 'string', default: 'text' },
      verbose: { type: 'boolean' },
    },
    'backfill',
  );
  const file = requireConfigArg(positionals, 'backfill');
  for (const flag of ['from', 'to', 'step'] as const) {
    if (!values[flag]) throw new FloeError('USAGE', 'config', `backfill: --${flag} is required (e.g. --from 2023-01-01 --to 2024-01-01 --step 7d)`);
  }
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new FloeError('USAGE', 'config', `backfill: --concurrency must be a positive integer, got "${values.concurrency}"`);
  }
  const loaded = await loadConfigFile(file, io.env);
  const logger = new TextLogger({
    sink: io.stderr,
    redactor: loaded.redactor,
    level: values.verbose ? 'debug' : 'info',
    json: values['log-format'] === 'json',
  });
  const record = await runBackfill(
    loaded,
    {
      from: values.from!,
      to: values.to!,
      step: values.step!,
      concurrency,
      stateDir: values['state-dir'],
      keepStage: values['keep-stage'] ?? false,
      ...(values.endpoint ? { endpoints: values.endpoint } : {}),
      ...(io.signal ? { signal: io.signal } : {}),
    },
    { logger },
  );
  io.stdout.write(values.json ? JSON.stringify(record) + '\n' : summary(record));
  return record.status === 'succeeded' ? EXIT.ok : record.status === 'partially_failed' ? EXIT.partial : EXIT.failed;
}

function summary(r: BackfillRecord): string {
  const failed = r.windows.filter((w) => w.status === 'failed');
  const skipped = r.windows.filter((w) => w.skipped).length;
  const ran = r.windows.filter((w) => !w.skipped);
  let out = `\nbackfill ${r.backfill_id} ${r.status}: ${r.windows.length} window(s) [${r.from}, ${r.to}) by ${r.step}; ` +
    `${skipped} already done, ${ran.length - failed.length} loaded now, ${failed.length} failed; ` +
    `${int(ran.reduce((n, w) => n + w.rows, 0))} rows this time\n`;
  if (failed.length > 0) {
    out += `\nfailed windows (run the same command again to retry only these):\n`;
    out += table(['window', 'endpoint', 'error'], failed.map((w) => [w.window, w.name, truncate(`${w.error?.code}: ${w.error?.message}`, 100)])) + '\n';
  }
  return out;
}
