import type { ImpactReport, ScoreDelta, TreatmentImpact } from '../impact/impact-report.js';
import { fmtCi, fmtP, signed } from './format.js';

/** What the guardrail scores say about one arm: regressions roll it back, blockers hold promotion, passes are reasons. */
export interface GuardrailFindings {
  regressions: string[];
  blockers: string[];
  passes: string[];
}

/**
 * The named-score guardrails of one treatment. A rollback needs the always-valid interval to lie wholly on
 * the worse side (and `minObservations` per group); promotion needs every declared guardrail measured in
 * both groups and not significantly worse at the fixed horizon (Holm-adjusted p).
 */
export function judgeGuardrails(report: ImpactReport, t: TreatmentImpact, minObservations: number): GuardrailFindings {
  const out: GuardrailFindings = { regressions: [], blockers: [], passes: [] };
  const scores = t.scores ?? {};
  const declared = Object.entries(report.scoreMetrics ?? {}).filter(([, spec]) => spec.guardrail);
  for (const [name, spec] of declared) {
    const d = Object.hasOwn(scores, name) ? scores[name] : undefined;
    if (d === undefined) {
      out.blockers.push(`guardrail ${name}: no scores for both groups yet (tracker.record({ scores: { ${name} } }) or a judge)`);
      continue;
    }
    const head = `guardrail ${name} ${signed(d.diff)} (${fmtCi(d.ci, report.alpha)}, ${fmtP(d.pAdjusted)}, ${spec.direction} is better)`;
    const enough = Math.min(d.n[0], d.n[1]) >= minObservations;
    if (enough && d.sequentialCi && worseThroughout(d, d.sequentialCi)) out.regressions.push(`${head}: worse than control`);
    else if (worseSide(d) && d.pAdjusted < report.alpha)
      out.blockers.push(`${head}: worse than control; not a rollback yet (${notYet(d, enough, minObservations)})`);
    else out.passes.push(`${head}: holds`);
  }
  return out;
}

function worseSide(d: ScoreDelta): boolean {
  return d.direction === 'higher' ? d.diff < 0 : d.diff > 0;
}

function worseThroughout(d: ScoreDelta, ci: [number, number]): boolean {
  return d.direction === 'higher' ? ci[1] < 0 : ci[0] > 0;
}

function notYet(d: ScoreDelta, enough: boolean, minObservations: number): string {
  if (!enough) return `${Math.min(d.n[0], d.n[1])} observations per group, a rollback needs ${minObservations}`;
  return 'the always-valid interval a rollback needs does not yet exclude no change';
}
