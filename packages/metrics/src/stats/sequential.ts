import type { Interval, SampleSummary } from './summary.js';
import { checkAlpha, checkSample } from './validate.js';

export interface SequentialOptions {
  /** Two-sided error rate over ALL checks together, fraction (default 0.05). */
  alpha?: number;
  /** Per-group sample size at which the interval is tightest (default 1000); any value keeps validity. */
  tuneAtN?: number;
  /** Variance τ² of the normal mixture over the difference, in the metric's unit squared; overrides tuneAtN. */
  mixingVariance?: number;
}

export interface SequentialResult {
  /** treatment.mean − control.mean. */
  diff: number;
  /** Always-valid (1 − alpha) confidence sequence for the difference at this look. */
  ci: Interval;
  /** true when 0 lies outside ci: the difference is established at level alpha, however often checked. */
  excludesZero: boolean;
  /**
   * 1 / (mixture likelihood ratio), capped at 1. The running minimum of this over looks is an
   * always-valid p-value; one look's value alone is ≥ that minimum.
   */
  p: number;
  /** Standard error of diff (unpooled). */
  se: number;
  /** The τ² used. */
  mixingVariance: number;
}

/**
 * Always-valid interval for a difference in means, for a gate that looks at the data again and again:
 * the normal-mixture confidence sequence (mSPRT of Johari et al. 2017; Howard et al. 2021, §3.5) with
 * the estimate's variance V = sd_c²/n_c + sd_t²/n_t plugged in:
 *   diff ± √( V(V + τ²)/τ² · ln((V + τ²)/(V·alpha²)) ).
 * By Ville's inequality the chance that ANY look excludes the true difference is ≤ alpha (exactly for
 * normal data with known variances, asymptotically with estimated ones). τ² = V* · (−2 ln α + ln(1 − 2 ln α))
 * makes the interval tightest where V = V* (Howard et al.'s optimal ρ), V* = (sd_c² + sd_t²)/tuneAtN.
 * Use proportionSummary() to run it on rates.
 */
export function sequentialTest(control: SampleSummary, treatment: SampleSummary, options: SequentialOptions = {}): SequentialResult {
  const alpha = checkAlpha('sequentialTest', options.alpha ?? 0.05);
  checkSample('sequentialTest', 'control', control);
  checkSample('sequentialTest', 'treatment', treatment);
  const diff = treatment.mean - control.mean;
  const tuneAtN = options.tuneAtN ?? 1000;
  const varC = control.sd * control.sd;
  const varT = treatment.sd * treatment.sd;
  const k = -2 * Math.log(alpha) + Math.log(1 - 2 * Math.log(alpha));
  const tau2 = options.mixingVariance ?? ((varC + varT) / tuneAtN) * k;
  const notEnough = { diff, ci: [NaN, NaN] as Interval, excludesZero: false, p: 1, se: NaN, mixingVariance: tau2 };
  if (control.n < 2 || treatment.n < 2) return notEnough;
  const v = varC / control.n + varT / treatment.n;
  const se = Math.sqrt(v);
  if (v === 0) {
    return { diff, ci: [diff, diff], excludesZero: diff !== 0, p: diff === 0 ? 1 : 0, se, mixingVariance: tau2 };
  }
  if (!(tau2 > 0)) return notEnough;
  const half = Math.sqrt(((v * (v + tau2)) / tau2) * Math.log((v + tau2) / (v * alpha * alpha)));
  // log of the mixture likelihood ratio of H1 (θ ~ N(0, τ²)) against θ = 0.
  const logLr = 0.5 * Math.log(v / (v + tau2)) + (tau2 * diff * diff) / (2 * v * (v + tau2));
  const ci: Interval = [diff - half, diff + half];
  return { diff, ci, excludesZero: ci[0] > 0 || ci[1] < 0, p: Math.min(1, Math.exp(-logLr)), se, mixingVariance: tau2 };
}
