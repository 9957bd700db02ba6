import type { ImpactReport, MetricDelta, TreatmentImpact } from '../impact/impact-report.js';
import { fmt, fmtCi, fmtP, pct, signed, signedPct } from './format.js';

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
  maxCostIncrease: 0.2,
  minUnitsPerGroup: 100,
  minObservationsForRollback: 30,
};

export interface TreatmentVerdict {
  variant: string;
  decision: Decision;
  reasons: string[];
}

export interface GateVerdict {
  decision: Decision;
  /** Sentences a person can act on; with several treatments each starts with the variant name. */
  reasons: string[];
  treatments: TreatmentVerdict[];
}

/**
 * The promotion gate. Rollback uses the always-valid sequential intervals, so checking after every batch
 * keeps the false-rollback rate at or below the report's alpha; promotion uses the fixed-horizon
 * intervals and every criterion at once. Several treatments: rollback if any regresses, promote only if all pass.
 */
export function decide(report: ImpactReport, criteria: GateCriteria = {}): GateVerdict {
  const c = { ...DEFAULT_GATE_CRITERIA, ...criteria };
  if (report.treatments.length === 0) {
    return { decision: 'continue', reasons: [`no traffic on any variant other than control '${report.control}' yet`], treatments: [] };
  }
  const verdicts = report.treatments.map((t) => judgeTreatment(report, t, c));
  const decision: Decision = verdicts.some((v) => v.decision === 'rollback')
    ? 'rollback'
    : verdicts.every((v) => v.decision === 'promote')
      ? 'promote'
      : 'continue';
  const several = verdicts.length > 1;
  // The reasons explain the decision: for a rollback or a hold, those of the treatments that caused it.
  const explaining = decision === 'promote' ? verdicts : verdicts.filter((v) => v.decision === decision);
  const reasons = explaining.flatMap((v) => v.reasons.map((r) => (several ? `${v.variant}: ${r}` : r)));
  return { decision, reasons, treatments: verdicts };
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
    const margin = c.qualityMarginAbsolute ?? c.qualityMargin * Math.abs(q.control);
    const head = `quality ${signed(q.diff)} (${fmtCi(q.ci, alpha)}, ${fmtP(q.p)})`;
    if (enough(q) && q.sequentialCi && q.sequentialCi[1] < 0) regressions.push(`${head}: worse than control`);
    else if (q.ci[0] >= -margin) passes.push(`${head}: not worse than control by more than ${fmt(margin)}`);
    else blockers.push(`${head}: cannot yet rule out a drop of more than ${fmt(margin)}`);
  } else if (c.requireQuality) blockers.push('quality: no scores recorded for both groups (tracker.record({ quality }))');

  // Latency: p95 point estimate for promotion, the mean's sequential interval for rollback.
  const p95 = t.latencyP95;
  const mean = t.latencyMean;
  if (enough(mean) && mean.sequentialCi && mean.sequentialCi[0] > c.maxLatencyIncrease * mean.control) {
    regressions.push(
      `mean latency ${signed(mean.diff)} ms (${signedPct(mean.relative ?? NaN)}, ${fmtCi(mean.sequentialCi, alpha, 1, ' ms')} always-valid): more than ${pct(c.maxLatencyIncrease)} slower than control`,
    );
  }
  if (p95) {
    const head = `p95 latency ${fmt(p95.treatment)} ms vs ${fmt(p95.control)} ms (${signedPct(p95.relative ?? 0)}, ${fmtCi(p95.ci, alpha, 1, ' ms')})`;
    if ((p95.relative ?? 0) <= c.maxLatencyIncrease) passes.push(`${head}: within +${pct(c.maxLatencyIncrease)}`);
    else blockers.push(`${head}: above the +${pct(c.maxLatencyIncrease)} budget`);
  }

  // Cost per request.
  const cost = t.cost;
  if (cost) {
    const head = `cost per request $${fmt(cost.treatment)} vs $${fmt(cost.control)} (${signedPct(cost.relative ?? 0)}, ${fmtP(cost.p)})`;
    if (enough(cost) && cost.sequentialCi && cost.sequentialCi[0] > c.maxCostIncrease * cost.control) {
      regressions.push(`${head}: significantly above the +${pct(c.maxCostIncrease)} budget`);
    } else if ((cost.relative ?? 0) <= c.maxCostIncrease) passes.push(`${head}: within +${pct(c.maxCostIncrease)}`);
    else blockers.push(`${head}: above the +${pct(c.maxCostIncrease)} budget`);
  }

  // Error rate.
  const err = t.errorRate;
  if (err) {
    const head = `error rate ${pct(err.treatment)} vs ${pct(err.control)} (${signed(err.diff * 100)} points, ${fmtCi(err.ci, alpha, 100, ' points')}, ${fmtP(err.p)})`;
    if (enough(err) && err.sequentialCi && err.sequentialCi[0] > 0) regressions.push(`${head}: more errors than control`);
    else if (err.diff > 0 && err.p < alpha) blockers.push(`${head}: higher than control`);
    else passes.push(`${head}: not higher than control`);
  }

  if (regressions.length) return { variant: t.variant, decision: 'rollback', reasons: regressions };
  if (blockers.length) return { variant: t.variant, decision: 'continue', reasons: [...blockers, ...passes] };
  return { variant: t.variant, decision: 'promote', reasons: passes.length ? passes : ['every criterion met'] };
}

function sum(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
