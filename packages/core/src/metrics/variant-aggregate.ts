import { HyperLogLog } from './hyperloglog.js';
import { cloneSketch, createLatencySketch, mergeSketchInto, type LatencySketch } from './latency-sketch.js';
import { addToMoments, createMoments, mergeMomentsInto, type Moments } from './moments.js';
import { metricValueProblem, type OutcomeNumericField } from './outcome-bounds.js';
import type { Exposure, Outcome } from './types.js';

/**
 * Everything measured for one (flag, variant, hour), or for any merge of those. Every field merges
 * exactly (sums, Chan-merged moments, DDSketch merge, HyperLogLog union), so the size is fixed however
 * many outcomes arrive and processes can be combined in any order.
 */
export interface VariantAggregate {
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
  /** Quality scores (higher is better). */
  quality: Moments;
  /** Latency in ms. */
  latency: Moments;
  /** Latency in ms, for quantiles (DDSketch, 1 % relative accuracy). */
  latencySketch: LatencySketch;
  /** Cost in USD per outcome. */
  cost: Moments;
  inputTokens: number;
  outputTokens: number;
  /** Outcomes with error: true. */
  errors: number;
  feedbackPositive: number;
  feedbackNegative: number;
}

/** An empty aggregate. */
export function createAggregate(): VariantAggregate {
  return {
    exposures: 0,
    units: new HyperLogLog(),
    outcomes: 0,
    quality: createMoments(),
    latency: createMoments(),
    latencySketch: createLatencySketch(),
    cost: createMoments(),
    inputTokens: 0,
    outputTokens: 0,
    errors: 0,
    feedbackPositive: 0,
    feedbackNegative: 0,
  };
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
  const quality = o.quality;
  if (usable('quality', quality)) addToMoments(agg.quality, quality);
  let latency = o.latencyMs;
  if (usable('latencyMs', latency)) {
    if (latency < 0) latency = 0;
    addToMoments(agg.latency, latency);
    agg.latencySketch.accept(latency);
  }
  const cost = o.costUsd;
  if (usable('costUsd', cost)) addToMoments(agg.cost, cost);
  const input = o.inputTokens;
  if (usable('inputTokens', input)) agg.inputTokens += input;
  const output = o.outputTokens;
  if (usable('outputTokens', output)) agg.outputTokens += output;
  if (o.error === true) agg.errors++;
  const feedback = o.feedback;
  if (feedback === 'positive') agg.feedbackPositive++;
  else if (feedback === 'negative') agg.feedbackNegative++;
}

/** Merges `from` into `into` exactly; `from` is left unchanged. */
export function mergeAggregateInto(into: VariantAggregate, from: VariantAggregate): void {
  into.exposures += from.exposures;
  into.units.merge(from.units);
  if (into.unitsEstimate !== undefined || from.unitsEstimate !== undefined) {
    into.unitsEstimate = Math.max(uniqueUnits(into), uniqueUnits(from));
  }
  into.outcomes += from.outcomes;
  mergeMomentsInto(into.quality, from.quality);
  mergeMomentsInto(into.latency, from.latency);
  mergeSketchInto(into.latencySketch, from.latencySketch);
  mergeMomentsInto(into.cost, from.cost);
  into.inputTokens += from.inputTokens;
  into.outputTokens += from.outputTokens;
  into.errors += from.errors;
  into.feedbackPositive += from.feedbackPositive;
  into.feedbackNegative += from.feedbackNegative;
}

/** A new aggregate equal to a merged with b; neither input changes. */
export function mergeAggregates(a: VariantAggregate, b: VariantAggregate): VariantAggregate {
  const out = cloneAggregate(a);
  mergeAggregateInto(out, b);
  return out;
}

/** A deep copy. */
export function cloneAggregate(a: VariantAggregate): VariantAggregate {
  const out: VariantAggregate = {
    exposures: a.exposures,
    units: a.units.clone(),
    outcomes: a.outcomes,
    quality: { ...a.quality },
    latency: { ...a.latency },
    latencySketch: cloneSketch(a.latencySketch),
    cost: { ...a.cost },
    inputTokens: a.inputTokens,
    outputTokens: a.outputTokens,
    errors: a.errors,
    feedbackPositive: a.feedbackPositive,
    feedbackNegative: a.feedbackNegative,
  };
  if (a.unitsEstimate !== undefined) out.unitsEstimate = a.unitsEstimate;
  return out;
}

function usable(field: OutcomeNumericField, value: number | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && metricValueProblem(field, value) === undefined;
}

/** Estimated distinct units (unitsEstimate when set, else the HyperLogLog estimate). */
export function uniqueUnits(a: VariantAggregate): number {
  return a.unitsEstimate ?? a.units.estimate();
}
