import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { loadPushConfigFile } from '../../config/load-push-config.js';
import { PushHistory } from '../../push/push-history.js';
import type { OutputPushRecord, PushRecord } from '../../push/push-record.js';
import { runPush } from '../../push/push-runner.js';
import { TextLogger } from '../../util/logger.js';
import type { CliContext } from '../cli-context.js';
import { EXIT } from '../exit.js';
import { OPTIONS, positiveInt } from '../options.js';
import { ProgressBoard } from '../progress.js';
import type { ProgressEvent } from '../../run/endpoint-job.js';
import { bytes, duration, int, table, truncate } from '../render.js';

interface PushOpts {
  output?: string[];
  json?: boolean;
  stateDir: string;
  logFormat: 'text' | 'json';
  verbose?: boolean;
  history?: boolean;
  limit: number;
}

/** `floe push <config>`: send rows from the warehouse (or a file) to REST APIs in batches. */
export function pushCommand(program: Command, cli: CliContext): Command {
  return program
    .command('push')
    .summary('send warehouse rows to REST APIs in batches (reverse ETL; continues an interrupted push)')
    .description(
      'Read each output’s rows (a table or query of the destination, or a Parquet/JSON-lines file) and send them to its API ' +
        'in batches, each with a stable Idempotency-Key. Delivered batches are recorded in the state dir after the API’s 2xx, ' +
        'so a re-run skips them and an interrupted push is finished first; rows the API refuses are kept and sent again next time.',
    )
    .argument('<config>', 'push config file (YAML or JSON): `outputs`, or a rest_api pipeline YAML')
    .addOption(new Option('--output <name>', 'only this output (repeat for more; default: all)').argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]))
    .addOption(OPTIONS.json())
    .addOption(OPTIONS.stateDir())
    .addOption(OPTIONS.logFormat())
    .addOption(OPTIONS.verbose())
    .option('--history', "list this config's pushes instead of pushing")
    .option('--limit <n>', 'with --history: how many', positiveInt, 20)
    .addHelpText(
      'after',
      '\nExamples:\n  floe push config/demo-push.yaml\n  floe push config/crm.yaml --output contacts --json\n  floe push config/crm.yaml --history\n\n' +
        'Exit codes: 0 succeeded, 3 partially failed (rows rejected, or the API’s quota ran out: the next push resumes), ' +
        '1 failed, 2 invalid config, 130/143 interrupted (the same `floe push` finishes it).',
    )
    .action(
      cli.action(async (file: string, opts: PushOpts) => {
        const loaded = await loadPushConfigFile(file, cli.env);
        if (opts.history) {
          const pushes = await new PushHistory(resolve(opts.stateDir)).list(opts.limit, loaded.config.name);
          cli.io.stdout.write(opts.json ? JSON.stringify(pushes) + '\n' : historyText(pushes));
          return EXIT.ok;
        }
        // A live board on a terminal; plain log lines everywhere else (cron, CI, Airflow, Kubernetes).
        const board = cli.io.stderr.isTTY && !opts.json && !opts.verbose ? new ProgressBoard(cli.io.stderr, Date.now, 'batches') : undefined;
        const logger = new TextLogger({
          sink: board ?? cli.io.stderr,
          redactor: loaded.redactor,
          level: opts.verbose ? 'debug' : board ? 'warn' : 'info',
          json: opts.logFormat === 'json',
        });
        const record = await runPush(
          loaded,
          {
            stateDir: opts.stateDir,
            ...(opts.output ? { outputs: opts.output } : {}),
            ...(cli.io.signal ? { signal: cli.io.signal } : {}),
            ...(board ? { onProgress: (o, ms) => board.update(progressEvent(o, ms)) } : {}),
          },
          { logger },
        );
        board?.finish();
        const shown = loaded.redactor.value(record);
        cli.io.stdout.write(opts.json ? JSON.stringify(jsonSummary(shown)) + '\n' : summaryText(shown, file, opts.stateDir));
        return cli.statusCode(record.status);
      }),
    );
}

