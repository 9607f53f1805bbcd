import type { ColumnsConfig, DeclaredColumn, DestinationConfig, EndpointConfig, FloeConfig } from '../config/schema.js';
import type { KnownColumn } from '../normalize/column-registry.js';
import type { NormalizerSettings } from '../normalize/normalizer-settings.js';
import type { Column, ColumnBatch, Destination, Page, StageFile } from '../types.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { Redactor } from '../util/redact.js';
import type { RequestLimiter } from '../source/rest/request-limiter.js';

/**
 * The runner sees each middle module through the smallest interface it uses, so tests can swap
 * one part (a failing destination, a source that dies mid-way) without touching the others.
 */
export interface SourcePart {
  pages(
    endpoint: EndpointConfig,
    opts?: {
      signal?: AbortSignal;
      vars?: Readonly<Record<string, string>>;
      typedVars?: Readonly<Record<string, unknown>>;
      resumeFrom?: unknown;
      resumedAt?: { pages: number; records: number };
    },
  ): AsyncGenerator<Page>;
  close(): Promise<void>;
}

export interface NormalizerPart {
  push(records: readonly unknown[]): ColumnBatch[];
  flush(): ColumnBatch | undefined;
  readonly columns: readonly Column[];
  readonly rows: number;
  /** Warnings for the run summary (renamed colliding columns, …). */
  readonly warnings?: readonly string[];
  /** Each column's name and key path, so the next run keeps the names. */
  readonly columnPaths?: readonly KnownColumn[];
}

export interface StageWriterPart {
  write(batch: ColumnBatch): Promise<void>;
  /** Completes every file so far (and returns them) while writing goes on in new files. */
  checkpoint(): Promise<StageFile[]>;
  close(): Promise<StageFile[]>;
  abort(): Promise<void>;
}

export interface PartDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly redactor: Redactor;
  /**
   * The API's request budget when it is shared beyond this run (`floe serve`'s store,
   * `rate_limit.shared`); absent: the source keeps its own from `rate_limit`.
   */
  readonly limiter?: RequestLimiter;
}

export interface Parts {
  createSource(config: FloeConfig, deps: PartDeps): SourcePart;
  createNormalizer(opts: {
    endpoint: string;
    columns?: ColumnsConfig;
    schema?: DeclaredColumn[];
    batchRows: number;
    settings?: NormalizerSettings;
    known?: readonly KnownColumn[];
  }): NormalizerPart;
  createStageWriter(opts: { dir: string; fileMaxBytes: number; signal?: AbortSignal; firstPart?: number }): StageWriterPart;
  createDestination(config: DestinationConfig, deps: PartDeps): Promise<Destination>;
}
