import { metricValueProblem } from '../outcome/outcome-bounds.js';
import { type Exposure, type MomentsMetric, OUTCOME_METRIC_LIST, type Outcome, type SumMetric } from '../outcome/outcome.js';
import { HyperLogLog } from './hyperloglog.js';
import { cloneSketch, createLatencySketch, type LatencySketch, mergeSketchInto } from './latency-sketch.js';
import { addToMoments, createMoments, type Moments, mergeMomentsInto } from './moments.js';
import { addScores, cloneScores, createScores, mergeScoresInto, type NamedScores } from './named-scores.js';

/**
 * Everything measured for one (flag, variant, hour), or for any merge of those. Every field merges
 * exactly (sums, Chan-merged moments, DDSketch merge, HyperLogLog union), so the size is fixed however
 * many outcomes arrive and processes can be combined in any order. The metric fields (quality, latency,
 * time to first token, cost as moments; inputTokens, outputTokens as totals) come from OUTCOME_METRICS.
 */
export interface VariantAggregate extends Record<MomentsMetric, Moments>, Record<SumMetric, number> {
  /** Evaluations that served this variant. */
  exposures: number;
  /** Distinct unit ids seen in exposures and outcomes (HyperLogLog, ≈1.6 % standard error). */
  units: HyperLogLog;
  /**
   * A distinct-unit count computed elsewhere (e.g. Redis PFCOUNT over the merged keys); when set it is
   * used instead of `units`. Merging keeps the larger value, a lower bound of the union.
   */
  unitsEstimate?: number;
  /** Recorded outcomes; the denominator of the error rate. */
  outcomes: number;
  /** Latency in ms, for quantiles (DDSketch, 1 % relative accuracy). */
  latencySketch: LatencySketch;
  /** Time to first token in ms, for quantiles (DDSketch, 1 % relative accuracy). */
  ttftSketch: LatencySketch;
  /** Outcomes with error: true. */
  errors: number;
  feedbackPositive: number;
  feedbackNegative: number;
  /** Moments per named score (outcome `scores`), at most NAMED_SCORE_LIMITS.perAggregate names. */
  scores: NamedScores;
}

const MOMENTS = OUTCOME_METRIC_LIST.filter((m) => m.kind === 'moments').map((m) => m.aggregate as MomentsMetric);
const SUMS = OUTCOME_METRIC_LIST.filter((m) => m.kind === 'sum').map((m) => m.aggregate as SumMetric);

/** The aggregate fields that hold moments, and those that hold totals, in OUTCOME_METRICS order. */
export const AGGREGATE_FIELDS: { readonly moments: readonly MomentsMetric[]; readonly sums: readonly SumMetric[] } = { moments: MOMENTS, sums: SUMS };

/** An empty aggregate. */
export function createAggregate(): VariantAggregate {
  const agg = {
    exposures: 0,
    units: new HyperLogLog(),
    outcomes: 0,
    latencySketch: createLatencySketch(),
    ttftSketch: createLatencySketch(),
    errors: 0,
    feedbackPositive: 0,
    feedbackNegative: 0,
    scores: createScores(),
  } as VariantAggregate;
  for (const f of MOMENTS) agg[f] = createMoments();
  for (const f of SUMS) agg[f] = 0;
  return agg;
}

/** Counts one exposure (and its unit id) into the aggregate; flagKey, variant and time are the caller's concern. */
export function addExposure(agg: VariantAggregate, exposure: Exposure): void {
  agg.exposures++;
  if (exposure.unitId !== undefined) agg.units.add(exposure.unitId);
}

/**
 * Adds one outcome. Non-finite numbers are ignored field by field, and so are values no measurement can
 * have (beyond ±MAX_METRIC_MAGNITUDE, a negative cost or token count: see metricValueProblem), so one bad
 * value never poisons the moments; stores reject such an outcome whole before it gets here, and count it.
 * A negative latency counts as 0 ms (a clock step, not a measurement).
 */
export function addOutcome(agg: VariantAggregate, o: Outcome): void {
  agg.outcomes++;
  if (o.unitId !== undefined) agg.units.add(o.unitId);
  for (const m of OUTCOME_METRIC_LIST) {
    let value = o[m.field];
    if (typeof value !== 'number' || !Number.isFinite(value) || metricValueProblem(m.field, value) !== undefined) continue;
    if (m.negativeAsZero && value < 0) value = 0;
    if (m.kind === 'moments') addToMoments(agg[m.aggregate as MomentsMetric], value);
    else agg[m.aggregate as SumMetric] += value;
    if (m.sketch !== undefined) agg[m.sketch].accept(value);
  }
  if (o.error === true) agg.errors++;
  const feedback = o.feedback;
  if (feedback === 'positive') agg.feedbackPositive++;
  else if (feedback === 'negative') agg.feedbackNegative++;
  if (o.scores !== undefined) addScores(agg.scores, o.scores);
}

/** Merges `from` into `into` exactly; `from` is left unchanged. */
export function mergeAggregateInto(into: VariantAggregate, from: VariantAggregate): void {
  into.exposures += from.exposures;
  into.units.merge(from.units);
  if (into.unitsEstimate !== undefined || from.unitsEstimate !== undefined) {
    into.unitsEstimate = Math.max(uniqueUnits(into), uniqueUnits(from));
  }
  into.outcomes += from.outcomes;
  for (const f of MOMENTS) mergeMomentsInto(into[f], from[f]);
  for (const f of SUMS) into[f] += from[f];
  mergeSketchInto(into.latencySketch, from.latencySketch);
  mergeSketchInto(into.ttftSketch, from.ttftSketch);
  into.errors += from.errors;
  into.feedbackPositive += from.feedbackPositive;
  into.feedbackNegative += from.feedbackNegative;
  mergeScoresInto(into.scores, from.scores);
}

/** A new aggregate equal to a merged with b; neither input changes. */
export function mergeAggregates(a: VariantAggregate, b: VariantAggregate): VariantAggregate {
  const out = cloneAggregate(a);
  mergeAggregateInto(out, b);
  return out;
}

/** A deep copy. */
export function cloneAggregate(a: VariantAggregate): VariantAggregate {
  const out = {
    exposures: a.exposures,
    units: a.units.clone(),
    outcomes: a.outcomes,
    latencySketch: cloneSketch(a.latencySketch),
    ttftSketch: cloneSketch(a.ttftSketch),
    errors: a.errors,
    feedbackPositive: a.feedbackPositive,
    feedbackNegative: a.feedbackNegative,
    scores: cloneScores(a.scores),
  } as VariantAggregate;
  for (const f of MOMENTS) out[f] = { ...a[f] };
  for (const f of SUMS) out[f] = a[f];
  if (a.unitsEstimate !== undefined) out.unitsEstimate = a.unitsEstimate;
  return out;
}

/** Estimated distinct units (unitsEstimate when set, else the HyperLogLog estimate). */
export function uniqueUnits(a: VariantAggregate): number {
  return a.unitsEstimate ?? a.units.estimate();
}
