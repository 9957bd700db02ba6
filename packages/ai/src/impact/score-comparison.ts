import type { VariantAggregate } from '@aiflags/metrics';
import type { ScoreDelta, ScoreMetricSpec } from './impact-report.js';
import { meanDelta } from './metric-delta.js';

const UNDECLARED: ScoreMetricSpec = { direction: 'higher', guardrail: false };

/** Every named score with data in any variant, sorted. */
export function scoreNames(aggregates: Record<string, VariantAggregate>): string[] {
  const names = new Set<string>();
  for (const a of Object.values(aggregates)) for (const name of Object.keys(a.scores)) if (a.scores[name]!.count > 0) names.add(name);
  return [...names].sort();
}

/** Each named score of a treatment against control, read with its declared direction; undefined when none has data in both. */
export function compareScores(
  names: readonly string[],
  specs: Record<string, ScoreMetricSpec>,
  c: VariantAggregate,
  t: VariantAggregate,
  alpha: number,
  seqAlpha: number,
): Record<string, ScoreDelta> | undefined {
  const out: Record<string, ScoreDelta> = {};
  let any = false;
  for (const name of names) {
    const cm = c.scores[name];
    const tm = t.scores[name];
    if (cm === undefined || tm === undefined) continue;
    const d = meanDelta(`scores.${name}`, cm, tm, alpha, seqAlpha);
    if (d === undefined) continue;
    const spec = Object.hasOwn(specs, name) ? specs[name]! : UNDECLARED;
    out[name] = { ...d, name, direction: spec.direction, guardrail: spec.guardrail };
    any = true;
  }
  return any ? out : undefined;
}
