import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { HeapGuard } from '../../src/util/heap-guard.js';

describe('HeapGuard', () => {
  it('collects garbage once the heap passes its soft limit, and not before', () => {
    const guard = new HeapGuard(16 * 1024 * 1024);
    let garbage: unknown[] | undefined = Array.from({ length: 300_000 }, (_, i) => ({ i, s: `value ${i}` }));
    expect(garbage.length).toBe(300_000);
    garbage = undefined;
    const before = getHeapStatistics().used_heap_size;
    expect(before).toBeGreaterThan(16 * 1024 * 1024);
    guard.check();
    const after = getHeapStatistics().used_heap_size;
    expect(after).toBeLessThan(before - 10 * 1024 * 1024);

    const idle = new HeapGuard(after * 4);
    const small: unknown[] = Array.from({ length: 1000 }, (_, i) => ({ i }));
    const beforeIdle = getHeapStatistics().used_heap_size;
    idle.check(); // under the limit: no collection, the fresh garbage stays
    expect(getHeapStatistics().used_heap_size).toBeGreaterThanOrEqual(beforeIdle - 1024 * 1024);
    expect(small).toHaveLength(1000);
  });
});
