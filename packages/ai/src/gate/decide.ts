import type { ImpactReport, MetricDelta, TreatmentImpact } from '../impact/impact-report.js';
import { fmt, fmtCi, fmtP, fmtPair, pct, signed, signedPct } from './format.js';
import { judgeGuardrails } from './guardrails.js';
import { pickWinner, type NoWinner, type Winner } from './winner.js';

export type Decision = 'promote' | 'continue' | 'rollback';

/** What the gate demands. Fractions, not percent: 0.1 = 10 %. */
export interface GateCriteria {
  /** Non-inferiority margin for quality as a fraction of the control mean (default 0.05): promote needs CI low ≥ −margin. */
  qualityMargin?: number;
  /** The same margin in quality points; overrides `qualityMargin`. */
  qualityMarginAbsolute?: number;
  /** Refuse to promote without quality scores (default true). */
  requireQuality?: boolean;
  /** Largest acceptable p95 latency increase as a fraction (default 0.10); mean latency beyond it, significantly, rolls back. */
  maxLatencyIncrease?: number;
  /** Largest acceptable increase of time to first token (streamed answers) as a fraction, p95 and mean alike (default 0.10). */
  maxTtftIncrease?: number;
  /** Largest acceptable cost-per-request increase as a fraction (default 0.20). */
  maxCostIncrease?: number;
  /** Distinct units each group needs before promotion (default 100). */
  minUnitsPerGroup?: number;
  /** Observations per group before a guardrail may trigger a rollback (default 30: the normal approximation needs some). */
  minObservationsForRollback?: number;
}

export const DEFAULT_GATE_CRITERIA: Required<Omit<GateCriteria, 'qualityMarginAbsolute'>> = {
  qualityMargin: 0.05,
  requireQuality: true,
  maxLatencyIncrease: 0.1,
  maxTtftIncrease: 0.1,
  maxCostIncrease: 0.2,
  minUnitsPerGroup: 100,
  minObservationsForRollback: 30,
};

/** What to do with one arm, against control: keep it for promotion, keep measuring, or take it out. */
export type ArmDecision = 'promote' | 'continue' | 'drop';

export interface TreatmentVerdict {
  variant: string;
  decision: ArmDecision;
  reasons: string[];
}

export interface GateVerdict {
  /** For the flag: promote (the treatment, or the winner of a multi-arm test), continue, or roll back to control. */
  decision: Decision;
  /** Sentences a person can act on; with several treatments each starts with the variant name. */
  reasons: string[];
  treatments: TreatmentVerdict[];
  /** Several treatments: the arms to take out of the test now (their verdict is drop). */
  dropped: string[];
  /** Several treatments: the best arm, when its lead over the runner-up is significant. */
  winner?: Winner;
  /** Several treatments and no winner: why, and how many scores would settle it. */
  noWinner?: NoWinner;
}

/**
 * The promotion gate. Rollback uses the always-valid sequential intervals, so checking after every batch
 * keeps the false-rollback rate at or below the report's alpha; promotion uses the fixed-horizon
 * intervals and every criterion at once.
 *
 * Each arm gets its own verdict against control: drop when it regresses, promote when it passes every
 * criterion, continue otherwise. With one treatment that is the flag's decision (drop = rollback). With
 * several (a prompt A/B/C test), the flag's decision follows the arms: roll back when every arm is dropped;
 * promote the winner, the best on quality among the control and the arms that pass, when its lead over
 * the runner-up is significant (the control winning means: keep it, end the test, a rollback); else
 * continue, with the dropped arms' traffic re-split over the rest and the scores a winner needs.
 */
