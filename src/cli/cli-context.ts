import { readFile } from 'node:fs/promises';
import { parseEnv } from 'node:util';
import { loadConfigFile, type LoadOptions, type LoadedConfig } from '../config/load-config.js';
import { FloeError } from '../util/errors.js';
import { TextLogger, type LogSink } from '../util/logger.js';
import type { CliIo } from './cli.js';
import { EXIT, reportError } from './exit.js';

/** What the Unix convention makes of a signal: 128 + its number. */
const SIGNAL_EXIT: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/**
 * What every command shares: the streams, the environment (with `--env-file` merged under it),
 * config loading, loggers, and the exit code its action sets.
 */
export class CliContext {
  exitCode: number = EXIT.ok;
  #env: Record<string, string | undefined>;

  constructor(readonly io: CliIo) {
    this.#env = io.env;
  }

  /** The environment commands resolve `{{ env.X }}` from. */
  get env(): Record<string, string | undefined> {
    return this.#env;
  }

  /** Merges `.env` files under the real environment (which wins, as with `node --env-file`). */
  async loadEnvFiles(files: readonly string[]): Promise<void> {
    let merged: Record<string, string | undefined> = {};
    for (const file of files) {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new FloeError('USAGE', 'config', `--env-file ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(code)}`);
      }
      merged = { ...merged, ...parseEnv(text) };
    }
    if (files.length > 0) this.#env = { ...merged, ...this.io.env };
  }

  loadConfig(file: string, opts: LoadOptions = {}): Promise<LoadedConfig> {
    return loadConfigFile(file, this.env, opts);
  }

  /** A logger on stderr through the config's redactor, or through `sink` (the live board). */
  logger(loaded: LoadedConfig, opts: { level: 'debug' | 'info' | 'warn'; json?: boolean; sink?: LogSink }): TextLogger {
    return new TextLogger({ sink: opts.sink ?? this.io.stderr, redactor: loaded.redactor, level: opts.level, json: opts.json ?? false });
  }

  /** The exit code of a run or backfill status. */
  statusCode(status: string): number {
    switch (status) {
      case 'succeeded':
        return EXIT.ok;
      case 'partially_failed':
        return EXIT.partial;
      case 'interrupted':
        return this.interruptedCode();
      default:
        return EXIT.failed;
    }
  }

  /** 130 after SIGINT, 143 after SIGTERM (the reason main.ts aborts with names the signal). */
  interruptedCode(): number {
    const reason = this.io.signal?.reason as { details?: { signal?: unknown } } | undefined;
    const signal = reason?.details?.signal;
    return (typeof signal === 'string' ? SIGNAL_EXIT[signal] : undefined) ?? EXIT.interrupted;
  }

  /**
   * Wraps a command's action: its returned number becomes the exit code, and a thrown error is
   * reported (exit 2 for config and usage errors, 1 otherwise), never as a stack trace.
   */
  action<A extends unknown[]>(fn: (...args: A) => Promise<number>): (...args: A) => Promise<void> {
    return async (...args: A) => {
      try {
        this.exitCode = await fn(...args);
      } catch (e) {
        this.exitCode = reportError(e, this.io);
        if (this.io.signal?.aborted && this.exitCode === EXIT.interrupted) this.exitCode = this.interruptedCode();
      }
    };
  }
}
