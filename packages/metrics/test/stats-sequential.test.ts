import { describe, expect, it } from 'vitest';
import { seededRandom } from '@aiflags/testing';
import { momentsSummary, type Moments } from '../src/index.js';
import { addToMoments, createMoments } from '../src/aggregates/moments.js';
import { proportionSummary, sequentialTest, welchTTest } from '../src/index.js';

/** Box–Muller standard normal draws from a uniform generator. */
function gaussian(rnd: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
}

interface Simulation {
  runs: number;
  looks: number;
  perLook: number;
  /** Draws one observation of each group from a seeded standard normal generator. */
  draw: (normal: () => number) => [control: number, treatment: number];
}

/** Fraction of runs in which some look rejects, for the sequential interval and for a naive Welch test. */
function simulate(sim: Simulation, seed: number): { sequential: number; naive: number } {
  const normal = gaussian(seededRandom(seed));
  let sequential = 0;
  let naive = 0;
  for (let run = 0; run < sim.runs; run++) {
    const c: Moments = createMoments();
    const t: Moments = createMoments();
    let seqHit = false;
    let naiveHit = false;
    for (let look = 0; look < sim.looks; look++) {
      for (let i = 0; i < sim.perLook; i++) {
        const [x, y] = sim.draw(normal);
        addToMoments(c, x);
        addToMoments(t, y);
      }
      if (sequentialTest(momentsSummary(c), momentsSummary(t)).excludesZero) seqHit = true;
      if (welchTTest(momentsSummary(c), momentsSummary(t)).p < 0.05) naiveHit = true;
    }
    if (seqHit) sequential++;
    if (naiveHit) naive++;
  }
  return { sequential: sequential / sim.runs, naive: naive / sim.runs };
}

describe('sequentialTest (always-valid interval)', () => {
  it('over 1,000 A/A runs checked 20 times each, rejects in at most alpha = 5 % of runs', () => {
    const result = simulate({ runs: 1000, looks: 20, perLook: 50, draw: (g) => [5 + 2 * g(), 5 + 2 * g()] }, 20251125);
    expect(result.sequential).toBeLessThanOrEqual(0.05);
    // The same looks with a fixed-sample Welch test inflate the error well past 5 %: why the gate needs this.
    expect(result.naive).toBeGreaterThan(0.1);
  });

  it('over 1,000 A/A runs of a 5 % error rate checked 20 times, rejects in at most 5 % of runs', () => {
    const rnd = seededRandom(77);
    let rejected = 0;
    for (let run = 0; run < 1000; run++) {
      let nc = 0,
        ec = 0,
        nt = 0,
        et = 0;
      let hit = false;
      for (let look = 0; look < 20; look++) {
        for (let i = 0; i < 100; i++) {
          nc++;
          if (rnd() < 0.05) ec++;
          nt++;
          if (rnd() < 0.05) et++;
        }
        if (sequentialTest(proportionSummary({ n: nc, events: ec }), proportionSummary({ n: nt, events: et })).excludesZero) hit = true;
      }
      if (hit) rejected++;
    }
    expect(rejected / 1000).toBeLessThanOrEqual(0.05);
  });

  it('finds a real difference of 0.3 sd in most runs by 1,000 per group', () => {
    const result = simulate({ runs: 200, looks: 20, perLook: 50, draw: (g) => [g(), 0.3 + g()] }, 99);
    expect(result.sequential).toBeGreaterThan(0.8);
  });

  it('is wider than the fixed-sample interval at the same data, and its p is 1/LR', () => {
    const c = { n: 500, mean: 3.8, sd: 1.1 };
    const t = { n: 500, mean: 4.0, sd: 1.0 };
    const seq = sequentialTest(c, t);
    const fixed = welchTTest(c, t);
    expect(seq.ci[0]).toBeLessThan(fixed.ci[0]);
    expect(seq.ci[1]).toBeGreaterThan(fixed.ci[1]);
    // Interval and p agree: 0 is excluded exactly when 1/LR ≤ alpha.
    expect(seq.excludesZero).toBe(seq.p <= 0.05);
    expect(sequentialTest({ n: 1, mean: 1, sd: 0 }, t)).toMatchObject({ excludesZero: false, p: 1 });
  });
});
