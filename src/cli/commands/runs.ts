import { resolve } from 'node:path';
import { RunHistory, type RunRecord } from '../../run/run-history.js';
import { EXIT, parse, type CliIo } from '../cli.js';
import { endpointNotes } from '../endpoint-notes.js';
import { bytes, duration, int, table, truncate } from '../render.js';

/** `floe runs [--limit N]` and `floe runs show <run_id>`. */
export async function runsCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(
    args,
    { limit: { type: 'string', default: '20' }, json: { type: 'boolean' }, 'state-dir': { type: 'string', default: '.floe' } },
    'runs',
  );
  const history = new RunHistory(resolve(values['state-dir']));
  if (positionals[0] === 'show') {
    const id = positionals[1];
    if (!id) {
      io.stderr.write('floe runs show: missing <run_id> (see `floe runs`)\n');
      return EXIT.usage;
    }
    const run = await history.get(id);
    io.stdout.write(values.json ? JSON.stringify(run, null, 2) + '\n' : showRun(run));
    return EXIT.ok;
  }
  if (positionals.length > 0) {
    io.stderr.write(`floe runs: unexpected argument "${positionals[0]}"; did you mean \`floe runs show <run_id>\`?\n`);
    return EXIT.usage;
  }
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit <= 0) {
    io.stderr.write(`floe runs: --limit must be a positive integer, got "${values.limit}"\n`);
    return EXIT.usage;
  }
  const runs = await history.list(limit);
  if (values.json) {
    io.stdout.write(JSON.stringify(runs.map(summary)) + '\n');
    return EXIT.ok;
  }
  if (runs.length === 0) {
    io.stdout.write(`no runs yet in ${history.dir}\n`);
    return EXIT.ok;
  }
  io.stdout.write(
    table(
      ['run_id', 'config', 'status', 'started_at', 'duration', 'endpoints', 'rows'],
      runs.map((r) => [
        r.run_id,
        r.config_name,
        r.status,
        r.started_at,
        r.duration_ms === undefined ? '-' : duration(r.duration_ms),
        `${r.endpoints.filter((e) => e.status === 'succeeded').length}/${r.endpoints.length} ok`,
        int(r.endpoints.reduce((n, e) => n + e.rows, 0)),
      ]),
    ) + '\n',
  );
  return EXIT.ok;
}

function summary(r: RunRecord): Record<string, unknown> {
  return {
    run_id: r.run_id,
    config_name: r.config_name,
    status: r.status,
    started_at: r.started_at,
    finished_at: r.finished_at,
    endpoints: r.endpoints.length,
    failed_endpoints: r.endpoints.filter((e) => e.status === 'failed').map((e) => e.name),
    rows: r.endpoints.reduce((n, e) => n + e.rows, 0),
  };
}

export function showRun(r: RunRecord): string {
  const head =
    `run ${r.run_id}  ${r.status}\n` +
    `config ${r.config_name}${r.config_file ? ` (${r.config_file})` : ''} → ${r.destination}\n` +
    `started ${r.started_at}${r.finished_at ? `, finished ${r.finished_at} (${duration(r.duration_ms ?? 0)})` : ' (not finished)'}\n\n`;
  return head + endpointTable(r, 'error', (e) => e.error?.code ?? '') + endpointNotes(r) + errorDetails(r);
}

/** One line per endpoint: name, table, status, pages, rows, files, bytes and one more column. */
export function endpointTable(r: RunRecord, last: string, cell: (e: RunRecord['endpoints'][number]) => string): string {
  const rows = r.endpoints.map((e) => [e.name, e.table, e.status, int(e.pages), int(e.rows), int(e.files), bytes(e.bytes), cell(e)]);
  return table(['endpoint', 'table', 'status', 'pages', 'rows', 'files', 'bytes', last], rows) + '\n';
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
  for (const e of r.endpoints.filter((x) => x.query_ids?.length)) out += `\n${e.name}: query ids ${e.query_ids!.join(', ')}\n`;
  return out;
}
