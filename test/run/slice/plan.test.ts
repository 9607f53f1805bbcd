/**
 * `floe plan`: deterministic slices with stable ids, in-process (pure planning, no server).
 */
import { describe, expect, it } from 'vitest';
import { parseConfig, type LoadedConfig } from '../../../src/config/load-config.js';
import { planSlices } from '../../../src/run/slice/slice-plan.js';
import { catchError } from '../../support/catch-error.js';

function config(over: Record<string, unknown> = {}, env: Record<string, string> = { TOKEN: 'tok-1' }): LoadedConfig {
  return parseConfig(
    {
      name: 'crm',
      base_url: 'http://127.0.0.1:9/v1',
      auth: { type: 'bearer', token: '{{ env.TOKEN }}' },
      endpoints: [
        { path: '/events', incremental: { cursor_path: '$.at', initial_value: '2023-01-01T00:00:00Z' } },
        { path: '/daily', query_params: { day: '{{ dt }}' } },
        { path: '/lookup' },
      ],
      destination: { type: 'snowflake', account: 'acme', user: 'U', password: 'p', database: 'D', schema: 'S' },
      ...over,
    },
    env,
  );
}

const range = { from: '2023-01-01', to: '2023-01-11', step: '1d' };

describe('planSlices', () => {
  it('cuts [from, to) into endpoint × run of windows; an endpoint that takes no range is one slice; ordered by window', () => {
    const plan = planSlices(config(), { ...range, windowsPerSlice: 4, parallelism: 3 });
    expect(plan).toMatchObject({ floe_plan: 1, config_name: 'crm', destination: 'snowflake', parallelism: 3, range: { ...range, windows_per_slice: 4 } });
    expect(plan.slices.map((s) => [s.index, s.endpoint, s.from ?? null, s.to ?? null, s.windows ?? null])).toEqual([
      [0, 'events', '2023-01-01', '2023-01-05', [0, 4]],
      [1, 'daily', '2023-01-01', '2023-01-05', [0, 4]],
      [2, 'events', '2023-01-05', '2023-01-09', [4, 8]],
      [3, 'daily', '2023-01-05', '2023-01-09', [4, 8]],
      [4, 'events', '2023-01-09', '2023-01-11', [8, 10]], // the last run is short
      [5, 'daily', '2023-01-09', '2023-01-11', [8, 10]],
      [6, 'lookup', null, null, null],
    ]);
    // Every window of every ranged endpoint is in exactly one slice.
    for (const name of ['events', 'daily']) {
      const covered = plan.slices.filter((s) => s.endpoint === name).flatMap((s) => Array.from({ length: s.windows![1] - s.windows![0] }, (_, i) => s.windows![0] + i));
      expect(covered).toEqual(Array.from({ length: 10 }, (_, i) => i));
    }
    expect(new Set(plan.slices.map((s) => s.id)).size).toBe(plan.slices.length);
    expect(plan.slices[0]!.id).toMatch(/^crm\.events\.[0-9a-f]{12}$/);
  });

  it('is deterministic; ids depend on the config, endpoint and bounds, not on secret values or grouping of other slices', () => {
    const a = planSlices(config(), { ...range, windowsPerSlice: 5 });
    expect(JSON.stringify(planSlices(config(), { ...range, windowsPerSlice: 5 }))).toBe(JSON.stringify(a));
    // A rotated token is the same config: the same plan, so a running backfill's slices stay valid.
    expect(planSlices(config({}, { TOKEN: 'tok-2' }), { ...range, windowsPerSlice: 5 })).toEqual(a);
    expect(JSON.stringify(a)).not.toContain('tok-1');
    // A changed config changes every id (and the hash run-slice checks).
    const changed = planSlices(config({ timeout_seconds: 5 }), { ...range, windowsPerSlice: 5 });
    expect(changed.config_hash).not.toBe(a.config_hash);
    expect(changed.slices.map((s) => s.id).filter((id) => a.slices.some((x) => x.id === id))).toEqual([]);
    // The same bounds give the same id whatever the range around them; other bounds another id.
    const longer = planSlices(config(), { from: '2023-01-01', to: '2023-01-21', step: '1d', windowsPerSlice: 5 });
    expect(longer.slices.filter((s) => s.endpoint === 'events').slice(0, 2).map((s) => s.id)).toEqual(a.slices.filter((s) => s.endpoint === 'events').map((s) => s.id));
    expect(planSlices(config(), { ...range, windowsPerSlice: 2 }).slices[0]!.id).not.toBe(a.slices[0]!.id);
  });

  it('without a range every endpoint is one slice (a scheduled run); --endpoint picks', () => {
    const plan = planSlices(config(), { endpoints: ['lookup', 'events'] });
    expect(plan.range).toBeUndefined();
    expect(plan.slices.map((s) => [s.endpoint, s.windows ?? null])).toEqual([
      ['events', null],
      ['lookup', null],
    ]);
  });

  it.each([
    { name: 'DuckDB in parallel', cfg: { destination: { type: 'duckdb', path: '/tmp/x.duckdb' } }, opts: { parallelism: 2 }, msg: /DuckDB allows one writing process.*--parallelism 1/ },
    { name: 'half a range', cfg: {}, opts: { from: '2023-01-01', step: '1d' }, msg: /--from, --to and --step together/ },
    { name: 'a bad step', cfg: {}, opts: { ...range, step: '1x' }, msg: /--step/ },
    { name: 'an unknown endpoint', cfg: {}, opts: { endpoints: ['nope'] }, msg: /unknown endpoint "nope"; known: events, daily, lookup/ },
  ])('refuses $name with a config error', ({ cfg, opts, msg }) => {
    const e = catchError(() => planSlices(config(cfg), opts));
    expect(e).toMatchObject({ kind: 'config' });
    expect((e as Error).message).toMatch(msg);
  });

  it('plans DuckDB with parallelism 1', () => {
    expect(planSlices(config({ destination: { type: 'duckdb', path: '/tmp/x.duckdb' } }), range)).toMatchObject({ destination: 'duckdb', parallelism: 1 });
  });
});
