import { normalQuantile, tQuantile } from './distributions/index.js';
import type { AlphaOption, Interval, ProportionSample, SampleSummary } from './summary.js';
import { checkAlpha, checkProportion, checkSample } from './validate.js';

export interface MeanInterval {
  estimate: number;
  ci: Interval;
  se: number;
  df: number;
}

/** t interval for a mean: mean ± t(1 − alpha/2, n − 1) · sd/√n. NaN bounds below two observations. */
export function meanInterval(s: SampleSummary, options: AlphaOption = {}): MeanInterval {
  const alpha = checkAlpha('meanInterval', options.alpha ?? 0.05);
  checkSample('meanInterval', 'sample', s);
  if (s.n < 2) return { estimate: s.n === 1 ? s.mean : NaN, ci: [NaN, NaN], se: NaN, df: NaN };
  const se = s.sd / Math.sqrt(s.n);
  const half = tQuantile(1 - alpha / 2, s.n - 1) * se;
  return { estimate: s.mean, ci: [s.mean - half, s.mean + half], se, df: s.n - 1 };
}

export interface ProportionInterval {
  /** events / n, as a fraction. */
  estimate: number;
  ci: Interval;
}

/**
 * Wilson score interval for a proportion (fractions), without continuity correction. Unlike the Wald
 * interval it stays inside [0, 1] and keeps its coverage at 0 or n events, common for error rates.
 */
export function wilsonInterval(s: ProportionSample, options: AlphaOption = {}): ProportionInterval {
  const alpha = checkAlpha('wilsonInterval', options.alpha ?? 0.05);
  checkProportion('wilsonInterval', 'sample', s);
  if (s.n === 0) return { estimate: NaN, ci: [0, 1] };
  const z = normalQuantile(1 - alpha / 2);
  const p = s.events / s.n;
  const z2n = (z * z) / s.n;
  const center = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / s.n + z2n / (4 * s.n));
  return { estimate: p, ci: [Math.max(0, center - half), Math.min(1, center + half)] };
}
