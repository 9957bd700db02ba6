import { regularizedBeta } from './special-functions.js';

/** P(X ≤ k) for X ~ Binomial(n, p), through P(X ≤ k) = I_{1−p}(n − k, k + 1). */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  const kk = Math.floor(k);
  return regularizedBeta(1 - p, n - kk, kk + 1);
}

/** The smallest k in 0..n with P(X ≤ k) ≥ prob, for X ~ Binomial(n, p). */
export function binomialQuantile(prob: number, n: number, p: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (binomialCdf(mid, n, p) >= prob) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
