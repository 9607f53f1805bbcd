import { createDestination } from '../destination/create-destination.js';
import { Normalizer } from '../normalize/normalizer.js';
import { RestSource } from '../source/rest/rest-source.js';
import { ParquetStageWriter } from '../stage/parquet-stage-writer.js';
import type { Parts } from './parts.js';

/** The production wiring: REST source → normalizer → Parquet stage → configured destination. */
export const defaultParts: Parts = {
  createSource: (config, deps) => new RestSource(config, { clock: deps.clock, logger: deps.logger, redactor: deps.redactor, limiter: deps.limiter }),
  createNormalizer: (opts) => new Normalizer(opts),
  createStageWriter: (opts) => new ParquetStageWriter(opts),
  createDestination: (config, deps) => createDestination(config, deps),
};
