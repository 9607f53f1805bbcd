import { createHash } from 'node:crypto';
import { endpointName, tableName, type LoadedConfig } from '../../config/load-config.js';
import type { EndpointConfig } from '../../config/schema.js';
import { FloeError } from '../../util/errors.js';
import { planWindows, type BackfillWindow } from '../backfill/windows.js';
import { hashConfig } from '../config-hash.js';
import { selectEndpoints } from '../runner.js';

/** The version of the plan file's format. */
export const PLAN_FORMAT = 1;

/** One unit of work an orchestrator runs: an endpoint, over a run of windows or alone. */
export interface SliceSpec {
  /** 0-based position in the plan: Kubernetes' `JOB_COMPLETION_INDEX`, Airflow's map index. */
  readonly index: number;
  /**
   * Stable id from the config (without secret values), the endpoint and the bounds: the same
   * inputs give the same id on every machine, and the destination's ledger keys the slice's load
   * by it, so the slice is loaded once however often it runs.
   */
  readonly id: string;
  readonly endpoint: string;
  readonly table: string;
  /** First window's start (inclusive) and last window's end (exclusive); absent for an endpoint alone. */
  readonly from?: string;
  readonly to?: string;
  /** The plan's windows `[first, end)` this slice loads, staged together and loaded in one transaction. */
  readonly windows?: readonly [number, number];
}

export interface SlicePlan {
  readonly floe_plan: typeof PLAN_FORMAT;
  readonly config_name: string;
  /** `hashConfig`: `run-slice` refuses a plan made from another config. */
  readonly config_hash: string;
  readonly destination: 'duckdb' | 'snowflake';
  /** How many slices run at once: `rate_limit.shared` without a store divides the limit by it. */
  readonly parallelism: number;
  /** The backfill range the windows come from; absent when every slice is an endpoint alone. */
  readonly range?: { readonly from: string; readonly to: string; readonly step: string; readonly windows_per_slice: number };
  readonly slices: readonly SliceSpec[];
}

export interface PlanOptions {
  readonly from?: string;
  readonly to?: string;
  readonly step?: string;
  /** Consecutive windows per slice (default 1): fewer, larger slices for orchestrators. */
  readonly windowsPerSlice?: number;
  readonly endpoints?: readonly string[];
  readonly parallelism?: number;
}

/**
 * `floe plan`: the slices of a connector, deterministically — the same config, endpoints and
 * bounds always give the same plan (nothing in it depends on the time or the machine).
 *
 * With `--from/--to/--step`, every endpoint that takes a range (an `incremental` block, or a
 * request template using `{{ incremental.start_value }}`, `{{ incremental.end_value }}` or
 * `{{ dt }}`) becomes one slice per `windowsPerSlice` consecutive windows; an endpoint without a
 * range cannot be split and is one slice. Slices are ordered window by window, endpoints within
 * a window, so the first indexes cover the start of the range for every endpoint.
 *
 * DuckDB has one writer: its plans have parallelism 1, and asking for more is a config error.
 */
export function planSlices(loaded: LoadedConfig, opts: PlanOptions): SlicePlan {
  const { config } = loaded;
  const destination = config.destination.type;
  const parallelism = opts.parallelism ?? 1;
  if (destination === 'duckdb' && parallelism > 1) {
    throw new FloeError(
      'USAGE',
      'config',
      `plan: DuckDB allows one writing process at a time, so the slices of a DuckDB destination run one after another ` +
        `(--parallelism 1); load into Snowflake to run slices in parallel`,
      { details: { path: '--parallelism' } },
    );
  }
  const selected = selectEndpoints(loaded, opts.endpoints);
  const configHash = hashConfig(loaded);
  const bounded = opts.from !== undefined || opts.to !== undefined || opts.step !== undefined;
  if (bounded && (opts.from === undefined || opts.to === undefined || opts.step === undefined)) {
    throw new FloeError('USAGE', 'config', 'plan: give --from, --to and --step together (or none of them)', { details: { path: '--from' } });
  }
  const per = opts.windowsPerSlice ?? 1;
  if (!Number.isSafeInteger(per) || per < 1) {
    throw new FloeError('USAGE', 'config', `plan: --windows-per-slice must be a positive whole number, got ${per}`, { details: { path: '--windows-per-slice' } });
  }
  const windows = bounded ? planWindows({ from: opts.from!, to: opts.to!, step: opts.step! }) : [];
  const groups: (readonly [number, number])[] = [];
  for (let k = 0; k < windows.length; k += per) groups.push([k, Math.min(k + per, windows.length)]);

  const specs: Omit<SliceSpec, 'index'>[] = [];
  const alone = bounded ? selected.filter((e) => !takesRange(config, e)) : selected;
  const ranged = bounded ? selected.filter((e) => takesRange(config, e)) : [];
  for (const [a, b] of groups) {
    for (const e of ranged) specs.push(windowSlice(configHash, config.name, e, windows, a, b, opts.step!));
  }
  for (const e of alone) specs.push(endpointSlice(configHash, config.name, e));
  return {
    floe_plan: PLAN_FORMAT,
    config_name: config.name,
    config_hash: configHash,
    destination,
    parallelism,
    ...(bounded ? { range: { from: opts.from!, to: opts.to!, step: opts.step!, windows_per_slice: per } } : {}),
    slices: specs.map((s, index) => ({ index, ...s })),
  };
}

/** Whether an endpoint's requests can be bounded by a window. */
export function takesRange(config: LoadedConfig['config'], e: EndpointConfig): boolean {
  if (e.incremental !== undefined) return true;
  const uses = /\{\{\s*(?:incremental\.(?:start|end)_value|dt)\s*(?:\||\}\})/;
  return uses.test(JSON.stringify(e)) || uses.test(JSON.stringify(config.headers ?? {}));
}

function windowSlice(
  configHash: string,
  connector: string,
  e: EndpointConfig,
  windows: readonly BackfillWindow[],
  a: number,
  b: number,
  step: string,
): Omit<SliceSpec, 'index'> {
  const first = windows[a]!;
  const last = windows[b - 1]!;
  const name = endpointName(e);
  const bounds = `${first.id.split('..')[0]}..${last.id.split('..')[1]}`;
  return {
    id: sliceId(connector, name, [configHash, name, bounds, step]),
    endpoint: name,
    table: tableName(e),
    from: first.startText,
    to: last.endText,
    windows: [a, b],
  };
}

function endpointSlice(configHash: string, connector: string, e: EndpointConfig): Omit<SliceSpec, 'index'> {
  const name = endpointName(e);
  return { id: sliceId(connector, name, [configHash, name]), endpoint: name, table: tableName(e) };
}

/** `<connector>.<endpoint>.<12 hex>`: readable in the ledger and `floe tables`, unique by the hash. */
function sliceId(connector: string, endpoint: string, parts: readonly string[]): string {
  const h = createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 12);
  const slug = (s: string): string => s.replace(/[^\w-]/g, '_').slice(0, 40);
  return `${slug(connector)}.${slug(endpoint)}.${h}`;
}
