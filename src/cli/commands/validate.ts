import { endpointName, loadConfigFile, tableName } from '../../config/load-config.js';
import { EXIT, parse, requireConfigArg, type CliIo } from '../cli.js';
import { table } from '../render.js';

/** `floe validate <config>`: parse, resolve env, check, and show what a run would load. */
export async function validateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } }, 'validate');
  const file = requireConfigArg(positionals, 'validate');
  const { config, dialect } = await loadConfigFile(file, io.env);
  const rows = config.endpoints.map((e) => [
    endpointName(e),
    tableName(e),
    `${e.method} ${e.path}`,
    e.pagination?.type === 'auto' ? 'auto (detected on the first page; see floe preview)' : (e.pagination?.type ?? 'none'),
    e.records_path ?? 'auto (array, data/results/items/…, else the object)',
    e.write_disposition ?? config.destination.write_disposition,
  ]);
  if (values.json) {
    io.stdout.write(
      JSON.stringify({
        valid: true,
        dialect,
        name: config.name,
        destination: config.destination.type,
        endpoints: rows.map(([name, tbl, request, pagination, records, disposition]) => ({ name, table: tbl, request, pagination, records, write_disposition: disposition })),
      }) + '\n',
    );
    return EXIT.ok;
  }
  io.stdout.write(
    `${file}: valid${dialect === 'native' ? '' : ` (${dialect} dialect)`} — connector "${config.name}", ${config.endpoints.length} endpoint(s) → ${config.destination.type}\n\n` +
      table(['endpoint', 'table', 'request', 'pagination', 'records', 'write'], rows) +
      '\n',
  );
  return EXIT.ok;
}
