import { describe, expect, it } from 'vitest';
import {
  holmCorrection,
  meanInterval,
  proportionSummary,
  requiredSampleSize,
  srmTest,
  twoProportionZTest,
  welchTTest,
  wilsonInterval,
  type SampleSummary,
} from '../src/index.js';
import { HLL_RELATIVE_ERROR, HyperLogLog } from '../src/index.js';
import { seededRandom } from '@aiflags/testing';

function summarize(xs: number[]): SampleSummary {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  return { n, mean, sd: Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1)) };
}

// R's built-in `sleep` data set (Cushny & Peebles 1905): extra hours of sleep under two drugs.
const sleep1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const sleep2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

describe('welchTTest', () => {
  it("matches R t.test(extra ~ group, data = sleep), the Welch example of R's documentation", () => {
    // R prints: t = -1.8608, df = 17.776, p-value = 0.07939, 95 percent CI -3.3654832 0.2054832
    // (group 1 − group 2). Tolerance: half a unit in the last printed digit.
    const r = welchTTest(summarize(sleep2), summarize(sleep1));
    expect(Math.abs(r.t - -1.8608)).toBeLessThan(5e-5);
    expect(Math.abs(r.df - 17.776)).toBeLessThan(5e-4);
    expect(Math.abs(r.p - 0.07939)).toBeLessThan(5e-6);
    expect(Math.abs(r.ci[0] - -3.3654832)).toBeLessThan(5e-8);
    expect(Math.abs(r.ci[1] - 0.2054832)).toBeLessThan(5e-8);
    expect(r.diff).toBeCloseTo(0.75 - 2.33, 12);
  });

  it('DESIGN example: (115, 3.8, 1.1) vs (120, 4.1, 0.9)', () => {
    // scipy 1.17 ttest_ind_from_stats(4.1, 0.9, 120, 3.8, 1.1, 115, equal_var=False):
    // t = 2.28272302697302, p = 0.023400770095898058; df by the Welch–Satterthwaite formula = 220.3210524829623.
    // Tolerance: relative 1e-10.
    const r = welchTTest({ n: 115, mean: 3.8, sd: 1.1 }, { n: 120, mean: 4.1, sd: 0.9 });
    expect(r.diff).toBeCloseTo(0.3, 12);
    expect(r.t).toBeCloseTo(2.28272302697302, 10);
    expect(r.df).toBeCloseTo(220.3210524829623, 8);
    expect(r.p).toBeCloseTo(0.023400770095898058, 10);
    expect(r.ci[0]).toBeLessThan(r.diff);
    expect(r.ci[1]).toBeGreaterThan(r.diff);
    expect(r.ci[0]).toBeGreaterThan(0); // p < 0.05 ⇔ the 95 % interval excludes 0
  });

  it('is not enough data below two per group, and exact for constant groups', () => {
    expect(welchTTest({ n: 1, mean: 1, sd: 0 }, { n: 10, mean: 2, sd: 1 }).p).toBeNaN();
    expect(welchTTest({ n: 5, mean: 1, sd: 0 }, { n: 5, mean: 1, sd: 0 })).toMatchObject({ t: 0, p: 1, ci: [0, 0] });
  });

  it('names the bad argument', () => {
    expect(() => welchTTest({ n: 10, mean: 1, sd: -1 }, { n: 10, mean: 1, sd: 1 })).toThrow(/welchTTest: control.sd/);
    expect(() => welchTTest({ n: 10, mean: 1, sd: 1 }, { n: 10, mean: 1, sd: 1 }, { alpha: 5 })).toThrow(/alpha/);
  });
});

