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
    const last = frames[2]!.split('\n').filter(Boolean).map((l) => l.replace(`${ESC}[0J`, '').replace(`${ESC}[2K`, ''));
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

  it('cuts every line to the terminal width, so a redraw never leaves wrapped lines behind', () => {
    let out = '';
    const board = new ProgressBoard({ write: (s) => (out += s), columns: 40 }, () => 0);
    board.update({ endpoint: 'a_very_long_endpoint_name_indeed', phase: 'extracting', pages: 123456, rows: 98_765_432, bytes: 9e9, elapsedMs: 1000 });
    const lines = out.split('\n').filter(Boolean).map((l) => l.replace(new RegExp(`${ESC}\\[[0-9]*[A-Za-z]`, 'g'), ''));
    expect(lines).toHaveLength(1);
    expect(lines[0]!.length).toBeLessThanOrEqual(39);
    expect(lines[0]).toMatch(/^a_very_long_endpoint_na… …/);
  });

  it('prints a log line above the board and redraws the board under it: no interleaving', () => {
    let out = '';
    const board = new ProgressBoard({ write: (s) => (out += s), columns: 200 }, () => 0);
    board.update({ endpoint: 'users', phase: 'extracting', pages: 1, rows: 10, bytes: 100, elapsedMs: 10 });
    board.update({ endpoint: 'orders', phase: 'loading', pages: 2, rows: 20, bytes: 200, elapsedMs: 10 });
    out = '';
    board.write('2026-01-01T00:00:00.000Z warn  retrying status=503');
    // Up over the two board lines, erase to the end of the screen, the log line, then the board again.
    expect(out.startsWith(`${ESC}[2F${ESC}[0J2026-01-01T00:00:00.000Z warn  retrying status=503\n`)).toBe(true);
    const after = out.split('status=503\n')[1]!.split('\n').filter(Boolean);
    expect(after).toHaveLength(2);
    expect(after[0]).toMatch(/users/);
    expect(after[1]).toMatch(/orders\s+loading/);
  });
});
