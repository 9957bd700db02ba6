import { AggregateTable } from '../aggregates/aggregate-table.js';
import type { VariantAggregate } from '../aggregates/variant-aggregate.js';
import type { Exposure, Outcome, TimeRange } from '../outcome/outcome.js';
import { type OutcomeProblem, outcomeProblem } from '../outcome/outcome-bounds.js';
import type { MetricStore } from './metric-store.js';

export interface MemoryMetricStoreOptions {
  /**
   * Most (flag, variant, hour) cells kept; records that would need more are dropped and counted. This is
   * what keeps memory bounded when a caller sends unbounded variant names.
   */
  maxCells?: number;
  /** Epoch ms for records without `at`. */
  clock?: () => number;
}

/** Cells kept by default: about 10 kB each (HyperLogLog + DDSketch), so at most ~100 MB. */
export const DEFAULT_MAX_CELLS = 10_000;

/**
 * A MetricStore in process memory. Records are aggregated on arrival (no per-outcome buffer), so memory
 * depends on flags × variants × hours, never on how many outcomes arrive.
 */
export class MemoryMetricStore implements MetricStore {
  protected readonly table: AggregateTable;
  protected readonly maxCells: number;
  protected dropped = 0;
  /** Rejected outcomes per field (also counted in dropped). */
  private readonly rejected: Record<string, number> = {};

  constructor(options: MemoryMetricStoreOptions = {}) {
    this.table = new AggregateTable(options.clock ? { clock: options.clock } : {});
    this.maxCells = options.maxCells ?? DEFAULT_MAX_CELLS;
  }

  recordExposure(e: Exposure): void {
    if (this.table.size >= this.maxCells) {
      this.drop();
      return;
    }
    try {
      this.table.addExposure(e);
    } catch {
      this.drop();
    }
  }

  record(o: Outcome): void {
    const problem = outcomeProblem(o);
    if (problem !== undefined) {
      this.reject(problem);
      return;
    }
    if (this.table.size >= this.maxCells) {
      this.drop();
      return;
    }
    try {
      this.table.addOutcome(o);
    } catch {
      this.drop();
    }
  }

  async flush(): Promise<void> {}

  async query(flagKey: string, range?: TimeRange): Promise<Record<string, VariantAggregate>> {
    return this.table.query(flagKey, range);
  }

  stats(): { dropped: number; pending: number } {
    return { dropped: this.dropped, pending: 0 };
  }

  async close(): Promise<void> {}

  /** Flag keys with recorded data. */
  flags(): string[] {
    return this.table.flags();
  }

  /** Outcomes rejected at record time for a value no measurement can have, per field (quality, costUsd, …); each is also in stats().dropped. */
  rejections(): Record<string, number> {
    return { ...this.rejected };
  }

  protected drop(): void {
    this.dropped++;
  }

  /** A record whose value would poison the aggregate: dropped and counted under its field, never thrown. */
  protected reject(problem: OutcomeProblem): void {
    this.rejected[problem.field] = (this.rejected[problem.field] ?? 0) + 1;
    this.drop();
  }
}
