import type { ReplayResult } from './replay-types.js';

const NONE = 0;
const FAILED = 1;
const OK = 2;

/**
 * One variant's runs as columns of numbers indexed by the tally's case index: ok, latency (ms), cost (USD,
 * NaN when not reported) and one column per score name (NaN when absent). About 30 bytes a run, where an
 * object per run with its scores took over 200 and a 1 GB replay did not fit a 64 MB heap.
 */
export class TallyArm {
  private state: Uint8Array;
  private latency: Float64Array;
  private cost: Float64Array;
  private readonly scoreColumns = new Map<string, Float64Array>();
  /** Case indexes in the order this variant first saw them: the order the analysis pairs and lists them in. */
  private order = new Int32Array(16);
  private size = 0;

  constructor(private capacity: number) {
    this.state = new Uint8Array(capacity);
    this.latency = new Float64Array(capacity);
    this.cost = new Float64Array(capacity);
  }

  /** The case indexes this variant ran, in the order first seen. */
  cases(): Int32Array {
    return this.order.subarray(0, this.size);
  }

  has(ci: number): boolean {
    return this.state[ci] !== NONE;
  }

  ok(ci: number): boolean {
    return this.state[ci] === OK;
  }

  latencyMs(ci: number): number {
    return this.latency[ci]!;
  }

  /** USD; undefined when the run reported none. */
  costUsd(ci: number): number | undefined {
    const c = this.cost[ci]!;
    return Number.isNaN(c) ? undefined : c;
  }

  /** The score names any run of this variant had. */
  scoreNames(): IterableIterator<string> {
    return this.scoreColumns.keys();
  }

  /** The run's score, or undefined when it had none of that name. */
  score(name: string, ci: number): number | undefined {
    const v = this.scoreColumns.get(name)?.[ci];
    return v === undefined || Number.isNaN(v) ? undefined : v;
  }

  set(ci: number, r: ReplayResult): void {
    if (this.state[ci] === NONE) {
      if (this.size === this.order.length) this.order = grown(this.order, this.size * 2, 0);
      this.order[this.size++] = ci;
    }
    this.state[ci] = r.ok ? OK : FAILED;
    this.latency[ci] = r.latencyMs;
    this.cost[ci] = r.costUsd ?? Number.NaN;
    // A later result replaces the earlier one whole: names it lacks are cleared.
    for (const column of this.scoreColumns.values()) column[ci] = Number.NaN;
    for (const [name, value] of Object.entries(r.scores)) {
      let column = this.scoreColumns.get(name);
      if (!column) this.scoreColumns.set(name, (column = grown(new Float64Array(0), this.capacity, Number.NaN)));
      column[ci] = value;
    }
  }

  /** Room for `capacity` cases. */
  grow(capacity: number): void {
    this.state = grown(this.state, capacity, NONE);
    this.latency = grown(this.latency, capacity, 0);
    this.cost = grown(this.cost, capacity, Number.NaN);
    for (const [name, column] of this.scoreColumns) this.scoreColumns.set(name, grown(column, capacity, Number.NaN));
    this.capacity = capacity;
  }
}

/**
 * The results of a replay reduced to what its paired statistics need, one entry per case × variant: a
 * success over any failure, else the later result (the rule runReplay resumes by). Outputs are not kept;
 * the few the report lists are read back afterwards (fillReplayExamples).
 */
export class ReplayTally {
  flagKey = '';
  flagVersion = '';
  /** Each variant's runs, in the order the variants were first seen. */
  readonly arms = new Map<string, TallyArm>();
  /** Case ids by case index, in the order first seen. */
  readonly caseIds: string[] = [];
  private readonly index = new Map<string, number>();
  private capacity = 1024;

  /** A tally of results already in memory. */
  static of(results: Iterable<ReplayResult>): ReplayTally {
    const tally = new ReplayTally();
    for (const r of results) tally.add(r);
    return tally;
  }

  /** A tally of results read one at a time (e.g. a store's stream), keeping those `keep` accepts. */
  static async from(results: AsyncIterable<ReplayResult>, keep: (r: ReplayResult) => boolean = () => true): Promise<ReplayTally> {
    const tally = new ReplayTally();
    for await (const r of results) if (keep(r)) tally.add(r);
    return tally;
  }

  add(r: ReplayResult): void {
    if (this.arms.size === 0) {
      this.flagKey = r.flagKey;
      this.flagVersion = r.flagVersion;
    }
    let ci = this.index.get(r.caseId);
    if (ci === undefined) {
      ci = this.caseIds.length;
      this.index.set(r.caseId, ci);
      this.caseIds.push(r.caseId);
      if (ci === this.capacity) {
        this.capacity *= 2;
        for (const arm of this.arms.values()) arm.grow(this.capacity);
      }
    }
    let arm = this.arms.get(r.variant);
    if (!arm) this.arms.set(r.variant, (arm = new TallyArm(this.capacity)));
    if (!r.ok && arm.ok(ci)) return;
    arm.set(ci, r);
  }
}

function grown<T extends Uint8Array | Int32Array | Float64Array>(column: T, capacity: number, fill: number): T {
  const out = new (column.constructor as new (n: number) => T)(capacity);
  out.set(column);
  if (fill !== 0) out.fill(fill, column.length);
  return out;
}
