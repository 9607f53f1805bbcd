import { loadConfigFile } from '../../config/load-config.js';
import { runConnector } from '../../run/runner.js';
import type { RunRecord } from '../../run/run-history.js';
import { FloeError } from '../../util/errors.js';
import { TextLogger } from '../../util/logger.js';
import { EXIT, parse, requireConfigArg, type CliIo } from '../cli.js';
import { ProgressBoard } from '../progress.js';
import { duration } from '../render.js';
import { endpointNotes } from '../endpoint-notes.js';
import { endpointTable, errorDetails } from './runs.js';

/** `floe run <config>`: one JSON object on stdout with --json; logs always on stderr. */
export async function runCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      endpoint: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      'state-dir': { type: 'string', default: '.floe' },
      concurrency: { type: 'string', default: '4' },
      'keep-stage': { type: 'boolean' },
      'log-format': { type: 'string', default: 'text' },
      verbose: { type: 'boolean' },
      'no-resume': { type: 'boolean' },
      dt: { type: 'string' },
    },
    'run',
  );
  const file = requireConfigArg(positionals, 'run');
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new FloeError('USAGE', 'config', `run: --concurrency must be a positive integer, got "${values.concurrency}"`);
  }
  if (values['log-format'] !== 'text' && values['log-format'] !== 'json') {
    throw new FloeError('USAGE', 'config', `run: --log-format must be text or json, got "${values['log-format']}"`);
  }
  const loaded = await loadConfigFile(file, io.env);
  // A live board on a terminal; plain log lines everywhere else (cron, CI, Airflow, Kubernetes).
  const board = io.stderr.isTTY && !values.json && !values.verbose ? new ProgressBoard(io.stderr) : undefined;
  const logger = new TextLogger({
    sink: io.stderr,
    redactor: loaded.redactor,
    level: values.verbose ? 'debug' : board ? 'warn' : 'info',
    json: values['log-format'] === 'json',
  });
  const record = await runConnector(
    loaded,
    {
      ...(values.endpoint ? { endpoints: values.endpoint } : {}),
      stateDir: values['state-dir'],
      concurrency,
      keepStage: values['keep-stage'] ?? false,
      resume: !(values['no-resume'] ?? false),
      ...(values.dt ? { vars: { dt: values.dt } } : {}),
      ...(io.signal ? { signal: io.signal } : {}),
      ...(board ? { onProgress: (e) => board.update(e) } : {}),
    },
    { logger },
  );
  board?.finish();
  if (values.json) io.stdout.write(JSON.stringify(jsonSummary(record)) + '\n');
  else io.stdout.write(summaryText(record));
  return record.status === 'succeeded' ? EXIT.ok : record.status === 'partially_failed' ? EXIT.partial : EXIT.failed;
}

/** The documented `--json` shape. */
export function jsonSummary(r: RunRecord): Record<string, unknown> {
  return {
    run_id: r.run_id,
    status: r.status,
    started_at: r.started_at,
    finished_at: r.finished_at,
    endpoints: r.endpoints.map((e) => ({
      name: e.name,
      table: e.table,
      status: e.status,
      rows: e.rows,
      pages: e.pages,
      files: e.files,
      bytes: e.bytes,
      ...(e.rows_loaded !== undefined ? { rows_loaded: e.rows_loaded } : {}),
      ...(e.query_ids ? { query_ids: e.query_ids } : {}),
      ...(e.out_of_range !== undefined ? { out_of_range: e.out_of_range } : {}),
      ...(e.warnings ? { warnings: e.warnings } : {}),
      ...(e.error ? { error: e.error } : {}),
    })),
  };
}

function summaryText(r: RunRecord): string {
  let out = `\nrun ${r.run_id} ${r.status} in ${duration(r.duration_ms ?? 0)}\n\n`;
  out += endpointTable(r, 'time', (e) => duration((e.extract_ms ?? 0) + (e.load_ms ?? 0)));
  out += endpointNotes(r) + errorDetails(r);
  if (r.status !== 'succeeded') out += `\ndetails: floe runs show ${r.run_id}\n`;
  return out;
}
