import { HOUR_MS, hourOf } from './hour.js';
import type { Exposure, Outcome, TimeRange } from '../outcome/outcome.js';
import { addExposure, addOutcome, cloneAggregate, createAggregate, mergeAggregateInto, type VariantAggregate } from './variant-aggregate.js';

/** One cell of the table: the aggregate of a (flag, variant, hour). */
export interface AggregateEntry {
  flagKey: string;
  variant: string;
  /** Start of the hour, epoch ms (see hourOf). */
  hour: number;
  aggregate: VariantAggregate;
}

export interface AggregateTableOptions {
  /** Epoch ms for exposures and outcomes without `at`; passed in so the table stays free of clocks. */
  clock?: () => number;
}

type HourMap = Map<number, VariantAggregate>;

/**
 * Aggregates keyed by flag → variant → hour, the in-process core of any MetricStore. Memory is bounded by
 * flags × variants × hours, never by the number of outcomes. Nested maps avoid building a string key per
 * call, and the last cell is cached because consecutive outcomes almost always share flag, variant and hour.
 */
export class AggregateTable {
  private cells = new Map<string, Map<string, HourMap>>();
  private readonly clock: () => number;
  private lastFlag: string | undefined;
  private lastVariant: string | undefined;
  private lastHour = NaN;
  private lastCell: VariantAggregate | undefined;
  private cellCount = 0;

  constructor(options: AggregateTableOptions = {}) {
    this.clock = options.clock ?? Date.now;
  }

  /** Number of (flag, variant, hour) cells. */
  get size(): number {
    return this.cellCount;
  }

  /** Adds an outcome to its (flag, variant, hour) cell. */
  addOutcome(o: Outcome): void {
    addOutcome(this.cell(o.flagKey, o.variant, o.at ?? this.clock()), o);
  }

  /** Adds an exposure to its (flag, variant, hour) cell. */
  addExposure(e: Exposure): void {
    addExposure(this.cell(e.flagKey, e.variant, e.at ?? this.clock()), e);
  }

  /** Merges an aggregate into the cell of entry.flagKey / variant / hour (the entry is not kept). */
  mergeIn(entry: AggregateEntry): void {
    mergeAggregateInto(this.cell(entry.flagKey, entry.variant, entry.hour), entry.aggregate);
  }

  /** Merges every cell of another table into this one. */
  mergeTable(other: AggregateTable): void {
    for (const entry of other.entries()) this.mergeIn(entry);
  }

  /** Every cell, as live references: read them, do not change them. */
  entries(): AggregateEntry[] {
    const out: AggregateEntry[] = [];
    for (const [flagKey, variants] of this.cells) {
      for (const [variant, hours] of variants) {
        for (const [hour, aggregate] of hours) out.push({ flagKey, variant, hour, aggregate });
      }
    }
    return out;
  }

  /** Returns every cell and empties the table: the deltas since the last drain, for a flush. */
  drain(): AggregateEntry[] {
    const out = this.entries();
    this.cells = new Map();
    this.cellCount = 0;
    this.forgetCache();
    return out;
  }

  /** Removes cells whose hour ends at or before `epochMs`; returns how many were removed. */
  dropBefore(epochMs: number): number {
    let removed = 0;
    for (const [flagKey, variants] of this.cells) {
      for (const [variant, hours] of variants) {
        for (const hour of hours.keys()) {
          if (hour + HOUR_MS <= epochMs) {
            hours.delete(hour);
            removed++;
          }
        }
        if (hours.size === 0) variants.delete(variant);
      }
      if (variants.size === 0) this.cells.delete(flagKey);
    }
    this.cellCount -= removed;
    this.forgetCache();
    return removed;
  }

  /** Flag keys with at least one cell. */
  flags(): string[] {
    return [...this.cells.keys()];
  }

  /**
   * One flag's aggregates merged over hours, keyed by variant (new objects). The range applies at hour
   * granularity: an hour is included when it overlaps [since, until).
   */
  query(flagKey: string, range: TimeRange = {}): Record<string, VariantAggregate> {
    const out: Record<string, VariantAggregate> = {};
    const variants = this.cells.get(flagKey);
    if (variants === undefined) return out;
    for (const [variant, hours] of variants) {
      let merged: VariantAggregate | undefined;
      for (const [hour, agg] of hours) {
        if (!hourInRange(hour, range)) continue;
        if (merged === undefined) merged = cloneAggregate(agg);
        else mergeAggregateInto(merged, agg);
      }
      if (merged !== undefined) out[variant] = merged;
    }
    return out;
  }

  private cell(flagKey: string, variant: string, at: number): VariantAggregate {
    const hour = hourOf(at);
    if (hour === this.lastHour && flagKey === this.lastFlag && variant === this.lastVariant) return this.lastCell!;
    let variants = this.cells.get(flagKey);
    if (variants === undefined) this.cells.set(flagKey, (variants = new Map()));
    let hours = variants.get(variant);
    if (hours === undefined) variants.set(variant, (hours = new Map()));
    let cell = hours.get(hour);
    if (cell === undefined) {
      hours.set(hour, (cell = createAggregate()));
      this.cellCount++;
    }
    this.lastFlag = flagKey;
    this.lastVariant = variant;
    this.lastHour = hour;
    this.lastCell = cell;
    return cell;
  }

  private forgetCache(): void {
    this.lastFlag = undefined;
    this.lastVariant = undefined;
    this.lastHour = NaN;
    this.lastCell = undefined;
  }
}

/** Whether the hour starting at `hour` overlaps [since, until). */
export function hourInRange(hour: number, range: TimeRange): boolean {
  return (range.since === undefined || hour + HOUR_MS > range.since) && (range.until === undefined || hour < range.until);
}
