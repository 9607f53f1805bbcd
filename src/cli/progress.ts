import type { ProgressEvent } from '../run/endpoint-job.js';
import { bytes, int } from './render.js';

const ESC = '\x1b';

/** The terminal the board draws on: a stream, and its width when it has one. */
export interface BoardTerminal {
  write(s: string): void;
  readonly columns?: number;
}

/**
 * A live line per endpoint on a TTY (state, pages, rows, size, rate), redrawn in place at most
 * every 100 ms. Lines are cut to the terminal's width, so they never wrap (a wrapped line would
 * break the cursor arithmetic of the next redraw). It is also the logger's sink while it is on
 * screen: a log line is written above the board, which is then drawn again below it, so log
 * lines and board lines never interleave. Only used when stderr is a terminal.
 */
export class ProgressBoard {
  private readonly lines = new Map<string, ProgressEvent>();
  private drawn = 0;
  private last = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly out: BoardTerminal,
    private readonly now: () => number = Date.now,
    /** What a unit of `pages` is called on the board (`floe push` counts batches). */
    private readonly pagesLabel = 'pages',
  ) {}

  update(e: ProgressEvent): void {
    this.lines.set(e.endpoint, e);
    const t = this.now();
    if (e.phase === 'extracting' && t - this.last < 100) return;
    this.last = t;
    this.draw();
  }

  /** A log line: printed above the board, which is redrawn under it (the LogSink interface). */
  write(line: string): void {
    this.out.write(this.clear() + line + (line.endsWith('\n') ? '' : '\n') + this.frame());
  }

  finish(): void {
    this.draw();
  }

  private draw(): void {
    this.out.write(this.clear() + this.frame());
  }

  /** Moves to the board's first line and erases everything below it. */
  private clear(): string {
    const s = this.drawn > 0 ? `${ESC}[${this.drawn}F${ESC}[0J` : '';
    this.drawn = 0;
    return s;
  }

  private frame(): string {
    const width = Math.max(20, (this.out.columns ?? 120) - 1);
    const nameWidth = Math.min(24, Math.max(8, ...[...this.lines.keys()].map((k) => k.length)));
    let s = '';
    for (const e of this.lines.values()) s += `${ESC}[2K${fit(line(e, nameWidth, this.pagesLabel), width)}\n`;
    this.drawn = this.lines.size;
    return s;
  }
}

function line(e: ProgressEvent, nameWidth: number, pagesLabel: string): string {
  const rate = e.elapsedMs > 0 ? Math.round((e.rows / e.elapsedMs) * 1000) : 0;
  const state = PHASE_LABEL[e.phase];
  const name = e.endpoint.length > nameWidth ? e.endpoint.slice(0, nameWidth - 1) + '…' : e.endpoint.padEnd(nameWidth);
  return `${name} ${state.padEnd(8)} ${pagesLabel} ${int(e.pages).padStart(7)}  rows ${int(e.rows).padStart(11)}  ${bytes(e.bytes).padStart(9)}  ${int(rate).padStart(8)} rows/s`;
}

const PHASE_LABEL: Record<ProgressEvent['phase'], string> = {
  extracting: '…',
  loading: 'loading',
  succeeded: 'done',
  failed: 'FAILED',
  interrupted: 'stopped',
};

/** Cuts a line to the terminal's width (the columns that matter most come first). */
function fit(s: string, width: number): string {
  return s.length > width ? s.slice(0, width - 1) + '…' : s;
}
