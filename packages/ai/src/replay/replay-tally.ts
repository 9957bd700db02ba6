import type { ReplayResult } from './replay-types.js';

/** One case through one variant as the analysis reads it: numbers only, no output, so a streamed replay keeps a few per run. */
export interface TalliedRun {
  ok: boolean;
  latencyMs: number;
  costUsd: number | undefined;
  scores: Record<string, number>;
}

/**
 * The results of a replay reduced to what its paired statistics need, one entry per case × variant: a
 * success over any failure, else the later result (the rule runReplay resumes by). Outputs are not kept;
 * the few the report lists are read back afterwards (fillReplayExamples).
 */
export class ReplayTally {
  flagKey = '';
  flagVersion = '';
  /** Per variant, in the order first seen, the runs per case id, in the order first seen. */
  readonly variants = new Map<string, Map<string, TalliedRun>>();

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
    if (this.variants.size === 0) {
      this.flagKey = r.flagKey;
      this.flagVersion = r.flagVersion;
    }
    let runs = this.variants.get(r.variant);
    if (!runs) this.variants.set(r.variant, (runs = new Map()));
    if (!r.ok && runs.get(r.caseId)?.ok) return;
    runs.set(r.caseId, { ok: r.ok, latencyMs: r.latencyMs, costUsd: r.costUsd, scores: r.scores });
  }
}
