import { describe, expect, it } from 'vitest';
import { RecordSplitter, streamableKeys } from '../../../src/source/rest/record-splitter.js';
import { ExactNumber } from '../../../src/util/exact-number.js';

/** Splits `text` fed in chunks of `size` bytes; returns every record and the envelope. */
function split(
  text: string,
  keys: string[],
  size: number,
  groupBytes = 64,
): { groups: unknown[][]; envelope: unknown } {
  const counts = { exactNumbers: 0, nonFiniteNumbers: 0 };
  const s = new RecordSplitter(keys, { groupBytes, counts });
  const bytes = Buffer.from(text);
  const groups: unknown[][] = [];
  for (let i = 0; i < bytes.length; i += size) groups.push(...s.push(bytes.subarray(i, i + size)));
  const end = s.end();
  if (end.records.length > 0) groups.push(end.records);
  return { groups, envelope: JSON.parse(end.envelope) as unknown };
}

const records = Array.from({ length: 50 }, (_, i) => ({
  id: i,
  name: i % 3 ? `r"${i}\\` : 'Zürich — 東京 "quoted" \\ back',
  nested: { a: [1, { b: '[]{},:' }], c: null },
  tags: i % 2 ? [] : ['x', 'y,z'],
}));

describe('RecordSplitter', () => {
  it.each([1, 2, 3, 7, 64, 100_000])(
    'cuts records from any chunking (%i-byte chunks) and keeps the envelope',
    (size) => {
      const body = JSON.stringify({
        meta: { next: 'c"2', data: [9] },
        data: records,
        has_more: true,
        'da\\"ta': 1,
      });
      const { groups, envelope } = split(body, ['data'], size);
      expect(groups.flat()).toEqual(records);
      expect(groups.length).toBeGreaterThan(5); // cut into groups of ~64 bytes
      expect(envelope).toEqual({ meta: { next: 'c"2', data: [9] }, data: [], has_more: true, 'da\\"ta': 1 });
    },
  );

  it('a top-level array, a nested path, whitespace', () => {
    expect(
      split(
        ` [ ${JSON.stringify(records).slice(1, -1).replace(/\},\{/g, '} ,\n {')} ] `,
        [],
        5,
      ).groups.flat(),
    ).toEqual(records);
    const nested = JSON.stringify({ result: { items: records, count: 50 } });
    const { groups, envelope } = split(nested, ['result', 'items'], 13);
    expect(groups.flat()).toEqual(records);
    expect(envelope).toEqual({ result: { items: [], count: 50 } });
  });

  it('a path that leads nowhere leaves the whole body in the envelope', () => {
    const body = JSON.stringify({ data: { one: 'record' }, items: [1] });
    expect(split(body, ['data'], 4)).toEqual({
      groups: [],
      envelope: { data: { one: 'record' }, items: [1] },
    });
    expect(split('{"results":[]}', ['data'], 3)).toEqual({ groups: [], envelope: { results: [] } });
    expect(split('{"data":[]}', ['data'], 3)).toEqual({ groups: [], envelope: { data: [] } });
  });

  it('keeps numbers exact, and counts invalid UTF-8', () => {
    const counts = { exactNumbers: 0, nonFiniteNumbers: 0 };
    const s = new RecordSplitter(['data'], { counts });
    const got = s.push(
      Buffer.concat([
        Buffer.from('{"data":[{"id":12345678901234567890,"s":"'),
        Buffer.from([0xff]),
        Buffer.from('"}]}'),
      ]),
    );
    const end = s.end();
    const all = [...got.flat(), ...end.records] as { id: unknown; s: string }[];
    expect(all[0]!.id).toBeInstanceOf(ExactNumber);
    expect(String(all[0]!.id)).toBe('12345678901234567890');
    expect(counts.exactNumbers).toBe(1);
    expect(s.invalidUtf8).toBe(1);
  });

  it('a malformed body fails to parse', () => {
    expect(() => split('{"data":[{"a":1},{"b":]}', ['data'], 4)).toThrow();
  });

  it('knows which records paths it can stream', () => {
    expect(streamableKeys('$')).toEqual([]);
    expect(streamableKeys('$.data')).toEqual(['data']);
    expect(streamableKeys("$.result['the items']")).toEqual(['result', 'the items']);
    expect(streamableKeys('$.data[*]')).toBeUndefined();
    expect(streamableKeys('$..items')).toBeUndefined();
  });
});
