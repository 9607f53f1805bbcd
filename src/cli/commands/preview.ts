import { InvalidArgumentError, Option, type Command } from 'commander';
import { previewEndpoint, type PreviewResult } from '../../run/preview.js';
import type { CliContext } from '../cli-context.js';
import { EXIT } from '../exit.js';
import { OPTIONS } from '../options.js';
import { cell, table } from '../render.js';

interface PreviewOpts {
  endpoint?: string;
  rows: number;
  json?: boolean;
}

/** `floe preview <config> --endpoint <name>`: the first page's columns and sample rows. */
export function previewCommand(program: Command, cli: CliContext): Command {
  return program
    .command('preview')
    .summary('fetch the first page: inferred columns and sample rows')
    .description('Fetch the first page of one endpoint and show the inferred columns with types and a few rows. Stages and loads nothing.')
    .argument('<config>', 'config file (YAML or JSON)')
    .option('--endpoint <name>', 'the endpoint to preview (may be left out when the config has one)')
    .addOption(new Option('--rows <n>', 'sample rows to show').argParser(wholeNumber).default(5))
    .addOption(OPTIONS.json())
    .addHelpText('after', '\nExample:\n  floe preview config/github.yaml --endpoint issues --rows 3')
    .action(
      cli.action(async (file: string, opts: PreviewOpts) => {
        const loaded = await cli.loadConfig(file);
        const raw = await previewEndpoint(loaded, opts.endpoint, { rows: opts.rows, ...(cli.io.signal ? { signal: cli.io.signal } : {}) });
        const p = { ...loaded.redactor.value(raw), url: loaded.redactor.url(raw.url) };
        if (opts.json) {
          cli.io.stdout.write(JSON.stringify(p, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) + '\n');
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
        cli.io.stdout.write(out);
        return EXIT.ok;
      }),
    );
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected a whole number, got "${value}"`);
  return n;
}

/** What floe detected on the first page, as config lines to pin. */
function detectedText(p: PreviewResult): string {
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
  const parts = Object.entries(v as Record<string, unknown>).map(
    ([k, x]) => `${k}: ${typeof x === 'string' && /[\s:{}[\],#&*!|>'"%@`]/.test(x) ? JSON.stringify(x) : String(x)}`,
  );
  return `{ ${parts.join(', ')} }`;
}
