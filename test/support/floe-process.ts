/** Running the built CLI (`dist/src/cli/main.js`, built by `npm test`) as a user would. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const FLOE_BIN = join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

export interface FloeResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `floe <args>` to the end; the environment is only PATH plus `env`, as under cron. */
export function runFloe(args: readonly string[], env: Record<string, string> = {}, cwd?: string): Promise<FloeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [FLOE_BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, ...(cwd ? { cwd } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Starts `floe <args>` without waiting, for tests that kill it. */
export function startFloe(args: readonly string[]): ChildProcess {
  return spawn(process.execPath, [FLOE_BIN, ...args], { stdio: 'ignore' });
}

/** Kills a child with SIGKILL (no cleanup of any kind, as a crash) and waits for it to be gone. */
export async function killHard(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGKILL');
  await exited;
}

/** Polls `cond` every 10 ms. */
export async function waitFor(cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A `floe` child process whose output is collected, with a promise of its exit. */
export interface FloeChild {
  readonly child: ChildProcess;
  readonly exit: Promise<FloeResult & { signal: NodeJS.Signals | null }>;
}

/** Starts `floe <args>` collecting stdout/stderr, for tests that signal it and check how it ends. */
export function spawnFloe(args: readonly string[], env: Record<string, string> = {}): FloeChild {
  const child = spawn(process.execPath, [FLOE_BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<FloeResult & { signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }));
  });
  return { child, exit };
}
