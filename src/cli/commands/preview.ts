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
