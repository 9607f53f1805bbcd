import { Option, type Command } from 'commander';
import type { DestinationConfig } from '../../config/schema.js';
import { runConnector } from '../../run/runner.js';
import type { RunRecord } from '../../run/run-history.js';
import type { CliContext } from '../cli-context.js';
import { OPTIONS } from '../options.js';
import { ProgressBoard } from '../progress.js';
import { duration } from '../render.js';
import { whereDataGoes } from '../../config/where-data-goes.js';
import { endpointNotes } from '../endpoint-notes.js';
import { endpointTable, errorDetails } from './runs.js';

interface RunOpts {
  endpoint?: string[];
  json?: boolean;
  stateDir: string;
  concurrency: number;
  keepStage?: boolean;
  logFormat: 'text' | 'json';
  verbose?: boolean;
  resume: boolean;
  dt?: string;
}

/** `floe run <config>`: one JSON object on stdout with --json; logs always on stderr. */
export function runCommand(program: Command, cli: CliContext): Command {
  return program
    .command('run')
    .summary('extract, stage and load (continues an interrupted run)')
    .description(
      'Extract every endpoint (or the named ones), stage the rows as Parquet and load each endpoint in one transaction. ' +
        'If the last run of this config was interrupted (crash, kill, Ctrl-C, SIGTERM), it is continued under its run id.',
    )
    .argument('<config>', 'config file (YAML or JSON)')
    .addOption(OPTIONS.endpoint())
    .addOption(OPTIONS.json())
    .addOption(OPTIONS.stateDir())
    .addOption(OPTIONS.concurrency('endpoints extracted'))
    .addOption(OPTIONS.keepStage())
    .addOption(OPTIONS.logFormat())
    .addOption(OPTIONS.verbose())
    .option('--no-resume', 'close an interrupted run of this config as failed and start afresh')
    .addOption(new Option('--dt <date>', 'the {{ dt }} template variable, e.g. 2024-05-01'))
    .addHelpText(
      'after',
      '\nExamples:\n  floe run config/github.yaml\n  floe run config/github.yaml --endpoint issues --endpoint pulls --json\n' +
        '  floe --env-file .env run config/github.yaml --log-format json   # under cron, Airflow, Kubernetes\n\n' +
        'Exit codes: 0 succeeded, 3 partially failed, 1 failed, 2 invalid config, 130 (SIGINT) / 143 (SIGTERM) interrupted:\n' +
        'the same `floe run` continues it.',
    )
    .action(
      cli.action(async (file: string, opts: RunOpts) => {
        const loaded = await cli.loadConfig(file);
        // A live board on a terminal; plain log lines everywhere else (cron, CI, Airflow, Kubernetes).
        const board = cli.io.stderr.isTTY && !opts.json && !opts.verbose ? new ProgressBoard(cli.io.stderr) : undefined;
        const logger = cli.logger(loaded, {
          level: opts.verbose ? 'debug' : board ? 'warn' : 'info',
          json: opts.logFormat === 'json',
          ...(board ? { sink: board } : {}),
        });
        const record = await runConnector(
          loaded,
          {
            ...(opts.endpoint ? { endpoints: opts.endpoint } : {}),
            stateDir: opts.stateDir,
            concurrency: opts.concurrency,
            keepStage: opts.keepStage ?? false,
            resume: opts.resume,
            ...(opts.dt ? { vars: { dt: opts.dt } } : {}),
            ...(cli.io.signal ? { signal: cli.io.signal } : {}),
            ...(board ? { onProgress: (e) => board.update(e) } : {}),
          },
          { logger },
        );
        board?.finish();
        const shown = loaded.redactor.value(record);
        if (opts.json) cli.io.stdout.write(JSON.stringify(jsonSummary(shown)) + '\n');
        else cli.io.stdout.write(summaryText(shown, loaded.config.destination, file, opts.stateDir));
        return cli.statusCode(record.status);
      }),
    );
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
      ...(e.warnings ? { warnings: e.warnings } : {}),
      ...(e.short_of_total ? { short_of_total: e.short_of_total } : {}),
      ...(e.out_of_range !== undefined ? { out_of_range: e.out_of_range } : {}),
      ...(e.error ? { error: e.error } : {}),
    })),
  };
}

function summaryText(r: RunRecord, destination: DestinationConfig, file: string, stateDir: string): string {
  let out = `\nrun ${r.run_id} ${r.status} in ${duration(r.duration_ms ?? 0)}\n`;
  const loaded = r.endpoints.filter((e) => e.status === 'succeeded').map((e) => e.table);
  out += `data: ${whereDataGoes(destination)}${loaded.length ? `; tables ${loaded.join(', ')}` : ''}\n\n`;
  out += endpointTable(r, 'time', (e) => duration((e.extract_ms ?? 0) + (e.load_ms ?? 0)));
  out += endpointNotes(r) + errorDetails(r);
  if (r.status === 'interrupted') {
    const dir = stateDir === '.floe' ? '' : ` --state-dir ${stateDir}`;
    out += `\ninterrupted: finished endpoints are committed; the rest keep their stage files and checkpoints.\n` +
      `continue it (same run id, nothing loaded twice): floe run ${file}${dir}\n`;
  } else if (r.status !== 'succeeded') out += `\ndetails: floe runs show ${r.run_id}\n`;
  return out;
}
