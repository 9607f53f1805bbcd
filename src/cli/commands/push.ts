import { resolve } from 'node:path';
import { loadPushConfigFile } from '../../config/load-push-config.js';
import { PushHistory } from '../../push/push-history.js';
import type { PushRecord } from '../../push/push-record.js';
import { runPush } from '../../push/push-runner.js';
import { FloeError } from '../../util/errors.js';
import { TextLogger } from '../../util/logger.js';
import { EXIT, parse, requireConfigArg, type CliIo } from '../cli.js';
import { PushBoard } from '../push-board.js';
import { bytes, duration, int, table, truncate } from '../render.js';

/**
 * `floe push <config>`: send rows from the warehouse (or a file) to REST APIs in batches.
 * `--history` lists this config's pushes instead. One JSON object on stdout with --json.
 */
export async function pushCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      output: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      'state-dir': { type: 'string', default: '.floe' },
      'log-format': { type: 'string', default: 'text' },
      verbose: { type: 'boolean' },
      history: { type: 'boolean' },
      limit: { type: 'string', default: '20' },
    },
    'push',
  );
  const file = requireConfigArg(positionals, 'push');
  if (values['log-format'] !== 'text' && values['log-format'] !== 'json') {
    throw new FloeError('USAGE', 'config', `push: --log-format must be text or json, got "${values['log-format']}"`);
  }
  const loaded = await loadPushConfigFile(file, io.env);
  if (values.history) {
    const limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit <= 0) throw new FloeError('USAGE', 'config', `push: --limit must be a positive integer, got "${values.limit}"`);
    const pushes = await new PushHistory(resolve(values['state-dir'])).list(limit, loaded.config.name);
    io.stdout.write(values.json ? JSON.stringify(pushes) + '\n' : historyText(pushes));
    return EXIT.ok;
  }
  const board = io.stderr.isTTY && !values.json && !values.verbose ? new PushBoard(io.stderr) : undefined;
  const logger = new TextLogger({
    sink: io.stderr,
    redactor: loaded.redactor,
    level: values.verbose ? 'debug' : board ? 'warn' : 'info',
    json: values['log-format'] === 'json',
  });
  const record = await runPush(
    loaded,
    {
      stateDir: values['state-dir'],
      ...(values.output ? { outputs: values.output } : {}),
      ...(io.signal ? { signal: io.signal } : {}),
      ...(board ? { onProgress: (o, ms) => board.update(o, ms) } : {}),
    },
    { logger },
  );
  board?.finish();
  io.stdout.write(values.json ? JSON.stringify(jsonSummary(record)) + '\n' : summaryText(record));
  return record.status === 'succeeded' ? EXIT.ok : record.status === 'partially_failed' ? EXIT.partial : EXIT.failed;
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

function summaryText(r: PushRecord): string {
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
    if (o.rejected_file) out += `\n${o.name}: ${int(o.rows_rejected)} rows rejected by the API; they are sent again by the next push. Details: ${o.rejected_file}\n`;
    if (o.error) {
      out += `\n${o.name}: ${o.error.code}: ${o.error.message}\n`;
      if (o.error.status !== undefined) out += `  status: ${o.error.status}\n`;
      if (o.error.body_excerpt) out += `  body: ${truncate(o.error.body_excerpt, 300)}\n`;
      if (o.resume_after) out += `  resume after: ${o.resume_after}\n`;
    }
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