function progressEvent(o: Readonly<OutputPushRecord>, elapsedMs: number): ProgressEvent {
  const phase = o.status === 'running' || o.status === 'pending' ? 'extracting' : o.status === 'partial' ? 'succeeded' : o.status;
  return { endpoint: o.name, phase, pages: o.batches_sent, rows: o.rows_sent, bytes: o.bytes_sent, elapsedMs };
}

/** The documented `--json` shape. */
export function jsonSummary(r: PushRecord): Record<string, unknown> {
  return {
    push_id: r.push_id,
    status: r.status,
    started_at: r.started_at,
    finished_at: r.finished_at,
    outputs: r.outputs.map((o) => ({
      name: o.name,
      source: o.source,
      url: o.url,
      status: o.status,
      rows: o.rows,
      rows_sent: o.rows_sent,
      batches_sent: o.batches_sent,
      rows_skipped: o.rows_skipped,
      batches_skipped: o.batches_skipped,
      rows_rejected: o.rows_rejected,
      rows_retried: o.rows_retried,
      http_retries: o.http_retries,
      ...(o.resumed_push_id ? { resumed_push_id: o.resumed_push_id } : {}),
      ...(o.rejected_file ? { rejected_file: o.rejected_file } : {}),
      ...(o.resume_after ? { resume_after: o.resume_after } : {}),
      ...(o.error ? { error: o.error } : {}),
    })),
  };
}

function summaryText(r: PushRecord, file: string, stateDir: string): string {
  let out = `\npush ${r.push_id} ${r.status} in ${duration(r.duration_ms ?? 0)}\n\n`;
  out +=
    table(
      ['output', 'status', 'rows', 'sent', 'batches', 'skipped', 'rejected', 'retried', 'http retries', 'bytes', 'time'],
      r.outputs.map((o) => [
        o.name,
        o.status,
        int(o.rows),
        int(o.rows_sent),
        int(o.batches_sent),
        int(o.rows_skipped),
        int(o.rows_rejected),
        int(o.rows_retried),
        int(o.http_retries),
        bytes(o.bytes_sent),
        duration(o.duration_ms ?? 0),
      ]),
    ) + '\n';
  for (const o of r.outputs) {
    if (o.resumed_push_id) out += `\n${o.name}: finished the interrupted push ${o.resumed_push_id} first\n`;
    if (o.rejected_file) out += `\n${o.name}: ${int(o.rows_rejected)} rows refused by the API, sent again by the next push; rows and errors: ${o.rejected_file}\n`;
    if (o.error) {
      out += `\n${o.name}: ${o.error.code}: ${o.error.message}\n`;
      if (o.error.status !== undefined) out += `  status: ${o.error.status}\n`;
      if (o.error.body_excerpt) out += `  body: ${truncate(o.error.body_excerpt, 300)}\n`;
      if (o.resume_after) out += `  the API said to come back at ${o.resume_after}\n`;
    }
  }
  if (r.status !== 'succeeded' && r.outputs.some((o) => o.status !== 'succeeded' && !o.rejected_file)) {
    const dir = stateDir === '.floe' ? '' : ` --state-dir ${stateDir}`;
    out += `\nresume (delivered batches are skipped, the rest keep their idempotency keys): floe push ${file}${dir}\n`;
  }
  return out;
}

function historyText(pushes: readonly PushRecord[]): string {
  if (pushes.length === 0) return 'no pushes yet\n';
  return (
    table(
      ['push_id', 'status', 'started_at', 'duration', 'outputs', 'sent', 'skipped', 'rejected'],
      pushes.map((p) => [
        p.push_id,
        p.status,
        p.started_at,
        p.duration_ms === undefined ? '-' : duration(p.duration_ms),
        `${p.outputs.filter((o) => o.status === 'succeeded').length}/${p.outputs.length} ok`,
        int(p.outputs.reduce((n, o) => n + o.rows_sent, 0)),
        int(p.outputs.reduce((n, o) => n + o.rows_skipped, 0)),
        int(p.outputs.reduce((n, o) => n + o.rows_rejected, 0)),
      ]),
    ) + '\n'
  );
}
