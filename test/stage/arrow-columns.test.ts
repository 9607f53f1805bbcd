import { describe, expect, it } from 'vitest';
import { ArrowEncoder } from '../../src/stage/arrow-columns.js';
import { arrow } from '../../src/stage/arrow-lib.js';
import type { ColumnBatch, LogicalType } from '../../src/types.js';

function batch(type: LogicalType, values: unknown[]): ColumnBatch {
  return { columns: [{ name: 'x', type }], length: values.length, values: [values] };
}

/** The column back from the IPC bytes, as apache-arrow reads it. */
function readBack(type: LogicalType, values: unknown[]): unknown[] {
  const [ipc] = new ArrowEncoder().encode(batch(type, values));
  const table = arrow.tableFromIPC(ipc as Uint8Array);
  return Array.from({ length: table.numRows }, (_, i) => table.getChildAt(0)?.get(i) as unknown);
}

describe('ArrowEncoder', () => {
  it('writes each type with its nulls (null and undefined alike)', () => {
    expect(readBack('string', ['a', null, 'zürich', undefined, ''])).toEqual(['a', null, 'zürich', null, '']);
    expect(readBack('json', ['[1,"ü"]', null])).toEqual(['[1,"ü"]', null]);
    expect(readBack('long', [1, null, -(2 ** 53) + 1, 2n ** 62n])).toEqual([
      1n,
      null,
      -(2n ** 53n) + 1n,
      2n ** 62n,
    ]);
    expect(readBack('integer', [7, null, -2147483648])).toEqual([7, null, -2147483648]);
    expect(readBack('double', [1.5, null, -0.25])).toEqual([1.5, null, -0.25]);
    expect(readBack('float', [0.5, null])).toEqual([0.5, null]);
    expect(readBack('boolean', [true, false, null, true])).toEqual([true, false, null, true]);
    expect(readBack('null', [null, undefined])).toEqual([null, null]);
    expect(readBack('timestamp', ['2024-12-06T15:25:29.024Z', null])).toEqual([
      Date.UTC(2024, 11, 6, 15, 25, 29, 24),
      null,
    ]);
    expect(readBack('date', ['2024-02-29', null])).toEqual([Date.UTC(2024, 1, 29), null]);
    const bin = readBack('binary', [new Uint8Array([1, 2, 3]), 'AAE=', null]);
    expect(bin.map((b) => (b === null ? null : Array.from(b as Uint8Array)))).toEqual([
      [1, 2, 3],
      [0, 1],
      null,
    ]);
    // Decimal(38, 0): four little-endian 32-bit words of two's complement per value.
    const [ipc] = new ArrowEncoder().encode(batch('decimal', [12345678901234567890123n, null, -5]));
    const data = arrow.tableFromIPC(ipc as Uint8Array).getChildAt(0)?.data[0];
    const words = data?.values as Uint32Array;
    const decimal = (i: number): bigint =>
      BigInt.asIntN(
        128,
        [0, 1, 2, 3].reduce((v, w) => v | (BigInt(words[4 * i + w] ?? 0) << BigInt(32 * w)), 0n),
      );
    expect([decimal(0), data?.getValid(1), decimal(2)]).toEqual([12345678901234567890123n, false, -5n]);
  });

  it.each([
    ['string', 42],
    ['json', { a: 1 }],
    ['long', 1.5],
    ['long', '12'],
    ['integer', 2 ** 31],
    ['double', '1.5'],
    ['float', true],
    ['boolean', 'true'],
    ['null', 0],
    ['timestamp', 'not a time'],
    ['timestamp', 1700000000],
    ['date', 'someday'],
    ['binary', 12],
    ['decimal', 10n ** 38n],
    ['decimal', 0.5],
  ] as [LogicalType, unknown][])(
    'refuses a %s column value %s, naming the column, its type and the row',
    (type, bad) => {
      expect(() => new ArrowEncoder().encode(batch(type, [null, null, bad]))).toThrow(
        new RegExp(`^column "x" \\(${type}\\) row 2: cannot write ${typeof bad}`),
      );
    },
  );
});
