import { tCdf, tQuantile } from './distributions/index.js';
import type { AlphaOption, Interval, SampleSummary } from './summary.js';
import { checkAlpha, checkSample } from './validate.js';

export interface WelchResult {
  /** treatment.mean − control.mean, in the metric's unit. */
  diff: number;
  t: number;
  /** Welch–Satterthwaite degrees of freedom (fractional). */
  df: number;
  /** Two-sided p-value. */
  p: number;
  /** (1 − alpha) confidence interval of diff. */
  ci: Interval;
  /** Standard error of diff. */
  se: number;
}

/**
 * Welch's unequal-variance t-test of treatment against control from summary statistics, two-sided.
 * With fewer than two observations in a group every field but diff is NaN (not enough data yet).
 */
export function welchTTest(control: SampleSummary, treatment: SampleSummary, options: AlphaOption = {}): WelchResult {
  const alpha = checkAlpha('welchTTest', options.alpha ?? 0.05);
  checkSample('welchTTest', 'control', control);
  checkSample('welchTTest', 'treatment', treatment);
  const diff = treatment.mean - control.mean;
  if (control.n < 2 || treatment.n < 2) return { diff, t: NaN, df: NaN, p: NaN, ci: [NaN, NaN], se: NaN };
  const vc = (control.sd * control.sd) / control.n;
  const vt = (treatment.sd * treatment.sd) / treatment.n;
  const se = Math.sqrt(vc + vt);
  if (se === 0) {
    // Both groups constant: the difference is known exactly.
    return { diff, t: diff === 0 ? 0 : Math.sign(diff) * Infinity, df: control.n + treatment.n - 2, p: diff === 0 ? 1 : 0, ci: [diff, diff], se };
  }
  const df = (vc + vt) ** 2 / ((vc * vc) / (control.n - 1) + (vt * vt) / (treatment.n - 1));
  const t = diff / se;
  const p = Math.min(1, 2 * tCdf(-Math.abs(t), df));
  const half = tQuantile(1 - alpha / 2, df) * se;
  return { diff, t, df, p, ci: [diff - half, diff + half], se };
}
