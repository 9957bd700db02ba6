import { describe, expect, it } from 'vitest';
import { binomialCdf, binomialQuantile, chiSquareSurvival, normalCdf, normalQuantile, tCdf, tQuantile } from '../src/index.js';

// Reference values: the printed tables of the NIST/SEMATECH e-Handbook of Statistical Methods §1.3.6.7
// (3 decimals; tolerance half a unit in the last digit), and full-precision values from an independent
// implementation, scipy 1.17.1 (Cephes/Boost: norm, t, chi2, binom), with the relative tolerance in each title.
describe('normal distribution', () => {
  it.each([
    [0.975, 1.959963984540054],
    [0.995, 2.5758293035489],
    [0.5, 0],
    [0.025, -1.959963984540054],
    [1e-10, -6.361340902404056],
  ])('qnorm(%d) = %d (scipy, relative 1e-12)', (p, z) => {
    expect(normalQuantile(p)).toBeCloseTo(z, 11);
  });

  it.each([
    [1.96, 0.9750021048517795],
    [0, 0.5],
    [-3, 0.0013498980316301],
    [-10, 7.619853024160527e-24],
  ])('pnorm(%d) = %d (scipy, relative 1e-12)', (z, p) => {
    expect(Math.abs(normalCdf(z) - p) / p).toBeLessThan(1e-12);
  });

  it('quantile inverts the CDF across the range', () => {
    for (const p of [1e-300, 1e-20, 1e-5, 0.01, 0.3, 0.7, 0.99, 1 - 1e-12]) {
      expect(Math.abs(normalCdf(normalQuantile(p)) - p) / Math.min(p, 1 - p)).toBeLessThan(1e-9);
    }
  });
});

describe('Student t distribution', () => {
  // NIST e-Handbook table 1.3.6.7.2, upper critical values of t (3 decimals, tolerance 5e-4).
  it.each([
    [1, 0.975, 12.706],
    [3, 0.995, 5.841],
    [10, 0.975, 2.228],
    [30, 0.95, 1.697],
    [100, 0.975, 1.984],
  ])('df %i: qt(%d) = %d (NIST table)', (df, p, t) => {
    expect(Math.abs(tQuantile(p, df) - t)).toBeLessThan(5e-4);
  });

  it.each([
    [10, 0.975, 2.228138851986274],
    [17.776, 0.975, 2.102821310380221],
    [3, 0.999, 10.21453185240738],
    [1e6, 0.025, -1.959966356814107],
  ])('df %d: qt(%d) = %d (scipy, relative 1e-9)', (df, p, t) => {
    expect(Math.abs(tQuantile(p, df) - t) / Math.abs(t)).toBeLessThan(1e-9);
  });

  it.each([
    [-1.8608, 17.776, 0.03969828906988993],
    [2, 5, 0.9490302605850709],
    [-40, 3, 1.7190340394579253e-5],
  ])('pt(%d, %d) = %d (scipy, relative 1e-10)', (t, df, p) => {
    expect(Math.abs(tCdf(t, df) - p) / p).toBeLessThan(1e-10);
  });
});

describe('chi-square survival', () => {
  // NIST e-Handbook table 1.3.6.7.4: upper-tail critical values (3 decimals): P(X > c) = alpha.
  it.each([
    [1, 3.841, 0.05],
    [1, 10.828, 0.001],
    [5, 11.07, 0.05],
    [3, 16.266, 0.001],
  ])('df %i: P(X > %d) = %d (NIST table, tolerance from the 3-decimal rounding)', (df, c, alpha) => {
    expect(Math.abs(chiSquareSurvival(c, df) - alpha) / alpha).toBeLessThan(2e-3);
  });

  it('keeps relative precision far in the tail: pchisq(100, 1, lower = FALSE) = 1.523970604832e-23 (scipy)', () => {
    expect(Math.abs(chiSquareSurvival(100, 1) - 1.523970604832e-23) / 1.523970604832e-23).toBeLessThan(1e-10);
  });
});

describe('binomial distribution', () => {
  it.each([
    [0.025, 1000, 0.95, 936],
    [0.975, 1000, 0.95, 963],
    [0.5, 10, 0.5, 5],
  ])('qbinom(%d, %i, %d) = %i (scipy)', (prob, n, p, k) => {
    expect(binomialQuantile(prob, n, p)).toBe(k);
  });

  it('pbinom(940, 1000, 0.95) = 0.0867321783848 (scipy, relative 1e-9)', () => {
    expect(Math.abs(binomialCdf(940, 1000, 0.95) - 0.0867321783848618) / 0.0867321783848618).toBeLessThan(1e-9);
  });
});
