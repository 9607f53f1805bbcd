/**
 * Stripe's official stripe-mock (pinned in scripts/ensure-stripe-mock.sh, built by `.ci/run` with
 * the machine's Go toolchain into .tools/stripe-mock/), started by the tests on 127.0.0.1 port 0.
 * Every list answers one fixture object with `has_more: false`, whatever `starting_after` says.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { onTestFinished } from 'vitest';
import type { RunningServer } from './json-server.js';

const BINARY = process.env['FLOE_STRIPE_MOCK'] ?? join(process.cwd(), '.tools', 'stripe-mock', 'stripe-mock');

/** True when the binary is there (CI always builds it; locally run scripts/ensure-stripe-mock.sh). */
export const hasStripeMock = existsSync(BINARY);

/** Starts stripe-mock on loopback (HTTP and HTTPS both on port 0); stopped when the test finishes. */
export async function startStripeMock(): Promise<RunningServer> {
  const child = spawn(BINARY, ['-http-addr', '127.0.0.1:0', '-https-addr', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  };
  onTestFinished(close);
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    const m = /Listening for HTTP at address: (127\.0\.0\.1:\d+)/.exec(line);
    if (m) return { url: `http://${m[1]!}`, close };
  }
  throw new Error('stripe-mock exited before listening');
}
