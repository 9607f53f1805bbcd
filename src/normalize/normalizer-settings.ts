import type { EndpointConfig, FloeConfig } from '../config/schema.js';
import type { Naming } from './column-naming.js';

/** The normalize settings of one endpoint: its `normalize` block over the connector's. */
export interface NormalizerSettings {
  readonly naming: Naming;
  readonly inferTimestamps: boolean;
  readonly maxNesting: number;
  readonly maxColumns: number;
}

/** Merges `endpoints[].normalize` over the connector-wide `normalize` block. */
export function normalizerSettings(config: FloeConfig, endpoint: EndpointConfig): NormalizerSettings {
  const base = config.normalize;
  const own = endpoint.normalize ?? {};
  return {
    naming: own.naming ?? base.naming,
    inferTimestamps: own.infer_timestamps ?? base.infer_timestamps,
    maxNesting: own.max_table_nesting ?? base.max_table_nesting,
    maxColumns: own.max_columns ?? base.max_columns,
  };
}