describe('twoProportionZTest', () => {
  it('matches R prop.test(..., correct = FALSE) as published by influentialpoints.com (94/214 vs 39/128)', () => {
    // "2-sample test for equality of proportions without continuity correction: X-squared = 6.1026,
    // df = 1, p-value = 0.01350, 95 percent CI 0.03074072 0.23838896, prop 1 0.4392523, prop 2 0.3046875".
    // R's X-squared is z² of the pooled test and its interval is the unpooled Wald interval.
    // Tolerance: half a unit in the last printed digit.
    const r = twoProportionZTest({ n: 128, events: 39 }, { n: 214, events: 94 });
    expect(Math.abs(r.z * r.z - 6.1026)).toBeLessThan(5e-5);
    expect(Math.abs(r.p - 0.0135)).toBeLessThan(5e-6);
    expect(Math.abs(r.waldCi[0] - 0.03074072)).toBeLessThan(5e-9);
    expect(Math.abs(r.waldCi[1] - 0.23838896)).toBeLessThan(5e-9);
    expect(r.treatmentRate).toBeCloseTo(0.4392523, 7);
  });

  it('DESIGN example: 12/400 vs 25/410', () => {
    // By hand from the pooled formula (checked with scipy 1.17 norm.sf): z = 2.111026517536527,
    // p = 0.03477003265785607. Tolerance: relative 1e-10.
    const r = twoProportionZTest({ n: 400, events: 12 }, { n: 410, events: 25 });
    expect(r.diff).toBeCloseTo(25 / 410 - 12 / 400, 14);
    expect(r.z).toBeCloseTo(2.111026517536527, 10);
    expect(r.p).toBeCloseTo(0.03477003265785607, 10);
    expect(r.ci[0]).toBeGreaterThan(0);
  });

  // Newcombe RG (1998), "Interval estimation for the difference between independent proportions:
  // comparison of eleven methods", Stat Med 17:873-890, Table II, method 10 (score, no continuity
  // correction), 95 %. Arguments are (treatment m/n, control m/n) as diff = treatment − control.
  // Tolerance: half a unit in the fourth printed decimal.
  it.each([
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [6, 7, 2, 7, 0.0582, 0.8062],
    [5, 56, 0, 29, -0.0381, 0.1926],
  ])("ci is Newcombe's score interval: %d/%d − %d/%d → [%d, %d]", (et, nt, ec, nc, lo, hi) => {
    const r = twoProportionZTest({ n: nc, events: ec }, { n: nt, events: et });
    expect(Math.abs(r.ci[0] - lo)).toBeLessThan(5e-5);
    expect(Math.abs(r.ci[1] - hi)).toBeLessThan(5e-5);
  });

  it('zero events in the treatment group still gives an interval that covers the difference honestly', () => {
    // Wald's interval collapses to the control's variance alone; the score interval does not.
    const r = twoProportionZTest({ n: 3948, events: 46 }, { n: 52, events: 0 });
    // 0/52 has a Wilson upper bound of z²/(52 + z²) = 0.0688, so the difference may be as high as ~+5.7 points.
    expect(r.ci[0]).toBeLessThan(r.diff);
    expect(r.ci[1]).toBeGreaterThan(0.05);
    expect(r.waldCi[1]).toBeLessThan(0);
  });

  it('all-zero groups are identical, not an error', () => {
    expect(twoProportionZTest({ n: 100, events: 0 }, { n: 100, events: 0 })).toMatchObject({ diff: 0, z: 0, p: 1 });
    expect(() => twoProportionZTest({ n: 10, events: 11 }, { n: 10, events: 1 })).toThrow(/control.events/);
  });
});

describe('srmTest', () => {
  // scipy.stats.chisquare documentation examples. Tolerance: relative 1e-12.
  it.each([
    [[16, 18, 16, 14, 12, 12], [1, 1, 1, 1, 1, 1], 2.0, 0.84914503608460956],
    [[16, 18, 16, 14, 12, 12], [16, 16, 16, 16, 16, 8], 3.5, 0.62338762774958223],
  ])('scipy chisquare(%j, f_exp ∝ %j): chi2 %d, p %d', (obs, ratios, chi2, p) => {
    const r = srmTest(obs, ratios);
    expect(r.chi2).toBeCloseTo(chi2, 12);
    expect(r.df).toBe(obs.length - 1);
    expect(Math.abs(r.p - p) / p).toBeLessThan(1e-12);
    expect(r.mismatch).toBe(false);
  });

  it('DESIGN example: 5123 / 4877 at 50/50 is p = 0.0139, not a mismatch at 0.001', () => {
    // scipy 1.17 chisquare([5123, 4877]): statistic 6.0516, p 0.013893701577248655. Tolerance: relative 1e-12.
    const r = srmTest([5123, 4877], [0.5, 0.5]);
    expect(r.chi2).toBeCloseTo(6.0516, 12);
    expect(Math.abs(r.p - 0.013893701577248655) / 0.013893701577248655).toBeLessThan(1e-12);
    expect(r).toMatchObject({ df: 1, mismatch: false, expected: [5000, 5000] });
  });

  it('flags a 52/48 split of 10,000 units configured as 50/50', () => {
    const r = srmTest([5200, 4800], [50, 50]);
    expect(r.p).toBeLessThan(0.001);
    expect(r.mismatch).toBe(true);
  });

  it('rejects mismatched lengths', () => {
    expect(() => srmTest([1, 2, 3], [0.5, 0.5])).toThrow(/srmTest/);
  });
});

