import { describe, expect, it } from 'vitest';
import { ByteArena, daysFromCivil, setInt64, setMicros, writeUtf8 } from '../../src/stage/arrow-buffers.js';

const read64 = (words: Int32Array, i: number): bigint => new BigInt64Array(words.buffer)[i] as bigint;

describe('arrow buffers', () => {
  it.each([
    0,
    1,
    -1,
    2 ** 31,
    -(2 ** 31) - 1,
    2 ** 32 + 5,
    2 ** 53,
    -(2 ** 53),
    2 ** 62 + 2 ** 40,
    -(2 ** 63),
  ])('setInt64(%d) is exact', (v) => {
    const w = new Int32Array(2);
    setInt64(w, 0, v);
    expect(read64(w, 0)).toBe(BigInt(v));
  });

  it('setMicros matches BigInt arithmetic across the whole 0000–9999 range', () => {
    const w = new Int32Array(2);
    const min = daysFromCivil(0, 1, 1) * 86400;
    const max = daysFromCivil(9999, 12, 31) * 86400 + 86399;
    const cases: [number, number][] = [
      [min, 0],
      [max, 999999],
      [0, 0],
      [-1, 999999],
      [1709288430, 123456],
    ];
    let x = 12345;
    for (let i = 0; i < 2000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      cases.push([Math.floor(min + (x / 2147483648) * (max - min)), x % 1000000]);
    }
    for (const [s, us] of cases) {
      setMicros(w, 0, s, us);
      expect(read64(w, 0)).toBe(BigInt(s) * 1000000n + BigInt(us));
    }
  });

  it('daysFromCivil agrees with Date.UTC', () => {
    for (const [y, m, d] of [
      [1970, 1, 1],
      [2000, 2, 29],
      [1900, 3, 1],
      [2024, 12, 31],
      [1969, 12, 31],
    ] as const) {
      expect(daysFromCivil(y, m, d)).toBe(Date.UTC(y, m - 1, d) / 86400000);
    }
  });

  it('writes UTF-8 like Buffer.from, short and long, ASCII and not', () => {
    const arena = new ByteArena(4);
    const strings = [
      '',
      'a',
      'Zoë',
      '東京',
      '🎉',
      'x'.repeat(100),
      `${'y'.repeat(30)}é`,
      'plain ascii text of 23c',
    ];
    let pos = 0;
    for (const s of strings) pos = writeUtf8(arena.reserve(pos, 3 * s.length), pos, s);
    expect(arena.buf.subarray(0, pos).toString('utf8')).toBe(strings.join(''));
  });
});
