import { regularizedGammaQ } from './special-functions.js';

/** Chi-square survival function P(X > x) with df > 0, accurate for tiny tail probabilities. */
export function chiSquareSurvival(x: number, df: number): number {
  if (Number.isNaN(x) || !(df > 0)) return NaN;
  return regularizedGammaQ(df / 2, x / 2);
}
