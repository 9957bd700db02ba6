import { binomialQuantile } from './distributions/index.js';
import type { AlphaOption, Interval } from './summary.js';
import { checkAlpha } from './validate.js';

/** What the comparison needs from a quantile sketch; a DDSketch from @datadog/sketches-js fits. */
export interface QuantileSketch {
  count: number;
  getValueAtQuantile(quantile: number): number;
}

export interface QuantileComparisonOptions extends AlphaOption {
  /** Which quantile, as a fraction (default 0.95 for p95). */
  quantile?: number;
  /** The sketches' relative accuracy, fraction (default 0.01, DDSketch's setting in aiflags). */
  relativeAccuracy?: number;
}

export interface QuantileComparison {
  /** The quantile of each group read off its sketch, in the values' unit (ms for latency). */
  control: number;
  treatment: number;
  /** treatment − control. */
  diff: number;
  /** Conservative (1 − alpha) interval of diff; infinite while a group is too small to bound it. */
  ci: Interval;
  /** The smallest alpha at which ci excludes 0, so as conservative as ci (1 when it never does). */
  p: number;
  /** Each group's own interval for its quantile, at level 1 − alpha/2. */
  controlCi: Interval;
  treatmentCi: Interval;
}

/**
 * Compares a quantile (p95 by default) of two groups from their sketches, without assuming a
 * distribution. For each group the number of values at or below the true quantile q is
 * Binomial(n, q), so order statistics X(l) ≤ ξq < X(u) with l, u from binomial quantiles bound ξq with
 * probability ≥ 1 − γ (e.g. Conover, Practical Nonparametric Statistics, §3.2). Each order statistic is
 * read off the sketch at rank (j − 1)/(n − 1) and widened by the sketch's relative accuracy. Both
 * groups get γ = alpha/2, so by Bonferroni both hold at once with probability ≥ 1 − alpha, and then
 * ξt − ξc lies in [lower_t − upper_c, upper_t − lower_c]. Values are assumed ≥ 0 (latencies).
 */
export function compareQuantiles(control: QuantileSketch, treatment: QuantileSketch, options: QuantileComparisonOptions = {}): QuantileComparison {
  const alpha = checkAlpha('compareQuantiles', options.alpha ?? 0.05);
  const q = options.quantile ?? 0.95;
  if (!(q > 0 && q < 1)) throw new RangeError(`compareQuantiles: quantile must be a fraction in (0, 1), got ${q}`);
  const accuracy = options.relativeAccuracy ?? 0.01;
  const c = control.count > 0 ? control.getValueAtQuantile(q) : NaN;
  const t = treatment.count > 0 ? treatment.getValueAtQuantile(q) : NaN;
  const interval = (a: number): { ci: Interval; controlCi: Interval; treatmentCi: Interval } => {
    const controlCi = quantileInterval(control, q, a / 2, accuracy);
    const treatmentCi = quantileInterval(treatment, q, a / 2, accuracy);
    return { ci: [treatmentCi[0] - controlCi[1], treatmentCi[1] - controlCi[0]], controlCi, treatmentCi };
  };
  const atAlpha = interval(alpha);
  return { control: c, treatment: t, diff: t - c, ...atAlpha, p: smallestExcludingAlpha(interval) };
}

/** Distribution-free interval for the q-quantile from a sketch, coverage ≥ 1 − gamma. */
export function quantileInterval(sketch: QuantileSketch, q: number, gamma: number, relativeAccuracy = 0.01): Interval {
  const n = sketch.count;
  if (n === 0) return [-Infinity, Infinity];
  // l = smallest k with P(B ≤ k) ≥ γ/2, so P(B < l) < γ/2; u − 1 = smallest k with P(B ≤ k) ≥ 1 − γ/2.
  const l = binomialQuantile(gamma / 2, n, q);
  const u = binomialQuantile(1 - gamma / 2, n, q) + 1;
  const lower = l >= 1 ? orderStatistic(sketch, l) / (1 + relativeAccuracy) : -Infinity;
  const upper = u <= n ? orderStatistic(sketch, u) / (1 - relativeAccuracy) : Infinity;
  return [lower, upper];
}

/** The j-th smallest value (1-based), as the sketch stores it. */
function orderStatistic(sketch: QuantileSketch, j: number): number {
  return sketch.count === 1 ? sketch.getValueAtQuantile(0) : sketch.getValueAtQuantile((j - 1) / (sketch.count - 1));
}

function excludesZero(ci: Interval): boolean {
  return ci[0] > 0 || ci[1] < 0;
}

/** Bisection on log alpha: intervals only shrink as alpha grows, so exclusion of 0 is monotone in alpha. */
function smallestExcludingAlpha(interval: (alpha: number) => { ci: Interval }): number {
  const top = 1 - 1e-9;
  if (!excludesZero(interval(top).ci)) return 1;
  let lo = Math.log(1e-12);
  let hi = Math.log(top);
  if (excludesZero(interval(Math.exp(lo)).ci)) return 1e-12;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (excludesZero(interval(Math.exp(mid)).ci)) hi = mid;
    else lo = mid;
  }
  return Math.exp(hi);
}
