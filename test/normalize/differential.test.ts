/**
 * The generated fast path must produce exactly what the generic reference path produces, batch by
 * batch, on varied inputs: random shapes, late keys, type changes, collisions, nulls, declared
 * columns and column selection.
 */
import { describe, expect, it } from 'vitest';
import type { ColumnsConfig, DeclaredColumn } from '../../src/config/schema.js';
import { Normalizer } from '../../src/normalize/normalizer.js';
import type { ColumnBatch } from '../../src/types.js';
import { isFloeError } from '../../src/util/errors.js';
import { checkBatch, prng } from './helpers.js';

type Rand = () => number;

const KEYS = ['id', 'name', 'a', 'b', 'a_b', 'createdAt', 'tags', 'x', 'é', '日本', 'constructor', 'n1', 'z'];

function pick<T>(rand: Rand, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)] as T;
}

function value(rand: Rand, depth: number, drift: number): unknown {
  const r = rand();
  if (r < 0.12) return null;
  if (r < 0.3) return Math.floor(rand() * 1000) - 500;
  if (r < 0.36 + drift) return rand() * 100;
  if (r < 0.5) return pick(rand, ['', 'plain', 'Zürich', '東京', '🎉', '02108', '2024-01-01']);
  if (r < 0.56) return rand() < 0.5;
  if (r < 0.62) return [1, 'x', { y: null }].slice(0, Math.floor(rand() * 4));
  if (r < 0.66) return {};
  if (depth < 3) return record(rand, depth + 1, drift);
  return 'deep';
}

function record(rand: Rand, depth: number, drift: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const n = 1 + Math.floor(rand() * (depth === 0 ? 8 : 3));
  for (let i = 0; i < n; i++) out[pick(rand, KEYS)] = value(rand, depth, drift);
  return out;
}

/** Mostly-stable records with a template, occasionally perturbed: the fast path's real workload. */
function stablePages(rand: Rand, pages: number, perPage: number): unknown[][] {
  const template = (i: number): Record<string, unknown> => ({
    id: i,
    name: `n${i}`,
    address: { city: pick(rand, ['Genève', 'Zürich', null]), geo: { lat: rand() * 90, lng: null } },
    tags: i % 3 === 0 ? [] : ['a', i],
    flag: i % 2 === 0,
    ...(rand() < 0.2 ? { opt: 1 } : {}),
  });
  return Array.from({ length: pages }, (_, p) =>
    Array.from({ length: perPage }, (_, r) => {
      const rec = template(p * perPage + r);
      if (rand() < 0.01) return { ...rec, ...record(rand, 1, p / pages / 4) };
      return rec;
    }),
  );
}

function drive(
  opts: ConstructorParameters<typeof Normalizer>[0],
  pages: unknown[][],
): { batches: ColumnBatch[]; error?: string; n: Normalizer } {
  const n = new Normalizer(opts);
  const batches: ColumnBatch[] = [];
  try {
    for (const p of pages) batches.push(...n.push(p));
    const last = n.flush();
    if (last !== undefined) batches.push(last);
    return { batches, n };
  } catch (e) {
    return { batches, n, error: isFloeError(e) ? `${e.code} at ${n.rows}` : String(e) };
  }
}

const CONFIGS: { columns?: ColumnsConfig; schema?: DeclaredColumn[] }[] = [
  {},
  { columns: { exclude: ['a', 'tags'] } },
  { columns: { include: ['id', 'b', 'a_b', 'x'], rename: { b: 'bee' } } },
  {
    schema: [
      { name: 'id', type: 'string' },
      { name: 'createdAt', type: 'string' },
      { name: 'b_x', type: 'string' },
    ],
  },
  { schema: [{ name: 'n1', type: 'double' }] }, // fails on most inputs: errors must match too
];

describe('fast path ≡ generic path', () => {
  let fastTotal = 0;
  it.each(Array.from({ length: 40 }, (_, i) => i))('random records, seed %i', (seed) => {
    const rand = prng(seed);
    // Records repeat from a small pool (so the schema settles and generated code runs), with a
    // fresh random record now and then (so it has to bail and regenerate).
    const pool = Array.from({ length: 3 + (seed % 10) }, () => record(rand, 0, 0));
    const pages = Array.from({ length: 8 }, (_, p) =>
      Array.from({ length: 1 + Math.floor(rand() * 120) }, () =>
        rand() < 0.04 ? record(rand, 0, p / 30) : pick(rand, pool),
      ),
    );
    const cfg = CONFIGS[seed % CONFIGS.length] ?? {};
    const opts = { endpoint: 'diff', batchRows: 1 + Math.floor(rand() * 50), ...cfg };
    const fast = drive({ ...opts, engine: 'auto' }, pages);
    const generic = drive({ ...opts, engine: 'generic' }, pages);
    expect(fast.error).toBe(generic.error);
    expect(fast.batches).toEqual(generic.batches);
    expect(fast.n.columns).toEqual(generic.n.columns);
    generic.batches.forEach(checkBatch);
    fastTotal += fast.n.fastRows;
  });

  it('ran the generated code on a good share of the random records', () => {
    expect(fastTotal).toBeGreaterThan(2000);
  });

  it.each([1, 2, 3, 4, 5])('mostly stable records with perturbations, seed %i', (seed) => {
    const pages = stablePages(prng(seed), 20, 200);
    const cfg = CONFIGS[seed % 4] ?? {};
    const opts = { endpoint: 'diff', batchRows: 333, ...cfg };
    const fast = drive({ ...opts, engine: 'auto' }, pages);
    const generic = drive({ ...opts, engine: 'generic' }, pages);
    expect(fast.error).toBeUndefined();
    expect(generic.error).toBeUndefined();
    expect(fast.batches).toEqual(generic.batches);
    generic.batches.forEach(checkBatch);
    // The fast path must carry the bulk, or it is only a slower generic path.
    expect(fast.n.fastRows).toBeGreaterThan(0.8 * fast.n.rows);
  });
});