describe('confidence intervals', () => {
  it('t interval matches R t.test(sleep$extra): 95 % CI 0.5955845 2.4844155', () => {
    // Tolerance: half a unit in the 7th decimal printed by R.
    const r = meanInterval(summarize([...sleep1, ...sleep2]));
    expect(r.df).toBe(19);
    expect(Math.abs(r.ci[0] - 0.5955845)).toBeLessThan(5e-8);
    expect(Math.abs(r.ci[1] - 2.4844155)).toBeLessThan(5e-8);
  });

  // Newcombe (1998), "Two-sided confidence intervals for the single proportion", Statistics in
  // Medicine 17:857-872, Table II, method 3 (Wilson score, no continuity correction), 4 decimals.
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('Wilson interval for %i/%i is [%d, %d] (Newcombe 1998, tolerance 5e-5)', (events, n, lo, hi) => {
    const r = wilsonInterval({ n, events });
    expect(Math.abs(r.ci[0] - lo)).toBeLessThan(5e-5);
    expect(Math.abs(r.ci[1] - hi)).toBeLessThan(5e-5);
  });

  it('a proportion as a 0/1 sample has the Bernoulli mean and sd', () => {
    const s = proportionSummary({ n: 4, events: 1 });
    expect(s).toEqual(summarize([1, 0, 0, 0]));
  });
});

describe('requiredSampleSize', () => {
  it.each([
    // R power.t.test(power = .90, delta = 1) prints n = 22.02110 (R documentation example); the
    // normal approximation with Guenther's correction may differ from its ceiling by one.
    [{ sd: 1, mde: 1, power: 0.9 }, 23, 1],
    // Cohen (1988), Statistical Power Analysis, Table 2.4.1: d = 0.5, two-sided 0.05, power .80 → 64 per group.
    [{ sd: 1, mde: 0.5 }, 64, 0],
    // Cohen (1988) Table 2.4.1: d = 0.2 → 393 (R power.t.test: 393.4057 → 394).
    [{ sd: 2, mde: 0.4 }, 394, 1],
  ])('means: %j → %i per group (tolerance %i)', (input, n, tol) => {
    expect(Math.abs(requiredSampleSize(input) - n)).toBeLessThanOrEqual(tol);
  });

  it.each([
    // R power.prop.test(p1 = .50, p2 = .75, power = .90): its documentation says "=> n = 76.7", so 77.
    [{ baseline: 0.5, mde: 0.25, power: 0.9 }, 77],
    // The same formula evaluated with scipy 1.17 norm.ppf for a 2 % → 2.5 % error rate at 80 % power: 13,808.92 → 13,809.
    [{ baseline: 0.02, mde: 0.005 }, 13809],
  ])('proportions: %j → %i per group', (input, n) => {
    expect(requiredSampleSize(input)).toBe(n);
  });

  it('rejects an impossible effect', () => {
    expect(() => requiredSampleSize({ baseline: 0.9, mde: 0.2 })).toThrow(/baseline \+ mde/);
  });
});

describe('holmCorrection', () => {
  it('Wikipedia "Holm–Bonferroni method" example: p = 0.01, 0.04, 0.03, 0.005 rejects H1 and H4 at 0.05', () => {
    const r = holmCorrection([0.01, 0.04, 0.03, 0.005]);
    expect(r.rejected).toEqual([true, false, false, true]);
    // R p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") = 0.03 0.06 0.06 0.02
    r.adjusted.forEach((p, i) => {
      expect(p).toBeCloseTo([0.03, 0.06, 0.06, 0.02][i]!, 14);
    });
  });

  it('caps at 1 and keeps adjusted p monotone in the raw order', () => {
    expect(holmCorrection([0.5, 0.4, 0.9]).adjusted).toEqual([1, 1, 1]);
    expect(holmCorrection([]).adjusted).toEqual([]);
  });
});

describe('srmTest on HyperLogLog unit estimates', () => {
  it('a true 50/50 split of 80,000 units counted by HyperLogLog is not flagged with countRelativeError (30 seeded runs)', () => {
    const rnd = seededRandom(4242);
    let flagged = 0;
    for (let run = 0; run < 30; run++) {
      const groups = [new HyperLogLog(), new HyperLogLog()];
      for (let i = 0; i < 80_000; i++) groups[rnd() < 0.5 ? 0 : 1]!.add(`run${run}-user${i}`);
      if (
        srmTest(
          groups.map((g) => g.estimate()),
          [1, 1],
          { countRelativeError: HLL_RELATIVE_ERROR },
        ).mismatch
      )
        flagged++;
    }
    expect(flagged).toBeLessThanOrEqual(1);
  });

  it('sketch noise of two standard errors at 1,000,000 units is a "mismatch" for exact counts but not for estimates', () => {
    const n = 500_000;
    const observed = [n * (1 + 2 * HLL_RELATIVE_ERROR), n * (1 - 2 * HLL_RELATIVE_ERROR)];
    expect(srmTest(observed, [1, 1]).mismatch).toBe(true);
    expect(srmTest(observed, [1, 1], { countRelativeError: HLL_RELATIVE_ERROR }).mismatch).toBe(false);
  });

  it.each([20_000, 200_000])('still flags a 52/48 split of %i units with the adjustment', (n) => {
    expect(srmTest([0.52 * n, 0.48 * n], [50, 50], { countRelativeError: HLL_RELATIVE_ERROR }).mismatch).toBe(true);
  });
});
