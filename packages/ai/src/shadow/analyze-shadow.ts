import { type AnalyzeReplayOptions, analyzeReplay, type ReplayReport } from '../replay/analyze-replay.js';
import type { ReplayResult } from '../replay/replay-types.js';
import { isShadowArm } from './shadow-results.js';

export type AnalyzeShadowOptions = Partial<AnalyzeReplayOptions>;

/**
 * Compares each shadow arm (`treatment~shadow`) with the served control paired per request id: the replay's
 * paired t, signed-rank, win/tie/loss, p95 latency, cost and failures, and its verdict. The control defaults
 * to the variant served most often among the results.
 */
export function analyzeShadow(results: ReplayResult[], options: AnalyzeShadowOptions = {}): ReplayReport {
  const control = options.control ?? mostServed(results);
  const kept = results.filter((r) => r.variant === control || isShadowArm(r.variant));
  return analyzeReplay(kept, { ...options, control });
}

function mostServed(results: ReplayResult[]): string {
  const counts = new Map<string, number>();
  for (const r of results) if (!isShadowArm(r.variant)) counts.set(r.variant, (counts.get(r.variant) ?? 0) + 1);
  let best = '';
  let n = 0;
  for (const [variant, count] of counts) if (count > n) [best, n] = [variant, count];
  return best;
}
