import { normalCdf, tCdf, tQuantile } from './distributions/index.js';
import type { AlphaOption, Interval } from './summary.js';
import { checkAlpha } from './validate.js';

export interface PairedTTestResult {
  /** Mean of treatment[i] − control[i], in the metric's unit. */
  diff: number;
  t: number;
  /** n − 1. */
  df: number;
  /** Two-sided p-value. */
  p: number;
  /** (1 − alpha) t interval of diff. */
  ci: Interval;
  /** Standard error of diff. */
  se: number;
  /** Pairs compared. */
  n: number;
}

export interface SignedRankResult {
  /** V: the sum of the ranks of |treatment[i] − control[i]| over the pairs where treatment is higher (R's V). */
  statistic: number;
  /** Two-sided p-value: exact when n < 50 and there are no ties or zero differences, else normal with continuity and tie correction (as R's wilcox.test). */
  p: number;
  /** Pairs with a non-zero difference (zeros are dropped, as R does). */
  n: number;
  exact: boolean;
}

export interface WinTieLoss {
  /** Pairs where treatment is higher than control by more than the tolerance. */
  wins: number;
  ties: number;
  losses: number;
}

/** The differences treatment[i] − control[i]; throws naming the function when the arrays cannot be paired. */
function differences(name: string, control: readonly number[], treatment: readonly number[]): number[] {
  if (control.length !== treatment.length) {
    throw new RangeError(`${name}: control has ${control.length} values and treatment ${treatment.length}; paired samples need one of each per case`);
  }
  const out = new Array<number>(control.length);
  for (let i = 0; i < control.length; i++) {
    const c = control[i]!;
    const t = treatment[i]!;
    if (!Number.isFinite(c) || !Number.isFinite(t)) throw new RangeError(`${name}: pair ${i} is not two finite numbers (${c}, ${t})`);
    out[i] = t - c;
  }
  return out;
}

/**
 * The paired t-test of treatment against control (the same cases run through both): the mean paired
 * difference with a t interval, two-sided. Matches R's `t.test(treatment, control, paired = TRUE)`.
 * With fewer than two pairs every field but diff and n is NaN.
 */
export function pairedTTest(control: readonly number[], treatment: readonly number[], options: AlphaOption = {}): PairedTTestResult {
  const alpha = checkAlpha('pairedTTest', options.alpha ?? 0.05);
  const d = differences('pairedTTest', control, treatment);
  const n = d.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += (d[i]! - mean) / (i + 1);
  if (n < 2) return { diff: n === 1 ? mean : NaN, t: NaN, df: NaN, p: NaN, ci: [NaN, NaN], se: NaN, n };
  let m2 = 0;
  for (const x of d) m2 += (x - mean) ** 2;
  const se = Math.sqrt(m2 / (n - 1) / n);
  const df = n - 1;
  if (se === 0) return { diff: mean, t: mean === 0 ? 0 : Math.sign(mean) * Infinity, df, p: mean === 0 ? 1 : 0, ci: [mean, mean], se, n };
  const t = mean / se;
  const p = Math.min(1, 2 * tCdf(-Math.abs(t), df));
  const half = tQuantile(1 - alpha / 2, df) * se;
  return { diff: mean, t, df, p, ci: [mean - half, mean + half], se, n };
}

/**
 * Wilcoxon's signed-rank test of treatment against control, two-sided: the robust check beside the paired
 * t-test. Zero differences are dropped and tied magnitudes get their mean rank, as in R's
 * `wilcox.test(treatment, control, paired = TRUE)`, whose V and p it reproduces.
 */
export function signedRankTest(control: readonly number[], treatment: readonly number[]): SignedRankResult {
  const d = differences('signedRankTest', control, treatment).filter((x) => x !== 0);
  const n = d.length;
  if (n === 0) return { statistic: 0, p: NaN, n, exact: false };
  const order = d.map((x, i) => [Math.abs(x), i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(n);
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && order[j + 1]![0] === order[i]![0]) j++;
    const rank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) ranks[order[k]![1]] = rank;
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  let v = 0;
  for (let i = 0; i < n; i++) if (d[i]! > 0) v += ranks[i]!;
  const hasZeros = d.length !== control.length;
  if (n < 50 && tieTerm === 0 && !hasZeros) return { statistic: v, p: exactSignedRankP(v, n), n, exact: true };
  const mean = (n * (n + 1)) / 4;
  const sd = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48);
  const z = v - mean;
  const corrected = (z - Math.sign(z) * 0.5) / sd;
  return { statistic: v, p: Math.min(1, 2 * normalCdf(-Math.abs(corrected))), n, exact: false };
}

/** Two-sided exact p of V for n untied non-zero differences: the count of sign patterns at least as extreme, over 2^n. */
function exactSignedRankP(v: number, n: number): number {
  const max = (n * (n + 1)) / 2;
  // counts[s]: the number of subsets of ranks 1..n summing to s.
  const counts = new Float64Array(max + 1);
  counts[0] = 1;
  for (let r = 1; r <= n; r++) for (let s = max; s >= r; s--) counts[s]! += counts[s - r]!;
  const total = 2 ** n;
  const lower = Math.min(v, max - v);
  let tail = 0;
  for (let s = 0; s <= lower; s++) tail += counts[s]!;
  return Math.min(1, (2 * tail) / total);
}

/** Wins, ties and losses of treatment against control per case; |difference| ≤ tolerance counts as a tie. */
export function winTieLoss(control: readonly number[], treatment: readonly number[], tolerance = 0): WinTieLoss {
  const out: WinTieLoss = { wins: 0, ties: 0, losses: 0 };
  for (const x of differences('winTieLoss', control, treatment)) {
    if (Math.abs(x) <= tolerance) out.ties++;
    else if (x > 0) out.wins++;
    else out.losses++;
  }
  return out;
}
