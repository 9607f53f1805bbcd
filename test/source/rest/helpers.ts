/** Shared helpers for the REST source tests. */
import { onTestFinished } from 'vitest';
import { floeConfig, type EndpointConfig, type FloeConfig } from '../../../src/config/schema.js';
import { RestSource, type RestSourceDeps } from '../../../src/source/rest/rest-source.js';
import type { Page } from '../../../src/types.js';
import { FakeClock, type Clock } from '../../../src/util/clock.js';
import { isFloeError, type FloeError } from '../../../src/util/errors.js';
import { TextLogger } from '../../../src/util/logger.js';
import { Redactor } from '../../../src/util/redact.js';

/** Parses a config through the real schema (so defaults apply), with one endpoint by default. */
export function makeConfig(input: Record<string, unknown> & { base_url: string }): FloeConfig {
  return floeConfig.parse({ name: 'test', endpoints: [{ path: '/items' }], ...input });
}

/** Parses one endpoint config through the schema. */
export function endpointOf(config: FloeConfig, i = 0): EndpointConfig {
  const e = config.endpoints[i];
  if (e === undefined) throw new Error(`no endpoint ${i}`);
  return e;
}

export interface Harness {
  readonly source: RestSource;
  readonly clock: Clock;
  readonly redactor: Redactor;
  /** Every log line written, already redacted, as the user would see it. */
  readonly logs: string[];
}

/**
 * A RestSource with a FakeClock (waits are instant and recorded), a redactor that knows the
 * config's secrets, and a debug logger that captures its lines. Closed when the test finishes.
 */
export function harness(
  config: FloeConfig,
  opts: Partial<RestSourceDeps> & { secrets?: string[] } = {},
): Harness {
  const { secrets = [], ...deps } = opts;
  const redactor = deps.redactor ?? new Redactor();
  for (const s of secrets) redactor.add(s);
  const logs: string[] = [];
  const clock = deps.clock ?? new FakeClock();
  const logger =
    deps.logger ?? new TextLogger({ level: 'debug', redactor, sink: { write: (l) => logs.push(l) } });
  const source = new RestSource(config, { ...deps, clock, logger, redactor });
  onTestFinished(() => source.close());
  return { source, clock, redactor, logs };
}

/** Drains a page stream. */
export async function collect(pages: AsyncIterable<Page>): Promise<Page[]> {
  const out: Page[] = [];
  for await (const p of pages) out.push(p);
  return out;
}

/** Records of all pages, flattened. */
export function allRecords(pages: readonly Page[]): unknown[] {
  return pages.flatMap((p) => p.records);
}

/** Runs `fn`, expecting a FloeError; returns it. */
export async function floeErrorOf(fn: () => Promise<unknown>): Promise<FloeError> {
  try {
    await fn();
  } catch (e) {
    if (isFloeError(e)) return e;
    throw e;
  }
  throw new Error('expected a FloeError, but nothing was thrown');
}
