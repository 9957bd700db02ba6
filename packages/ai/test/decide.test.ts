import { describe, expect, it } from 'vitest';
import { decide, type ImpactReport, type MetricDelta, type TreatmentImpact } from '../src/index.js';

function delta(
  metric: MetricDelta['metric'],
  control: number,
  treatment: number,
  ci: [number, number],
  p: number,
  seq?: [number, number],
  n = 500,
): MetricDelta {
  const diff = treatment - control;
  return {
    metric,
    control,
    treatment,
    diff,
    relative: control ? diff / control : undefined,
    ci,
    p,
    pAdjusted: p,
    sequentialCi: seq ?? [ci[0] * 2, ci[1] * 2],
    n: [n, n],
  };
}

const size = (units: number) => ({ exposures: units, units, outcomes: units });

/** A treatment equal to control on every metric, with 500 units per group. */
function equalTreatment(): TreatmentImpact {
  return {
    variant: 'treatment',
    n: { control: size(500), treatment: size(500) },
    quality: delta('quality', 4, 4.01, [-0.1, 0.12], 0.85),
    latencyP95: delta('latencyP95', 1200, 1220, [-80, 120], 0.6),
    latencyMean: delta('latencyMean', 800, 805, [-20, 30], 0.7),
    cost: delta('cost', 0.002, 0.00205, [-0.0001, 0.0002], 0.4),
    errorRate: delta('errorRate', 0.02, 0.021, [-0.01, 0.012], 0.8),
  };
}

function report(t: TreatmentImpact, srmP = 0.5): ImpactReport {
  return {
    flagKey: 'chat-model',
    control: 'control',
    range: {},
    alpha: 0.05,
    variants: [],
    treatments: [t],
    srm: { basis: 'units', variants: ['control', 'treatment'], observed: [500, 500], expected: [0.5, 0.5], chi2: 0, df: 1, p: srmP, mismatch: srmP < 0.001 },
  };
}

