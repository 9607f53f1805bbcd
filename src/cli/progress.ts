import type { ProgressEvent } from '../run/endpoint-job.js';
import { bytes, int } from './render.js';

/**
 * A live line per endpoint on a TTY (pages, rows, rate), redrawn in place at most every 100 ms.
 * Only used when stderr is a terminal; otherwise the logger's plain lines tell the story.
 */
export class ProgressBoard {
  private readonly lines = new Map<string, string>();
  private drawn = 0;
  private last = Number.NEGATIVE_INFINITY;

  constructor(private readonly out: { write(s: string): void }, private readonly now: () => number = Date.now) {}

  update(e: ProgressEvent): void {
    const rate = e.elapsedMs > 0 ? Math.round((e.rows / e.elapsedMs) * 1000) : 0;
    const state = e.phase === 'extracting' ? '…' : e.phase === 'loading' ? 'loading' : e.phase === 'succeeded' ? 'done' : 'FAILED';
    this.lines.set(
      e.endpoint,
      `${e.endpoint.padEnd(20)} ${state.padEnd(8)} pages ${int(e.pages).padStart(7)}  rows ${int(e.rows).padStart(11)}  ${bytes(e.bytes).padStart(9)}  ${int(rate).padStart(8)} rows/s`,
    );
    const t = this.now();
    if (e.phase === 'extracting' && t - this.last < 100) return;
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