export function decide(report: ImpactReport, criteria: GateCriteria = {}): GateVerdict {
  const c = { ...DEFAULT_GATE_CRITERIA, ...criteria };
  if (report.treatments.length === 0) {
    return { decision: 'continue', reasons: [`no traffic on any variant other than control '${report.control}' yet`], treatments: [], dropped: [] };
  }
  const verdicts = report.treatments.map((t) => judgeTreatment(report, t, c));
  if (verdicts.length === 1) {
    const only = verdicts[0]!;
    return { decision: only.decision === 'drop' ? 'rollback' : only.decision, reasons: only.reasons, treatments: verdicts, dropped: [] };
  }
  const named = (v: TreatmentVerdict, prefix = '') => v.reasons.map((r) => `${v.variant}: ${prefix}${r}`);
  const dropped = verdicts.filter((v) => v.decision === 'drop');
  const droppedNames = dropped.map((v) => v.variant);
  if (dropped.length === verdicts.length) {
    const keep = `every arm is dropped: keep control '${report.control}' and end the test`;
    return { decision: 'rollback', reasons: [keep, ...verdicts.flatMap((v) => named(v, 'drop — '))], treatments: verdicts, dropped: droppedNames };
  }
  const byVariant = new Map(report.variants.map((v) => [v.variant, v]));
  // The control and the arms that may still win: those passing every criterion, or (to say who leads) every arm not dropped.
  const arms = (keep: (v: TreatmentVerdict) => boolean) =>
    [report.control, ...verdicts.filter(keep).map((v) => v.variant)].map((variant) => ({ variant, quality: byVariant.get(variant)?.qualityScores }));
  const candidates = arms((v) => v.decision === 'promote');
  const contenders = arms((v) => v.decision !== 'drop');
  const margin = qualityMargin(c, byVariant.get(report.control)?.qualityMean ?? 0);
  const { winner, noWinner } = pickWinner(candidates, contenders, report.control, report.alpha, margin);
  const dropReasons = dropped.flatMap((v) => named(v, 'drop — '));
  if (winner) {
    const win = describeWinner(winner, report);
    const passes = winner.isControl ? [] : named(verdicts.find((v) => v.variant === winner.variant)!);
    return {
      decision: winner.isControl ? 'rollback' : 'promote',
      reasons: [win, ...passes, ...dropReasons],
      treatments: verdicts,
      dropped: droppedNames,
      winner,
    };
  }
  const waiting = verdicts.filter((v) => v.decision === 'continue').flatMap((v) => named(v));
  return {
    decision: 'continue',
    reasons: [...dropReasons, describeNoWinner(noWinner!, report), ...waiting],
    treatments: verdicts,
    dropped: droppedNames,
    noWinner: noWinner!,
  };
}

/**
 * The variant a verdict says to serve to everyone: the winner of a multi-arm test, or the one treatment
 * when the gate promotes it (equal or better on quality, every guardrail met); undefined otherwise.
 */
export function promotedVariant(verdict: GateVerdict): string | undefined {
  if (verdict.winner) return verdict.winner.variant;
  if (verdict.treatments.length === 1 && verdict.decision === 'promote') return verdict.treatments[0]!.variant;
  return undefined;
}

function describeWinner(w: Winner, report: ImpactReport): string {
  const evidence = `quality ${fmt(w.mean)} vs ${fmt(w.runnerUpMean)} for '${w.runnerUp}' (${signed(w.diff)}, ${fmtCi(w.ci, report.alpha)}, ${fmtP(w.p)}), probability best ${pct(w.probabilityBest)}`;
  return w.isControl ? `winner: control '${w.variant}': keep it and end the test; ${evidence}` : `winner: '${w.variant}', ${evidence}`;
}

