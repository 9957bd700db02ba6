import { normalQuantile } from './normal.js';
import { logGamma, regularizedBeta } from './special-functions.js';

/** Student t CDF with df > 0 degrees of freedom (df may be fractional, as Welch's is). */
export function tCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

/** Student t density. */
export function tPdf(t: number, df: number): number {
  return Math.exp(logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI) - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/** Student t quantile for p in (0, 1), df > 0. */
export function tQuantile(p: number, df: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1 || !(df > 0)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (df === 1) return Math.tan(Math.PI * (p - 0.5));
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  // Solve in the lower tail, where the CDF keeps relative precision, then mirror.
  const lowerTail = p < 0.5;
  const q = lowerTail ? p : 1 - p;
  const x = lowerTailQuantile(q, df);
  return lowerTail ? x : -x;
}

/** t ≤ 0 with tCdf(t) = q, q < 0.5: Cornish-Fisher start, then Newton kept inside a bisection bracket. */
function lowerTailQuantile(q: number, df: number): number {
  const z = normalQuantile(q);
  const z2 = z * z;
  let x =
    z +
    (z * (z2 + 1)) / (4 * df) +
    (z * (5 * z2 * z2 + 16 * z2 + 3)) / (96 * df * df) +
    (z * (3 * z2 * z2 * z2 + 19 * z2 * z2 + 17 * z2 - 15)) / (384 * df ** 3);
  let lo = -Infinity;
  let hi = 0;
  if (!(x < 0) || !Number.isFinite(x)) x = z;
  for (let i = 0; i < 200; i++) {
    const f = tCdf(x, df) - q;
    if (f > 0) hi = x;
    else lo = x;
    if (f === 0) return x;
    let next = x - f / tPdf(x, df);
    if (!(next > lo && next < hi)) next = lo === -Infinity ? x * 2 : (lo + hi) / 2;
    if (Math.abs(next - x) <= 1e-14 * Math.abs(x)) return next;
    x = next;
  }
  return x;
}
