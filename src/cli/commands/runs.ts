import { resolve } from 'node:path';
import type { Command } from 'commander';
import { listBackfills } from '../../run/backfill/backfill-history.js';
import type { BackfillRecord } from '../../run/backfill/backfill-runner.js';
import { RunHistory, type RunRecord } from '../../run/run-history.js';
import type { CliContext } from '../cli-context.js';
import { EXIT } from '../exit.js';
import { OPTIONS, positiveInt } from '../options.js';
import { endpointNotes } from '../endpoint-notes.js';
import { bytes, duration, int, table, truncate } from '../render.js';

/** `floe runs [--limit N]` and `floe runs show <run_id>`. */
export function runsCommand(program: Command, cli: CliContext): Command {
  const runs = program
    .command('runs')
    .summary('run and backfill history')
    .description('List recent runs (rows loaded into the destination, per status) and backfills. `floe runs show <run_id>` has the details.')
    .option('--limit <n>', 'how many runs and backfills', positiveInt, 20)
    .addOption(OPTIONS.json())
    .addOption(OPTIONS.stateDir())
    .action(
      cli.action(async (opts: { limit: number; json?: boolean; stateDir: string }) => {
        const stateDir = resolve(opts.stateDir);
        const history = new RunHistory(stateDir);
        const list = await history.list(opts.limit);
        const backfills = await listBackfills(stateDir, opts.limit);
        if (opts.json) {
          cli.io.stdout.write(JSON.stringify([...list.map(summary), ...backfills.map(backfillSummary)]) + '\n');
          return EXIT.ok;
        }
        if (list.length === 0 && backfills.length === 0) {
          cli.io.stdout.write(`no runs yet in ${history.dir}\n`);
          return EXIT.ok;
        }
        let out = '';
        if (list.length > 0) {
          out += table(
            ['run_id', 'config', 'status', 'started_at', 'duration', 'endpoints', 'rows loaded'],
            list.map((r) => [
              r.run_id,
              r.config_name,
              r.status,
              r.started_at,
              r.duration_ms === undefined ? '-' : duration(r.duration_ms),
              `${r.endpoints.filter((e) => e.status === 'succeeded').length}/${r.endpoints.length} ok`,
              int(rowsLoaded(r)),
            ]),
          ) + '\n';
          for (const r of list.filter((x) => x.status === 'interrupted' || x.status === 'running')) out += `\n${continueHint(r)}`;
        }
        if (backfills.length > 0) {
          out += `\nbackfills:\n` + table(
            ['backfill_id', 'config', 'status', 'range', 'step', 'windows', 'rows loaded'],
            backfills.map((b) => [
              b.backfill_id,
              b.config_name,
              b.status,
              `[${b.from}, ${b.to})`,
              b.step,
              `${b.windows.filter((w) => w.status === 'succeeded').length}/${b.windows.length} ok`,
              int(b.windows.reduce((n, w) => n + (w.rows_loaded ?? 0), 0)),
            ]),
          ) + '\n';
        }
        cli.io.stdout.write(out);
        return EXIT.ok;
      }),
    );
  runs
    .command('show')
    .summary('one run: per-endpoint details and errors')
    .argument('<run_id>', 'a run id from `floe runs`')
    .configureHelp({ showGlobalOptions: true })
    .action(
      cli.action(async (id: string, _opts: unknown, command: Command) => {
        // `--json` and `--state-dir` are options of `runs`, accepted before or after `show`.
        const opts = command.optsWithGlobals<{ json?: boolean; stateDir: string }>();
        const run = await new RunHistory(resolve(opts.stateDir)).get(id);
        cli.io.stdout.write(opts.json ? JSON.stringify(run, null, 2) + '\n' : showRun(run));
        return EXIT.ok;
      }),
    );
  return runs;
}

function rowsLoaded(r: RunRecord): number {
  return r.endpoints.reduce((n, e) => n + (e.rows_loaded ?? 0), 0);
}

function continueHint(r: RunRecord): string {
  const how = r.config_file ? `floe run ${r.config_file}` : 'floe run <its config>';
  return `${r.run_id} ${r.status === 'running' ? 'is running or was killed' : 'was interrupted'}: ${how} continues it under the same run id\n`;
}

function summary(r: RunRecord): Record<string, unknown> {
  return {
    kind: 'run',
    run_id: r.run_id,
    config_name: r.config_name,
    status: r.status,
    started_at: r.started_at,
    finished_at: r.finished_at,
    endpoints: r.endpoints.length,
    failed_endpoints: r.endpoints.filter((e) => e.status === 'failed').map((e) => e.name),
    rows: r.endpoints.reduce((n, e) => n + e.rows, 0),
    rows_loaded: rowsLoaded(r),
  };
}

function backfillSummary(b: BackfillRecord): Record<string, unknown> {
  return {
    kind: 'backfill',
    backfill_id: b.backfill_id,
    config_name: b.config_name,
    status: b.status,
    started_at: b.started_at,
    finished_at: b.finished_at,
    from: b.from,
    to: b.to,
    step: b.step,
    windows: b.windows.length,
    failed_windows: b.windows.filter((w) => w.status === 'failed').length,
    rows_loaded: b.windows.reduce((n, w) => n + (w.rows_loaded ?? 0), 0),
  };
}

export function showRun(r: RunRecord): string {
  const head =
    `run ${r.run_id}  ${r.status}\n` +
    `config ${r.config_name}${r.config_file ? ` (${r.config_file})` : ''} → ${r.target ?? r.destination}\n` +
    `started ${r.started_at}${r.finished_at ? `, finished ${r.finished_at} (${duration(r.duration_ms ?? 0)})` : ' (not finished)'}\n\n`;
  const tail = r.status === 'interrupted' || r.status === 'running' ? `\n${continueHint(r)}` : '';
  return head + endpointTable(r, 'error', (e) => e.error?.code ?? '') + endpointNotes(r) + errorDetails(r) + tail;
}

/** One line per endpoint: name, table, status, pages, rows extracted and loaded, files, bytes and one more column. */
export function endpointTable(r: RunRecord, last: string, cell: (e: RunRecord['endpoints'][number]) => string): string {
  const rows = r.endpoints.map((e) => [
    e.name,
    e.table,
    e.status,
    int(e.pages),
    int(e.rows),
    e.rows_loaded === undefined ? '-' : int(e.rows_loaded),
    int(e.files),
    bytes(e.bytes),
    cell(e),
  ]);
  return table(['endpoint', 'table', 'status', 'pages', 'rows', 'loaded', 'files', 'bytes', last], rows) + '\n';
}

/** Each failed endpoint's error with its URL, status and body excerpt; query ids of loads. */
export function errorDetails(r: RunRecord): string {
  let out = '';
  for (const e of r.endpoints.filter((x) => x.error)) {
    const err = e.error!;
    out += `\n${e.name}: ${err.code}: ${err.message}\n`;
    if (err.url) out += `  url: ${err.url}\n`;
    if (err.status !== undefined) out += `  status: ${err.status}\n`;
    if (err.body_excerpt) out += `  body: ${truncate(err.body_excerpt, 300)}\n`;
  }
  for (const e of r.endpoints.filter((x) => x.warnings?.length)) {
    out += `\n${e.name}: warnings\n${e.warnings!.map((w) => `  - ${w}\n`).join('')}`;
  }
  for (const e of r.endpoints.filter((x) => x.query_ids?.length)) out += `\n${e.name}: query ids ${e.query_ids!.join(', ')}\n`;
  return out;
}
