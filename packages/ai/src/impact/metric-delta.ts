import { momentsSummary, sequentialTest, welchTTest, type Interval, type Moments, type SampleSummary } from '@aiflags/metrics';
import type { MetricDelta } from './impact-report.js';

/** Welch's comparison of two moments with its fixed-horizon and always-valid intervals; undefined below 2 observations a group. */
export function meanDelta(metric: MetricDelta['metric'], c: Moments, t: Moments, alpha: number, seqAlpha: number): MetricDelta | undefined {
  if (c.count < 2 || t.count < 2) return undefined;
  const sc = momentsSummary(c);
  const st = momentsSummary(t);
  const w = welchTTest(sc, st, { alpha });
  return {
    metric,
    control: c.mean,
    treatment: t.mean,
    diff: w.diff,
    relative: relative(w.diff, c.mean),
    ci: w.ci,
    p: w.p,
    pAdjusted: w.p,
    sequentialCi: alwaysValid(sc, st, seqAlpha),
    n: [c.count, t.count],
  };
}

/** Tuned for the sample sizes where a rollout step first gets to decide (hundreds of units per group). */
const SEQUENTIAL_TUNE_AT_N = 300;

export function alwaysValid(c: SampleSummary, t: SampleSummary, alpha: number): Interval | undefined {
  const r = sequentialTest(c, t, { alpha, tuneAtN: SEQUENTIAL_TUNE_AT_N });
  return Number.isFinite(r.ci[0]) ? r.ci : undefined;
}

/** diff / |base| as a fraction; undefined when the base is 0 or not finite. */
export function relative(diff: number, base: number): number | undefined {
  return base !== 0 && Number.isFinite(base) ? diff / Math.abs(base) : undefined;
}