describe('decide', () => {
  it('promotes when every criterion is met, saying why', () => {
    const v = decide(report(equalTreatment()));
    expect(v.decision).toBe('promote');
    expect(v.reasons).toEqual([
      'quality +0.01 (95 % CI −0.1 to 0.12, p = 0.850): not worse than control by more than 0.2',
      'p95 latency 1220 ms vs 1200 ms (+1.67 %, 95 % CI −80 to 120 ms): within +10 %',
      'cost per request $0.00205 vs $0.00200 (+2.5 %, p = 0.400): within +20 %',
      'error rate 2.1 % vs 2 % (+0.1 points, 95 % CI −1 to 1.2 points, p = 0.800): not higher than control',
    ]);
  });

  it.each<[string, 'continue' | 'rollback', (t: TreatmentImpact) => void, RegExp]>([
    ['too few units', 'continue', (t) => (t.n.treatment = size(80)), /^sample size: 500 control and 80 treatment units, need 100 per group$/],
    [
      'quality CI reaching below the margin',
      'continue',
      (t) => (t.quality = delta('quality', 4, 3.9, [-0.3, 0.1], 0.2, [-0.6, 0.4])),
      /cannot yet rule out a drop of more than 0.2/,
    ],
    [
      'quality significantly worse (sequential)',
      'rollback',
      (t) => (t.quality = delta('quality', 4, 3.69, [-0.45, -0.17], 0.0001, [-0.5, -0.1])),
      /^quality −0.31 \(95 % CI −0.45 to −0.17, p < 0.001\): worse than control$/,
    ],
    [
      'quality worse at fixed horizon only',
      'continue',
      (t) => (t.quality = delta('quality', 4, 3.85, [-0.28, -0.02], 0.03, [-0.4, 0.1])),
      /cannot yet rule out/,
    ],
    [
      'p95 latency over budget',
      'continue',
      (t) => (t.latencyP95 = delta('latencyP95', 1000, 1150, [50, 250], 0.01)),
      /p95 latency 1150 ms vs 1000 ms \(\+15 %.*above the \+10 % budget/,
    ],
    [
      'mean latency significantly over budget',
      'rollback',
      (t) => (t.latencyMean = delta('latencyMean', 800, 1000, [150, 250], 0.0001, [120, 280])),
      /mean latency \+200 ms \(\+25 %.*more than 10 % slower than control/,
    ],
    [
      'cost over budget',
      'continue',
      (t) => (t.cost = delta('cost', 0.002, 0.0025, [0.0001, 0.0009], 0.01, [-0.0001, 0.0011])),
      /cost per request .*\+25 %.*above the \+20 % budget/,
    ],
    [
      'cost significantly over budget',
      'rollback',
      (t) => (t.cost = delta('cost', 0.002, 0.004, [0.0018, 0.0022], 0.0001, [0.0015, 0.0025])),
      /significantly above the \+20 % budget/,
    ],
    [
      'error rate up at fixed horizon',
      'continue',
      (t) => (t.errorRate = delta('errorRate', 0.02, 0.035, [0.002, 0.028], 0.02, [-0.01, 0.04])),
      /error rate 3.5 % vs 2 % .*: higher than control/,
    ],
    [
      'error rate up sequentially',
      'rollback',
      (t) => (t.errorRate = delta('errorRate', 0.02, 0.06, [0.02, 0.06], 0.0001, [0.01, 0.07])),
      /: more errors than control$/,
    ],
    ['no quality scores', 'continue', (t) => delete t.quality, /^quality: no scores recorded/],
    [
      'a regression with too few observations to trust',
      'continue',
      (t) => (t.quality = delta('quality', 4, 3, [-1.5, -0.5], 0.001, [-1.8, -0.2], 10)),
      /cannot yet rule out/,
    ],
  ])('%s → %s', (_label, decision, change, reason) => {
    const t = equalTreatment();
    change(t);
    const v = decide(report(t));
    expect(v.decision).toBe(decision);
    expect(
      v.reasons.some((r) => reason.test(r)),
      v.reasons.join('\n'),
    ).toBe(true);
  });

  it('a sample ratio mismatch blocks promotion even when every metric passes', () => {
    const v = decide(report(equalTreatment(), 1e-6));
    expect(v.decision).toBe('continue');
    expect(v.reasons[0]).toMatch(/^sample ratio mismatch \(control 50 % \(expected 50 %\), treatment 50 % \(expected 50 %\), p < 0.001\)/);
  });

  it('criteria are configurable', () => {
    const t = equalTreatment();
    t.latencyP95 = delta('latencyP95', 1000, 1150, [50, 250], 0.01);
    expect(decide(report(t), { maxLatencyIncrease: 0.2 }).decision).toBe('promote');
    delete t.quality;
    expect(decide(report(t), { maxLatencyIncrease: 0.2, requireQuality: false }).decision).toBe('promote');
  });

  it('with several treatments: a regressing arm is dropped, not the whole test; reasons name the variant', () => {
    const good = equalTreatment();
    const bad = { ...equalTreatment(), variant: 'treatment-b', quality: delta('quality', 4, 3.5, [-0.7, -0.3], 0.0001, [-0.8, -0.2]) };
    const r = { ...report(good), treatments: [good, bad] };
    const v = decide(r);
    // No quality scores per variant in this report: nothing to rank, so no winner yet.
    expect(v.decision).toBe('continue');
    expect(v.dropped).toEqual(['treatment-b']);
    expect(v.reasons[0]).toMatch(/^treatment-b: drop — quality −0.5/);
    expect(v.reasons[1]).toBe('no winner yet: not enough quality scores to rank the arms');
    expect(v.treatments.map((x) => x.decision)).toEqual(['promote', 'drop']);
    // Every arm regressing rolls the test back to control.
    expect(decide({ ...r, treatments: [bad, { ...bad, variant: 'treatment-c' }] }).decision).toBe('rollback');
  });
});

/** The verdict's wording, exactly, for each case a person meets (issue #20). */
describe('verdict wording', () => {
  const variantRow = (variant: string, n: number, mean: number, sd: number) => ({
    variant,
    size: size(n),
    qualityMean: mean,
    qualityScores: { n, mean, sd },
    inputTokens: 0,
    outputTokens: 0,
    feedbackPositive: 0,
    feedbackNegative: 0,
  });
  const arm = (variant: string, quality: MetricDelta): TreatmentImpact => ({ ...equalTreatment(), variant, quality });
  const threeArms = (rows: ReturnType<typeof variantRow>[], arms: TreatmentImpact[]): ImpactReport => ({
    ...report(arms[0]!),
    variants: rows,
    treatments: arms,
  });

  it('a winner, with its lead over the runner-up and its probability of being best', () => {
    const r = threeArms(
      [variantRow('control', 500, 4, 1), variantRow('concise', 500, 4.01, 1), variantRow('expert', 500, 4.4, 1)],
      [arm('concise', delta('quality', 4, 4.01, [-0.1, 0.12], 0.85)), arm('expert', delta('quality', 4, 4.4, [0.28, 0.52], 0.0001))],
    );
    const v = decide(r);
    expect(v.decision).toBe('promote');
    expect(v.reasons[0]).toBe("winner: 'expert', quality 4.4 vs 4.01 for 'concise' (+0.39, 95 % CI 0.266 to 0.514, p < 0.001), probability best 100 %");
    expect(v.reasons[1]).toBe('expert: quality +0.4 (95 % CI 0.28 to 0.52, p < 0.001): better than control');
  });

  // P(best) 59.4 %: a Monte Carlo of the same three normal means (400,000 draws) gives 0.594.
  it('no winner yet: who leads, and the scores that would settle it', () => {
    const r = threeArms(
      [variantRow('control', 150, 4, 1), variantRow('concise', 150, 4.05, 1), variantRow('expert', 150, 4.1, 1)],
      [arm('concise', delta('quality', 4, 4.05, [-0.17, 0.27], 0.65)), arm('expert', delta('quality', 4, 4.1, [-0.12, 0.32], 0.38))],
    );
    const v = decide(r);
    expect(v.decision).toBe('continue');
    expect(v.reasons[0]).toBe(
      "no winner yet: 'expert' leads 'concise' on quality by 0.05 (95 % CI −0.177 to 0.277, p = 0.665), probability best 59.4 %; telling a difference of 0.2 apart takes about 394 quality scores per arm (244 more)",
    );
  });

  it('every arm dropped: keep control', () => {
    const bad = delta('quality', 4, 3.5, [-0.7, -0.3], 0.0001, [-0.8, -0.2]);
    const v = decide(threeArms([], [arm('concise', bad), arm('expert', bad)]));
    expect(v.reasons).toEqual([
      "every arm is dropped: keep control 'control' and end the test",
      'concise: drop — quality −0.5 (95 % CI −0.7 to −0.3, p < 0.001): worse than control',
      'expert: drop — quality −0.5 (95 % CI −0.7 to −0.3, p < 0.001): worse than control',
    ]);
  });

  it('a metric significantly worse that is not a rollback yet says why', () => {
    const t = equalTreatment();
    t.quality = delta('quality', 4, 3.7, [-0.5, -0.1], 0.004, [-0.62, 0.02]);
    expect(decide(report(t)).reasons[0]).toBe(
      'quality −0.3 (95 % CI −0.5 to −0.1, p = 0.004): cannot yet rule out a drop of more than 0.2; not a rollback yet: the always-valid interval a rollback needs (−0.62 to 0.02) does not yet exclude it',
    );
  });

  it('an interval end that is zero up to rounding prints 0; cost pairs share their decimals', () => {
    const t = equalTreatment();
    t.quality = delta('quality', 4, 4.2, [-1.42e-14, 0.4], 0.05);
    t.cost = delta('cost', 0.0012, 0.00125, [-0.0001, 0.0002], 0.4);
    const reasons = decide(report(t)).reasons;
    expect(reasons[0]).toBe('quality +0.2 (95 % CI 0 to 0.4, p = 0.050): not worse than control by more than 0.2');
    expect(reasons[2]).toBe('cost per request $0.00125 vs $0.00120 (+4.17 %, p = 0.400): within +20 %');
  });
});
