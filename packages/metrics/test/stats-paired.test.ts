import { describe, expect, it } from 'vitest';
import { pairedTTest, signedRankTest, welchTTest, winTieLoss } from '../src/index.js';

/**
 * Student's sleep data (Cushny and Peebles 1905, as published by "Student" 1908; R's `datasets::sleep`):
 * extra hours of sleep for 10 patients under drug 1 and drug 2. R 4.x reference values:
 *   t.test(sleep$extra[11:20], sleep$extra[1:10], paired = TRUE)
 *     t = 4.0621, df = 9, p-value = 0.002833, 95 % CI 0.7001142 2.4598858, mean difference 1.58
 *   wilcox.test(sleep$extra[11:20], sleep$extra[1:10], paired = TRUE)
 *     V = 45, p-value = 0.009091 (one zero difference and one tie: normal approximation with continuity
 *     correction)
 * Tolerances: t, CI and p to the printed digits (R prints 5 significant digits for p and t).
 */
const drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

/**
 * Hollander and Wolfe (1973), p. 29, the depression scale example in R's `?wilcox.test`: first (x) and
 * second (y) visit. R: wilcox.test(x, y, paired = TRUE) gives V = 40, p-value = 0.03906 (exact: no ties,
 * no zeros), and with alternative = "greater" p = 0.01953 (10 of 512 sign patterns).
 */
const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];

describe('paired statistics against R', () => {
  it("pairedTTest reproduces t.test(paired = TRUE) on Student's sleep data", () => {
    const r = pairedTTest(drug1, drug2);
    expect(r.n).toBe(10);
    expect(r.df).toBe(9);
    expect(r.diff).toBeCloseTo(1.58, 12);
    expect(r.t).toBeCloseTo(4.0621, 4);
    expect(r.p).toBeCloseTo(0.002833, 6);
    expect(r.ci[0]).toBeCloseTo(0.7001142, 6);
    expect(r.ci[1]).toBeCloseTo(2.4598858, 6);
  });

  it('pairing matters: Welch on the same numbers as two independent groups is far from significant', () => {
    const summary = (v: number[]) => {
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      return { n: v.length, mean, sd: Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) };
    };
    // R: t.test(extra ~ group, data = sleep) gives p-value = 0.07939.
    expect(welchTTest(summary(drug1), summary(drug2)).p).toBeCloseTo(0.07939, 5);
  });

  it('signedRankTest reproduces wilcox.test(paired = TRUE) with a zero and a tie (normal approximation)', () => {
    const r = signedRankTest(drug1, drug2);
    expect(r).toMatchObject({ statistic: 45, n: 9, exact: false });
    expect(r.p).toBeCloseTo(0.009091, 6);
    // Swapping the arms mirrors V (R: V = 0) and keeps p.
    const swapped = signedRankTest(drug2, drug1);
    expect(swapped.statistic).toBe(0);
    expect(swapped.p).toBeCloseTo(r.p, 12);
  });

  it("signedRankTest is exact without ties or zeros (R's ?wilcox.test example)", () => {
    const r = signedRankTest(y, x);
    expect(r).toMatchObject({ statistic: 40, n: 9, exact: true });
    expect(r.p).toBeCloseTo(0.0390625, 10); // 2 x 10 / 512
  });

  it('counts wins, ties and losses per case', () => {
    expect(winTieLoss(drug1, drug2)).toEqual({ wins: 9, ties: 1, losses: 0 });
    expect(winTieLoss([1, 2, 3], [1.05, 1, 4], 0.1)).toEqual({ wins: 1, ties: 1, losses: 1 });
  });

  it('refuses samples that cannot be paired, naming the problem', () => {
    expect(() => pairedTTest([1, 2], [1])).toThrow(/control has 2 values and treatment 1/);
    expect(() => signedRankTest([1, Number.NaN], [1, 2])).toThrow(/pair 1 is not two finite numbers/);
    expect(pairedTTest([1], [2])).toMatchObject({ diff: 1, n: 1, p: Number.NaN });
    expect(pairedTTest([1, 2, 3], [2, 3, 4])).toMatchObject({ diff: 1, p: 0, ci: [1, 1] });
  });
});
