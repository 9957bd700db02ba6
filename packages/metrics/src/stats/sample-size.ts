import { normalQuantile } from './distributions/index.js';

export interface PowerOptions {
  /** Two-sided significance level, fraction (default 0.05). */
  alpha?: number;
  /** Probability of detecting the effect when it is real, fraction (default 0.8). */
  power?: number;
}

export interface MeanSampleSizeInput extends PowerOptions {
  /** Standard deviation of the metric in each group, in the metric's unit. */
  sd: number;
  /** Minimum detectable difference of means, in the metric's unit (absolute, > 0). */
  mde: number;
}

export interface ProportionSampleSizeInput extends PowerOptions {
  /** Control rate, fraction in (0, 1). */
  baseline: number;
  /** Minimum detectable difference of rates, fraction (0.01 = one percentage point), sign = direction. */
  mde: number;
}

/**
 * Units needed per group for a two-sided two-sample comparison. For means: the normal-approximation
 * formula 2σ²(z₁₋α/₂ + z_power)²/δ² plus Guenther's (1981) z₁₋α/₂²/4, which brings it within one unit of
 * the exact noncentral-t answer (R power.t.test). For proportions: the formula R's power.prop.test
 * solves, (z₁₋α/₂·√(2p̄(1−p̄)) + z_power·√(p₁(1−p₁)+p₂(1−p₂)))²/δ². Rounded up.
 */
export function requiredSampleSize(input: MeanSampleSizeInput | ProportionSampleSizeInput): number {
  const alpha = input.alpha ?? 0.05;
  const power = input.power ?? 0.8;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`requiredSampleSize: alpha must be a fraction in (0, 1), got ${alpha}`);
  if (!(power > 0 && power < 1)) throw new RangeError(`requiredSampleSize: power must be a fraction in (0, 1), got ${power}`);
  const za = normalQuantile(1 - alpha / 2);
  const zb = normalQuantile(power);
  if ('sd' in input) {
    const { sd, mde } = input;
    if (!(sd > 0) || !Number.isFinite(sd)) throw new RangeError(`requiredSampleSize: sd must be > 0, got ${sd}`);
    if (!(Math.abs(mde) > 0) || !Number.isFinite(mde)) throw new RangeError(`requiredSampleSize: mde must be a non-zero difference, got ${mde}`);
    return Math.ceil((2 * sd * sd * (za + zb) ** 2) / (mde * mde) + (za * za) / 4);
  }
  const { baseline, mde } = input;
  const p1 = baseline;
  const p2 = baseline + mde;
  if (!(p1 > 0 && p1 < 1)) throw new RangeError(`requiredSampleSize: baseline must be a fraction in (0, 1), got ${baseline}`);
  if (!(p2 > 0 && p2 < 1) || mde === 0) throw new RangeError(`requiredSampleSize: baseline + mde must be a different fraction in (0, 1), got ${p2}`);
  const pBar = (p1 + p2) / 2;
  const root = za * Math.sqrt(2 * pBar * (1 - pBar)) + zb * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return Math.ceil((root * root) / (mde * mde));
}
