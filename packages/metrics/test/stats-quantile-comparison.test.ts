import { describe, expect, it } from 'vitest';
import { seededRandom } from '@aiflags/testing';
import { createLatencySketch } from '../src/index.js';
import { compareQuantiles, quantileInterval, type QuantileSketch } from '../src/index.js';

/** All values kept and sorted, read at ranks the way DDSketch reads them: exact order statistics. */
function exactSketch(values: number[]): QuantileSketch {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, getValueAtQuantile: (q) => sorted[Math.floor(q * (sorted.length - 1) + 1e-9)]! };
}

function latencySketch(values: number[]) {
  const s = createLatencySketch();
  for (const v of values) s.accept(v);
  return s;
}

/** Exponential latencies (ms) with the given mean; true p95 = −mean · ln 0.05. */
function exponential(rnd: () => number, n: number, mean: number): number[] {
  return Array.from({ length: n }, () => -mean * Math.log(1 - rnd()));
}

describe('quantileInterval (order statistics)', () => {
  it('n = 20, median, 95 %: [X(6), X(15)], the textbook sign-test interval (binomial tables, e.g. Conover 1999 Table A3: P(B ≤ 5) = 0.0207 for Bin(20, ½), coverage 0.9586)', () => {
    const values = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(quantileInterval(exactSketch(values), 0.5, 0.05, 0)).toEqual([6, 15]);
  });

  it('is unbounded above while too few values exist to bound a p95', () => {
    const ci = quantileInterval(exactSketch([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 0.95, 0.05, 0);
    expect(ci[1]).toBe(Infinity);
  });

  it('covers the true p95 of exponential latencies in at least 95 % of 400 seeded samples of 300', () => {
    const rnd = seededRandom(5);
    const truth = -100 * Math.log(0.05);
    let covered = 0;
    for (let run = 0; run < 400; run++) {
      const [lo, hi] = quantileInterval(latencySketch(exponential(rnd, 300, 100)), 0.95, 0.05);
      if (lo <= truth && truth <= hi) covered++;
    }
    expect(covered / 400).toBeGreaterThanOrEqual(0.95);
  });
});

describe('compareQuantiles (p95 delta from two DDSketches)', () => {
  it('A/A: the interval of the p95 delta contains 0 in at least 95 % of 300 seeded runs', () => {
    const rnd = seededRandom(6);
    let contains = 0;
    for (let run = 0; run < 300; run++) {
      const r = compareQuantiles(latencySketch(exponential(rnd, 500, 200)), latencySketch(exponential(rnd, 500, 200)));
      if (r.ci[0] <= 0 && r.ci[1] >= 0) contains++;
      expect(r.p > 0.05).toBe(r.ci[0] <= 0 && r.ci[1] >= 0);
    }
    expect(contains / 300).toBeGreaterThanOrEqual(0.95);
  });

  it('finds a 50 % slower p95 with 5,000 requests per group, and reports the delta in ms', () => {
    const rnd = seededRandom(7);
    const r = compareQuantiles(latencySketch(exponential(rnd, 5000, 200)), latencySketch(exponential(rnd, 5000, 300)));
    const trueDelta = -100 * Math.log(0.05);
    expect(Math.abs(r.diff - trueDelta) / trueDelta).toBeLessThan(0.15);
    expect(r.ci[0]).toBeGreaterThan(0);
    expect(r.ci[0]).toBeLessThan(trueDelta);
    expect(r.ci[1]).toBeGreaterThan(trueDelta);
    expect(r.p).toBeLessThan(0.001);
    expect(r.treatmentCi[0]).toBeGreaterThan(r.controlCi[1]);
  });

  it('empty groups give an unbounded interval and p = 1', () => {
    const r = compareQuantiles(createLatencySketch(), latencySketch([1, 2, 3]));
    expect(r.ci).toEqual([-Infinity, Infinity]);
    expect(r.p).toBe(1);
    expect(r.diff).toBeNaN();
  });
});
