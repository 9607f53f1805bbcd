import { InvalidArgumentError, Option } from 'commander';

/**
 * Options several commands share, each written once: the same flag means the same thing (and has
 * the same help text and validation) on every command that takes it.
 */
export const OPTIONS = {
  json: (): Option => new Option('--json', 'print exactly one JSON object on stdout (logs stay on stderr)'),
  stateDir: (): Option =>
    new Option('--state-dir <dir>', 'run history, stage files, checkpoints, state mirror and locks').default('.floe'),
  concurrency: (what: string): Option =>
    new Option('--concurrency <n>', `${what} at once (they share the connector's rate limit)`).argParser(positiveInt).default(4),
  endpoint: (): Option =>
    new Option('--endpoint <name>', 'only this endpoint (repeat for more; default: all)').argParser(collect),
  logFormat: (): Option =>
    new Option('--log-format <format>', 'log lines on stderr: text (key=value) or json').choices(['text', 'json']).default('text'),
  verbose: (): Option => new Option('--verbose', 'debug logging (every request, checkpoint and statement)'),
  keepStage: (): Option => new Option('--keep-stage', 'keep the Parquet stage files after a successful load'),
} as const;

/** A positive whole number, or a usage error naming the value. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`expected a positive whole number, got "${value}"`);
  return n;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
