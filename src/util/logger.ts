import type { Redactor } from './redact.js';
import { toText } from './text.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export interface LogSink {
  write(line: string): void;
}

/**
 * Plain `key=value` lines (or JSON lines) on stderr, always passed through the redactor, so stdout
 * stays free for `--json` output.
 */
export class TextLogger implements Logger {
  constructor(
    private readonly opts: {
      sink?: LogSink;
      level?: LogLevel;
      redactor?: Redactor;
      json?: boolean;
      clock?: () => number;
    } = {},
    private readonly base: LogFields = {},
  ) {}

  debug(msg: string, fields?: LogFields): void {
    this.log('debug', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.log('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.log('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.log('error', msg, fields);
  }

  child(fields: LogFields): Logger {
    return new TextLogger(this.opts, { ...this.base, ...fields });
  }

  private log(level: LogLevel, msg: string, fields?: LogFields): void {
    if (ORDER[level] < ORDER[this.opts.level ?? 'info']) return;
    const all = { ...this.base, ...fields };
    const ts = new Date((this.opts.clock ?? Date.now)()).toISOString();
    let line: string;
    if (this.opts.json) {
      line = JSON.stringify({ ts, level, msg, ...all });
    } else {
      const kv = Object.entries(all)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${formatValue(v)}`)
        .join(' ');
      line = `${ts} ${level.padEnd(5)} ${msg}${kv ? ' ' + kv : ''}`;
    }
    const out = this.opts.redactor ? this.opts.redactor.text(line) : line;
    (this.opts.sink ?? { write: (s: string) => process.stderr.write(s) }).write(out + '\n');
  }
}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) ? JSON.stringify(v) : v;
  if (v instanceof Error) return JSON.stringify(v.message);
  return toText(v);
}

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
