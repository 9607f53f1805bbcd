import type { OutputPushRecord } from '../push/push-record.js';
import { int } from './render.js';

/**
 * A live line per output of `floe push` on a terminal (batches, rows sent, skipped, rejected),
 * redrawn in place at most every 100 ms; elsewhere the logger's plain lines tell the story.
 */
export class PushBoard {
  private readonly lines = new Map<string, string>();
  private drawn = 0;
  private last = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly out: { write(s: string): void },
    private readonly now: () => number = Date.now,
  ) {}

  update(o: Readonly<OutputPushRecord>, elapsedMs: number): void {
    const rate = elapsedMs > 0 ? Math.round((o.rows_sent / elapsedMs) * 1000) : 0;
    const state = o.status === 'running' ? 'sending' : o.status === 'pending' ? '…' : o.status;
    this.lines.set(
      o.name,
      `${o.name.padEnd(20)} ${state.padEnd(9)} batches ${int(o.batches_sent).padStart(7)}  rows ${int(o.rows_sent).padStart(10)}  ` +
        `skipped ${int(o.rows_skipped).padStart(9)}  rejected ${int(o.rows_rejected).padStart(6)}  ${int(rate).padStart(7)} rows/s`,
    );
    const t = this.now();
    if (o.status === 'running' && t - this.last < 100) return;
    this.last = t;
    this.draw();
  }

  finish(): void {
    this.draw();
  }

  private draw(): void {
    let s = this.drawn > 0 ? `\x1b[${this.drawn}F` : '';
    for (const line of this.lines.values()) s += `\x1b[2K${line}\n`;
    this.drawn = this.lines.size;
    this.out.write(s);
  }
}
