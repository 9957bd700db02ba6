import { normalCdf, normalPdf, requiredSampleSize, welchTTest, type Interval, type SampleSummary } from '@aiflags/metrics';

/** The arm of a multi-arm test that is best on the primary metric, with its evidence. */
export interface Winner {
  variant: string;
  /** true when the control itself is best: keep it, end the test. */
  isControl: boolean;
  /** The primary metric (quality, higher is better). */
  metric: 'quality';
  mean: number;
  runnerUp: string;
  runnerUpMean: number;
  /** Winner − runner-up, with its fixed-horizon (1 − alpha) interval and two-sided p (Welch). */
  diff: number;
  ci: Interval;
  p: number;
  /** Probability that this arm has the highest mean, from the normal approximation of each arm's mean. */
  probabilityBest: number;
}

/** Why no arm wins yet, and how many quality scores per arm would settle it. */
export interface NoWinner {
  why: 'no-candidate' | 'no-scores' | 'not-significant';
  /** The leading arm and the runner-up, when there are two to compare. */
  leader?: Omit<Winner, 'isControl' | 'metric'>;
  /** Quality scores the two leading arms have (the fewer of the two). */
  scoresPerArm?: number;
  /** Set when there are scores enough to detect the quality margin: the arms are within it of each other. */
  withinMargin?: number;
  /** Quality scores each of the two leading arms needs in all (80 % power at alpha), when it can be estimated. */
  scoresNeededPerArm?: number;
  /** The difference those scores detect: the quality margin, or the observed difference once within it. */
  detectable?: number;
}

export interface Arm {
  variant: string;
  quality: SampleSummary | undefined;
}

/**
 * P(arm `best` has the highest true mean), each arm's mean taken as normal with its standard error:
 * ∫ φ_b(x) ∏_{j≠b} Φ((x − μ_j)/σ_j) dx, by Simpson's rule over μ_b ± 10σ_b. With two arms it equals
 * Φ((μ_b − μ_j)/√(σ_b² + σ_j²)), which the tests check it against.
 */
export function probabilityBest(arms: readonly SampleSummary[], best: number): number {
  const se = arms.map((a) => a.sd / Math.sqrt(a.n));
  const mb = arms[best]!.mean;
  const sb = se[best]!;
  if (!(sb > 0)) {
    // A point mass: best when it beats every other arm's distribution at that point.
    let p = 1;
    for (let j = 0; j < arms.length; j++) if (j !== best) p *= se[j]! > 0 ? normalCdf((mb - arms[j]!.mean) / se[j]!) : mb > arms[j]!.mean ? 1 : 0;
    return p;
  }
  const steps = 4000;
  const lo = mb - 10 * sb;
  const h = (20 * sb) / steps;
  let total = 0;
  for (let i = 0; i <= steps; i++) {
    const x = lo + i * h;
    let f = normalPdf((x - mb) / sb) / sb;
    for (let j = 0; j < arms.length && f > 0; j++) {
      if (j === best) continue;
      f *= se[j]! > 0 ? normalCdf((x - arms[j]!.mean) / se[j]!) : x > arms[j]!.mean ? 1 : 0;
    }
    total += f * (i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2);
  }
  return Math.min(1, Math.max(0, (total * h) / 3));
}

/**
 * The best of `candidates` (the control and the arms that pass every guardrail) on quality. It wins when
 * its difference to the runner-up is significant at `alpha`; otherwise the answer names the leader among
 * the candidates (or, when no arm passes yet, among the `contenders`: every arm not dropped) and how many
 * scores per arm would tell the two leading arms apart.
 */
export function pickWinner(
  candidates: readonly Arm[],
  contenders: readonly Arm[],
  control: string,
  alpha: number,
  margin: number,
): { winner?: Winner; noWinner?: NoWinner } {
  // No arm passes yet: rank every arm still in the test, to say who leads and what it would take.
  const noCandidate = candidates.every((a) => a.variant === control);
  const pool = noCandidate ? contenders : candidates;
  const scored = pool.filter((a): a is Arm & { quality: SampleSummary } => a.quality !== undefined && a.quality.n >= 2);
  if (scored.length < 2) return { noWinner: { why: noCandidate ? 'no-candidate' : 'no-scores' } };
  const ranked = [...scored].sort((a, b) => b.quality.mean - a.quality.mean);
  const best = ranked[0]!;
  const runnerUp = ranked[1]!;
  const w = welchTTest(runnerUp.quality, best.quality, { alpha });
  const leader = {
    variant: best.variant,
    mean: best.quality.mean,
    runnerUp: runnerUp.variant,
    runnerUpMean: runnerUp.quality.mean,
    diff: w.diff,
    ci: w.ci,
    p: w.p,
    probabilityBest: probabilityBest(
      ranked.map((a) => a.quality),
      0,
    ),
  };
  if (!noCandidate && w.ci[0] > 0) return { winner: { ...leader, isControl: best.variant === control, metric: 'quality' } };
  const noWinner: NoWinner = { why: noCandidate ? 'no-candidate' : 'not-significant', leader, scoresPerArm: Math.min(best.quality.n, runnerUp.quality.n) };
  const sd = Math.sqrt((best.quality.sd ** 2 + runnerUp.quality.sd ** 2) / 2);
  const needed = (mde: number) => (sd > 0 && mde > 0 && Number.isFinite(mde) ? requiredSampleSize({ sd, mde, alpha }) : undefined);
  // First the margin, the smallest difference that matters; once there are scores enough for it, the arms
  // are within the margin of each other, and what remains is the observed difference itself.
  const forMargin = needed(margin);
  if (forMargin !== undefined && forMargin > noWinner.scoresPerArm!) {
    noWinner.scoresNeededPerArm = forMargin;
    noWinner.detectable = margin;
  } else {
    noWinner.withinMargin = margin;
    const forObserved = needed(Math.abs(w.diff));
    if (forObserved !== undefined) {
      noWinner.scoresNeededPerArm = forObserved;
      noWinner.detectable = Math.abs(w.diff);
    }
  }
  return { noWinner };
}
