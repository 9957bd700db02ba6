import type { Exposure, Outcome, TimeRange } from '../outcome/outcome.js';
import type { VariantAggregate } from '../aggregates/variant-aggregate.js';

/**
 * Where exposures and outcomes go. Writes are synchronous and buffered so the request path never waits
 * or throws; a full buffer drops and counts (stats().dropped), never blocks.
 */
export interface MetricStore {
  /** Buffers an exposure; synchronous, never throws. */
  recordExposure(e: Exposure): void;
  /** Buffers an outcome; synchronous, never throws. */
  record(o: Outcome): void;
  /** Writes buffered data to the backing store. */
  flush(): Promise<void>;
  /** Aggregates for one flag, merged over processes and hours, keyed by variant. */
  query(flagKey: string, range?: TimeRange): Promise<Record<string, VariantAggregate>>;
  /** dropped: items lost to a full buffer or a failed write; pending: items not yet flushed. */
  stats(): { dropped: number; pending: number };
  /** Flushes and releases resources. */
  close(): Promise<void>;
}
