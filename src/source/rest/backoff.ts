import type { RetryConfig } from '../../config/schema.js';

/**
 * The wait before retry number `retry` (0-based): `initial_delay_seconds × 2^retry`, capped at
 * `max_delay_seconds` — with the defaults 1, 2, 4, 8, 16, 32 s. `jitter` (a fraction, e.g. 0.2)
 * spreads it by ±jitter using `random` (0 ≤ random() < 1); the default is no jitter, so waits are
 * exactly the documented schedule.
 */
export function backoffDelay(
  retry: number,
  config: Pick<RetryConfig, 'initial_delay_seconds' | 'max_delay_seconds'>,
  jitter = 0,
  random: () => number = Math.random,
): number {
  const base = Math.min(config.initial_delay_seconds * 2 ** retry, config.max_delay_seconds) * 1000;
  if (jitter <= 0) return Math.round(base);
  const spread = Math.min(jitter, 1) * (2 * random() - 1);
  return Math.max(0, Math.round(base * (1 + spread)));
}