function describeNoWinner(n: NoWinner, report: ImpactReport): string {
  if (n.why === 'no-scores' || !n.leader) return 'no winner yet: not enough quality scores to rank the arms';
  const l = n.leader;
  const head = `no winner yet: ${n.why === 'no-candidate' ? 'no arm passes every criterion yet; ' : ''}'${l.variant}' leads '${l.runnerUp}' on quality by ${fmt(l.diff)} (${fmtCi(l.ci, report.alpha)}, ${fmtP(l.p)}), probability best ${pct(l.probabilityBest)}`;
  const have = n.scoresPerArm ?? 0;
  const within = n.withinMargin !== undefined ? `; with ${have} scores per arm they are within the ${fmt(n.withinMargin)} quality margin of each other` : '';
  if (n.scoresNeededPerArm === undefined || n.detectable === undefined) return `${head}${within}`;
  const more = Math.max(0, n.scoresNeededPerArm - have);
  const what = n.withinMargin !== undefined ? `the observed ${fmt(n.detectable)}` : `a difference of ${fmt(n.detectable)}`;
  return `${head}${within}; telling ${what} apart takes about ${n.scoresNeededPerArm} quality scores per arm (${more} more)`;
}

type Criteria = typeof DEFAULT_GATE_CRITERIA & GateCriteria;

function judgeTreatment(report: ImpactReport, t: TreatmentImpact, c: Criteria): TreatmentVerdict {
  const alpha = report.alpha;
  const regressions: string[] = [];
  const blockers: string[] = [];
  const passes: string[] = [];
  const enough = (d: MetricDelta | undefined): d is MetricDelta => !!d && Math.min(d.n[0], d.n[1]) >= c.minObservationsForRollback;

  // Sample ratio first: when the split is broken, no comparison below can be trusted for promotion.
  const srm = report.srm;
  if (!srm) blockers.push(report.srmNotChecked ? `sample ratio: not checked (${report.srmNotChecked})` : 'sample ratio: only one variant has traffic');
  else if (srm.mismatch) {
    const shares = srm.variants.map((v, i) => `${v} ${pct(srm.observed[i]! / sum(srm.observed))} (expected ${pct(srm.expected[i]!)})`).join(', ');
    blockers.push(`sample ratio mismatch (${shares}, ${fmtP(srm.p)}): assignment or logging is broken; fix it before trusting any result`);
  }

  const units = Math.min(t.n.control.units, t.n.treatment.units);
  if (units < c.minUnitsPerGroup) {
    blockers.push(`sample size: ${t.n.control.units} control and ${t.n.treatment.units} treatment units, need ${c.minUnitsPerGroup} per group`);
  }

  // Quality: rollback when significantly worse; promote when not worse than the margin.
  const q = t.quality;
  if (q) {
    const margin = qualityMargin(c, q.control);
    const head = `quality ${signed(q.diff)} (${fmtCi(q.ci, alpha)}, ${fmtP(q.p)})`;
    if (enough(q) && q.sequentialCi && q.sequentialCi[1] < 0) regressions.push(`${head}: worse than control`);
    else if (q.ci[0] > 0) passes.push(`${head}: better than control`);
    else if (q.ci[0] >= -margin) passes.push(`${head}: not worse than control by more than ${fmt(margin)}`);
    else blockers.push(`${head}: cannot yet rule out a drop of more than ${fmt(margin)}${q.diff < 0 && q.p < alpha ? notYetRollback(q, c) : ''}`);
  } else if (c.requireQuality) blockers.push('quality: no scores recorded for both groups (tracker.record({ quality }))');

  // Latency and time to first token: p95 point estimate for promotion, the mean's sequential interval for rollback.
  judgeTiming('latency', t.latencyMean, t.latencyP95, c.maxLatencyIncrease, enough, { regressions, blockers, passes }, alpha);
  judgeTiming('time to first token', t.ttftMean, t.ttftP95, c.maxTtftIncrease, enough, { regressions, blockers, passes }, alpha);

  // Cost per request.
  const cost = t.cost;
  if (cost) {
    const [costT, costC] = fmtPair(cost.treatment, cost.control);
    const head = `cost per request $${costT} vs $${costC} (${signedPct(cost.relative ?? 0)}, ${fmtP(cost.p)})`;
    if (enough(cost) && cost.sequentialCi && cost.sequentialCi[0] > c.maxCostIncrease * cost.control) {
      regressions.push(`${head}: significantly above the +${pct(c.maxCostIncrease)} budget`);
    } else if ((cost.relative ?? 0) <= c.maxCostIncrease) passes.push(`${head}: within +${pct(c.maxCostIncrease)}`);
    else blockers.push(`${head}: above the +${pct(c.maxCostIncrease)} budget${cost.p < alpha ? notYetRollback(cost, c) : ''}`);
  }

  // Error rate.
  const err = t.errorRate;
  if (err) {
    const head = `error rate ${pct(err.treatment)} vs ${pct(err.control)} (${signed(err.diff * 100)} points, ${fmtCi(err.ci, alpha, 100, ' points')}, ${fmtP(err.p)})`;
    if (enough(err) && err.sequentialCi && err.sequentialCi[0] > 0) regressions.push(`${head}: more errors than control`);
    else if (err.diff > 0 && err.p < alpha) blockers.push(`${head}: higher than control${notYetRollback(err, c)}`);
    else passes.push(`${head}: not higher than control`);
  }

  const guardrails = judgeGuardrails(report, t, c.minObservationsForRollback);
  regressions.push(...guardrails.regressions);
  blockers.push(...guardrails.blockers);
  passes.push(...guardrails.passes);

  if (regressions.length) return { variant: t.variant, decision: 'drop', reasons: regressions };
  if (blockers.length) return { variant: t.variant, decision: 'continue', reasons: [...blockers, ...passes] };
  return { variant: t.variant, decision: 'promote', reasons: passes.length ? passes : ['every criterion met'] };
}

