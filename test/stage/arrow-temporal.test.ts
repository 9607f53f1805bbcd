import { describe, expect, it } from 'vitest';
import { writeTimestamp } from '../../src/stage/arrow-temporal.js';
import { isoKind, parseIsoInstant } from '../../src/util/iso-8601.js';
import { prng } from '../normalize/helpers.js';

const micros = (words: Int32Array): bigint => new BigInt64Array(words.buffer)[0] as bigint;

/** What util/iso-8601.ts makes of `s`, in µs since the epoch (the reference the fast path must match). */
function reference(s: string): bigint | undefined {
  const t = parseIsoInstant(s);
  return t === undefined ? undefined : BigInt(t.seconds) * 1_000_000n + BigInt(Math.floor(t.nanos / 1000));
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

describe('writeTimestamp (the stage reads timestamp text into Timestamp(µs))', () => {
  it('reads every UTC form at fixed positions exactly as the ISO grammar does (5,000 random values)', () => {
    const r = prng(7);
    const w = new Int32Array(2);
    for (let k = 0; k < 5000; k++) {
      const y = Math.floor(r() * 10000);
      const m = 1 + Math.floor(r() * 12);
      const d = 1 + Math.floor(r() * 28);
      const hms = `${pad(Math.floor(r() * 24), 2)}:${pad(Math.floor(r() * 60), 2)}:${pad(Math.floor(r() * 60), 2)}`;
      const digits = [0, 1, 3, 6, 7, 9, 10][Math.floor(r() * 7)]!;
      const frac =
        digits === 0 ? '' : `.${Array.from({ length: digits }, () => Math.floor(r() * 10)).join('')}`;
      // Offsets and a lower-case z take the exact grammar's path; the rest the fixed-position one.
      const zone = ['Z', 'Z', 'Z', '+02:00', '-0930', 'z'][Math.floor(r() * 6)]!;
      const s = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}T${hms}${frac}${zone}`;
      w.fill(0);
      expect(writeTimestamp(w, 0, s), s).toBe(true);
      expect(micros(w), s).toBe(reference(s));
    }
  });

  it.each([
    ['2024-03-05T12:34:56Z', 1709642096000000n],
    ['2024-03-05T12:34:56.789Z', 1709642096789000n],
    ['2024-03-05T12:34:56.123456Z', 1709642096123456n],
    ['2024-03-05T12:34:56.123456789Z', 1709642096123456n],
    ['1969-12-31T23:59:59.999Z', -1000n],
  ])('%s → %s µs', (s, expected) => {
    const w = new Int32Array(2);
    expect(writeTimestamp(w, 0, s)).toBe(true);
    expect(micros(w)).toBe(expected);
  });

  it.each([
    '2024-03-05T12:34:56.Z',
    '2024-03-05T12:34:56.12x4Z',
    '2024-03-05T1x:34:56Z',
    'not a timestamp at all',
  ])('refuses %s, as the ISO grammar does', (s) => {
    expect(isoKind(s)).toBeUndefined();
    expect(writeTimestamp(new Int32Array(2), 0, s)).toBe(false);
  });
});
