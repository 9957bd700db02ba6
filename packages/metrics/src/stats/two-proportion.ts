import { wilsonInterval } from './confidence-interval.js';
import { normalCdf, normalQuantile } from './distributions/index.js';
import type { AlphaOption, Interval, ProportionSample } from './summary.js';
import { checkAlpha, checkProportion } from './validate.js';

export interface TwoProportionResult {
  /** treatment rate − control rate, as a fraction (0.02 = 2 percentage points). */
  diff: number;
  /** diff / pooled standard error (the statistic of R's prop.test without continuity correction: z² = X-squared). */
  z: number;
  /** Two-sided p-value from the pooled test. */
  p: number;
  /**
   * Newcombe's hybrid score interval of diff (method 10 of Newcombe 1998, built from the two Wilson
   * intervals). Unlike the Wald interval it stays honest when a group has no events at all, which is the
   * usual case for the error rate of a small treatment group.
   */
  ci: Interval;
  /** Wald interval of diff with the unpooled standard error (R's prop.test interval); too narrow near 0 or 1. */
  waldCi: Interval;
  controlRate: number;
  treatmentRate: number;
  /** Unpooled standard error, used for the interval. */
  se: number;
  /** Pooled standard error (rates assumed equal, as under the null), used for z and p. */
  pooledSe: number;
}

/**
 * Two-proportion z-test of treatment against control, two-sided, no continuity correction. The test
 * uses the pooled standard error (right under the null of equal rates); the interval is Newcombe's
 * score interval (right around the observed difference, even with zero events). An empty group gives NaN everywhere.
 */
export function twoProportionZTest(control: ProportionSample, treatment: ProportionSample, options: AlphaOption = {}): TwoProportionResult {
  const alpha = checkAlpha('twoProportionZTest', options.alpha ?? 0.05);
  checkProportion('twoProportionZTest', 'control', control);
  checkProportion('twoProportionZTest', 'treatment', treatment);
  if (control.n === 0 || treatment.n === 0) {
    return { diff: NaN, z: NaN, p: NaN, ci: [NaN, NaN], waldCi: [NaN, NaN], controlRate: NaN, treatmentRate: NaN, se: NaN, pooledSe: NaN };
  }
  const pc = control.events / control.n;
  const pt = treatment.events / treatment.n;
  const diff = pt - pc;
  const pooled = (control.events + treatment.events) / (control.n + treatment.n);
  const pooledSe = Math.sqrt(pooled * (1 - pooled) * (1 / control.n + 1 / treatment.n));
  const se = Math.sqrt((pc * (1 - pc)) / control.n + (pt * (1 - pt)) / treatment.n);
  // Pooled rate 0 or 1 means both groups are all-no or all-yes: identical, nothing to test.
  const z = pooledSe === 0 ? 0 : diff / pooledSe;
  const p = Math.min(1, 2 * normalCdf(-Math.abs(z)));
  const half = normalQuantile(1 - alpha / 2) * se;
  const [lt, ut] = wilsonInterval(treatment, { alpha }).ci;
  const [lc, uc] = wilsonInterval(control, { alpha }).ci;
  const ci: Interval = [diff - Math.hypot(pt - lt, uc - pc), diff + Math.hypot(ut - pt, pc - lc)];
  return { diff, z, p, ci, waldCi: [diff - half, diff + half], controlRate: pc, treatmentRate: pt, se, pooledSe };
}