/** A timing metric (ms): rollback when the mean is significantly (always-valid) more than `maxIncrease` slower; promotion needs p95 within it. */
function judgeTiming(
  name: string,
  mean: MetricDelta | undefined,
  p95: MetricDelta | undefined,
  maxIncrease: number,
  enough: (d: MetricDelta | undefined) => d is MetricDelta,
  out: { regressions: string[]; blockers: string[]; passes: string[] },
  alpha: number,
): void {
  if (enough(mean) && mean.sequentialCi && mean.sequentialCi[0] > maxIncrease * mean.control) {
    out.regressions.push(
      `mean ${name} ${signed(mean.diff)} ms (${signedPct(mean.relative ?? NaN)}, ${fmtCi(mean.sequentialCi, alpha, 1, ' ms')} always-valid): more than ${pct(maxIncrease)} slower than control`,
    );
  }
  if (!p95) return;
  const head = `p95 ${name} ${fmt(p95.treatment)} ms vs ${fmt(p95.control)} ms (${signedPct(p95.relative ?? 0)}, ${fmtCi(p95.ci, alpha, 1, ' ms')})`;
  if ((p95.relative ?? 0) <= maxIncrease) out.passes.push(`${head}: within +${pct(maxIncrease)}`);
  else out.blockers.push(`${head}: above the +${pct(maxIncrease)} budget`);
}

/** The non-inferiority margin for quality, in quality points. */
function qualityMargin(c: Criteria, controlMean: number): number {
  return c.qualityMarginAbsolute ?? c.qualityMargin * Math.abs(controlMean);
}

/**
 * Why a metric that looks worse is a hold and not yet a rollback: a rollback needs the always-valid
 * interval (the data are checked again and again) and enough observations; the fixed-horizon p alone
 * would roll back good changes by chance.
 */
function notYetRollback(d: MetricDelta, c: Criteria): string {
  const n = Math.min(d.n[0], d.n[1]);
  if (n < c.minObservationsForRollback) return `; not a rollback yet: ${n} observations per group, a rollback needs ${c.minObservationsForRollback}`;
  if (!d.sequentialCi) return '';
  return `; not a rollback yet: the always-valid interval a rollback needs (${fmt(d.sequentialCi[0])} to ${fmt(d.sequentialCi[1])}) does not yet exclude it`;
}

function sum(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
