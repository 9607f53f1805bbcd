import { isFloeError } from '../util/errors.js';
import type { CliIo } from './cli.js';

/**
 * Exit codes: the contract schedulers branch on (130/143 come from the signal, see CliContext;
 * `retry` (75, sysexits' EX_TEMPFAIL) is `floe run-slice`'s "another attempt may succeed").
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, partial: 3, retry: 75, interrupted: 130 } as const;

/** Prints an error the way a user should see it and returns the exit code; never a stack trace. */
export function reportError(e: unknown, io: CliIo): number {
  if (isFloeError(e)) {
    io.stderr.write(`floe: ${e.message}\n`);
    if (e.code === 'ABORTED') return EXIT.interrupted;
    return e.kind === 'config' ? EXIT.usage : EXIT.failed;
  }
  // A bug: say so plainly, with the stack only when asked for.
  const err = e instanceof Error ? e : new Error(String(e));
  io.stderr.write(`floe: internal error: ${err.message}\n`);
  if (io.env.FLOE_DEBUG) io.stderr.write(`${err.stack ?? ''}\n`);
  else io.stderr.write('(set FLOE_DEBUG=1 for a stack trace, and please report it)\n');
  return EXIT.failed;
}
