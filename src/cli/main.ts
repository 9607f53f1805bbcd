#!/usr/bin/env node
import { main } from './cli.js';
import { FloeError } from '../util/errors.js';

/**
 * The first SIGINT/SIGTERM asks the run to stop: no new requests, the current Parquet file is
 * closed, the checkpoint saved and the run marked `interrupted` (the next `floe run` continues
 * it). A second signal exits at once; what was saved so far still resumes, as after a crash.
 */
const controller = new AbortController();
const onSignal = (signal: 'SIGINT' | 'SIGTERM'): void => {
  const code = signal === 'SIGINT' ? 130 : 143;
  if (controller.signal.aborted) {
    process.stderr.write(`\nfloe: ${signal} again: exiting now\n`);
    process.exit(code);
  }
  process.stderr.write(`\nfloe: ${signal}: stopping; saving progress so the next \`floe run\` continues (${signal} again to quit at once)\n`);
  controller.abort(new FloeError('ABORTED', 'terminal', `interrupted by ${signal}`, { details: { signal } }));
};
process.on('SIGINT', () => onSignal('SIGINT'));
process.on('SIGTERM', () => onSignal('SIGTERM'));

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
});
process.exitCode = code;
// Everything is saved; a connection still closing must not hold an interrupted process open.
if (controller.signal.aborted) setTimeout(() => process.exit(code), 2000).unref();
