import { describe, expect, it } from 'vitest';
import { ProgressBoard } from '../../src/cli/progress.js';

const ESC = String.fromCharCode(27);

describe('ProgressBoard (the live lines on a terminal)', () => {
  it('draws one line per endpoint with pages, rows and rate, redrawing in place', () => {
    let out = '';
    let now = 0;
    const board = new ProgressBoard({ write: (s) => (out += s) }, () => now);
    board.update({ endpoint: 'users', phase: 'extracting', pages: 3, rows: 3000, bytes: 1_500_000, elapsedMs: 1000 });
    now = 200;
    board.update({ endpoint: 'orders', phase: 'extracting', pages: 1, rows: 250, bytes: 80_000, elapsedMs: 500 });
    now = 400;
    board.update({ endpoint: 'users', phase: 'succeeded', pages: 10, rows: 10000, bytes: 5_000_000, elapsedMs: 2000 });
    const frames = out.split(new RegExp(`${ESC}\\[\\d+F`));
    expect(frames).toHaveLength(3); // the 2nd and 3rd draws move the cursor up over the previous lines
    const last = frames[2]!.split('\n').filter(Boolean).map((l) => l.replace(`${ESC}[2K`, ''));
    expect(last).toHaveLength(2);
    expect(last[0]).toMatch(/^users\s+done\s+pages\s+10\s+rows\s+10,000\s+4\.8 MB\s+5,000 rows\/s$/);
    expect(last[1]).toMatch(/^orders\s+…\s+pages\s+1\s+rows\s+250/);
  });

  it('throttles redraws while extracting to one per 100 ms, but always draws a phase change', () => {
    let draws = 0;
    const board = new ProgressBoard({ write: () => draws++ }, () => 0);
    for (let i = 0; i < 50; i++) board.update({ endpoint: 'e', phase: 'extracting', pages: i, rows: i, bytes: 0, elapsedMs: i });
    expect(draws).toBe(1);
    board.update({ endpoint: 'e', phase: 'failed', pages: 50, rows: 50, bytes: 0, elapsedMs: 50 });
    expect(draws).toBe(2);
  });
});
