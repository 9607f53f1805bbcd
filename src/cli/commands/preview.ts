import { loadConfigFile } from '../../config/load-config.js';
import { previewEndpoint } from '../../run/preview.js';
import { FloeError } from '../../util/errors.js';
import { EXIT, parse, requireConfigArg, type CliIo } from '../cli.js';
import { cell, table } from '../render.js';

/** `floe preview <config> --endpoint <name>`: the first page's columns and sample rows. */
export async function previewCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(
    args,
    { endpoint: { type: 'string' }, rows: { type: 'string', default: '5' }, json: { type: 'boolean' } },
    'preview',
  );
  const file = requireConfigArg(positionals, 'preview');
  const rows = Number(values.rows);
  if (!Number.isInteger(rows) || rows < 0) throw new FloeError('USAGE', 'config', `preview: --rows must be a whole number, got "${values.rows}"`);
  const loaded = await loadConfigFile(file, io.env);
  const p = await previewEndpoint(loaded, values.endpoint, { rows, ...(io.signal ? { signal: io.signal } : {}) });
  if (values.json) {
    io.stdout.write(JSON.stringify(p, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) + '\n');
    return EXIT.ok;
  }
  let out = `${p.endpoint} → table ${p.table}\n${p.url} → HTTP ${p.status}, ${p.records} record(s) on the first page${p.hasNextPage ? ', more pages follow' : ''}\n\n`;
  out += detectedText(p);
  out += `${p.columns.length} column(s):\n` + table(['column', 'type'], p.columns.map((c) => [c.name, c.type])) + '\n';
  if (p.sample.length > 0) {
    out += `\nfirst ${p.sample.length} row(s):\n`;
    // Wide APIs have dozens of columns: print rows vertically so nothing is cut off.
    p.sample.forEach((row, i) => {
      out += `-- row ${i + 1}\n` + p.columns.map((c) => `  ${c.name}: ${cell(row[c.name])}`).join('\n') + '\n';
    });
  }
  io.stdout.write(out);
  return EXIT.ok;
}

/** What floe detected on the first page, as config lines to pin. */
function detectedText(p: Awaited<ReturnType<typeof previewEndpoint>>): string {
  let out = '';
  if (p.detected?.records_path !== undefined) {
    out += `records: detected at ${p.detected.records_path} (no records_path set; pin it with records_path: ${p.detected.records_path})\n`;
  }
  if (p.detected?.pagination !== undefined) {
    out += `pagination: detected ${flow(p.detected.pagination)} (pin it with pagination: ${flow(p.detected.pagination)})\n`;
  }
  if (p.warning !== undefined) out += `warning: ${p.warning}\n`;
  return out === '' ? '' : `${out}\n`;
}

/** A YAML flow mapping of a small config object: `{ type: cursor, cursor_param: after }`. */
function flow(v: unknown): string {
  if (v === null || typeof v !== 'object') return String(v);
  const parts = Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}: ${typeof x === 'string' && /[\s:{}[\],#&*!|>'"%@`]/.test(x) ? JSON.stringify(x) : String(x)}`);
  return `{ ${parts.join(', ')} }`;
}
