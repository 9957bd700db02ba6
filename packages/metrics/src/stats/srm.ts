import { chiSquareSurvival } from './distributions/index.js';

export interface SrmOptions {
  /** p below this flags a mismatch (fraction; default 0.001, the usual SRM threshold). */
  threshold?: number;
  /**
   * Relative standard error of the counts themselves (fraction), when they are estimates rather than
   * exact, e.g. HyperLogLog unit counts (HLL_RELATIVE_ERROR). Default 0: exact counts.
   */
  countRelativeError?: number;
}

export interface SrmResult {
  chi2: number;
  /** k − 1 for k variants. */
  df: number;
  p: number;
  /** true when p < threshold: the split is not what the flag configured, so results are suspect. */
  mismatch: boolean;
  /** Expected counts under the configured ratios. */
  expected: number[];
}

/**
 * Sample-ratio-mismatch check: Pearson's chi-square goodness of fit of observed per-variant counts
 * (units or exposures) against the configured split. Ratios may be fractions or percentages; they are
 * normalized by their sum. Counts estimated by a sketch need `countRelativeError`, or large experiments
 * are flagged on the sketch's noise alone.
 */
export function srmTest(observed: number[], expectedRatios: number[], options: SrmOptions = {}): SrmResult {
  const threshold = options.threshold ?? 0.001;
  if (observed.length !== expectedRatios.length || observed.length < 2) {
    throw new RangeError(
      `srmTest: need one expected ratio per observed count and at least 2 variants (got ${observed.length} counts, ${expectedRatios.length} ratios)`,
    );
  }
  observed.forEach((o, i) => {
    if (!(Number.isFinite(o) && o >= 0)) throw new RangeError(`srmTest: observed[${i}] must be a count ≥ 0, got ${o}`);
  });
  expectedRatios.forEach((r, i) => {
    if (!(Number.isFinite(r) && r > 0)) throw new RangeError(`srmTest: expectedRatios[${i}] must be > 0, got ${r}`);
  });
  const total = observed.reduce((s, o) => s + o, 0);
  const ratioSum = expectedRatios.reduce((s, r) => s + r, 0);
  const expected = expectedRatios.map((r) => (total * r) / ratioSum);
  const df = observed.length - 1;
  if (total === 0) return { chi2: 0, df, p: 1, mismatch: false, expected };
  // Estimated counts carry their own noise, which grows with the count (sd = r·count) while the binomial
  // noise grows with its square root; left out, it makes every large experiment look mismatched. Each
  // term's variance e becomes e + (r·e)², exact for two equal groups and a close approximation otherwise.
  const r2 = (options.countRelativeError ?? 0) ** 2;
  if (!(r2 >= 0 && Number.isFinite(r2))) throw new RangeError(`srmTest: countRelativeError must be a fraction ≥ 0, got ${options.countRelativeError}`);
  let chi2 = 0;
  for (let i = 0; i < observed.length; i++) chi2 += (observed[i]! - expected[i]!) ** 2 / (expected[i]! * (1 + r2 * expected[i]!));
  const p = chiSquareSurvival(chi2, df);
  return { chi2, df, p, mismatch: p < threshold, expected };
}
