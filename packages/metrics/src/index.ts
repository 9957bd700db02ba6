/**
 * The public API of @aiflags/metrics, named one by one (api-report.md lists it with signatures): outcomes
 * and their one declaration, aggregates and their JSON form, statistics over summaries, the MetricStore
 * contract and the memory store. Special functions, sketch and moment internals stay internal.
 */

export { deserializeAggregate, serializeAggregate, type SerializedAggregate, type SerializedMoments } from './aggregates/aggregate-serialization.js';
export { type AggregateEntry, AggregateTable, type AggregateTableOptions } from './aggregates/aggregate-table.js';
export { HOUR_MS, hourOf } from './aggregates/hour.js';
export { HLL_RELATIVE_ERROR, HyperLogLog } from './aggregates/hyperloglog.js';
export { createLatencySketch, LATENCY_SKETCH_ACCURACY, type LatencySketch, type SerializedSketch } from './aggregates/latency-sketch.js';
export { type Moments, momentsSummary, standardDeviation, variance } from './aggregates/moments.js';
export {
  addExposure,
  addOutcome,
  cloneAggregate,
  createAggregate,
  mergeAggregateInto,
  mergeAggregates,
  uniqueUnits,
  type VariantAggregate,
} from './aggregates/variant-aggregate.js';
export { metricValueProblem, outcomeProblem, type OutcomeProblem, scoresProblem } from './outcome/outcome-bounds.js';
export {
  type Exposure,
  MAX_METRIC_MAGNITUDE,
  type MomentsMetric,
  NAMED_SCORE_LIMITS,
  type Outcome,
  OUTCOME_METRIC_LIST,
  OUTCOME_METRICS,
  type OutcomeMeasurements,
  type OutcomeMetric,
  type OutcomeMetricSpec,
  type OutcomeNumericField,
  type SketchField,
  type SumMetric,
  type TimeRange,
} from './outcome/outcome.js';
export { meanInterval, type MeanInterval, type ProportionInterval, wilsonInterval } from './stats/confidence-interval.js';
export { binomialCdf, binomialQuantile } from './stats/distributions/binomial.js';
export { chiSquareSurvival } from './stats/distributions/chi-square.js';
export { normalCdf, normalPdf, normalQuantile } from './stats/distributions/normal.js';
export { tCdf, tQuantile } from './stats/distributions/student-t.js';
export { holmCorrection, type HolmResult } from './stats/holm.js';
export {
  compareQuantiles,
  type QuantileComparison,
  type QuantileComparisonOptions,
  quantileInterval,
  type QuantileSketch,
} from './stats/quantile-comparison.js';
export { type MeanSampleSizeInput, type PowerOptions, type ProportionSampleSizeInput, requiredSampleSize } from './stats/sample-size.js';
export { type SequentialOptions, type SequentialResult, sequentialTest } from './stats/sequential.js';
export { type SrmOptions, type SrmResult, srmTest } from './stats/srm.js';
export { type AlphaOption, type Interval, type ProportionSample, proportionSummary, type SampleSummary } from './stats/summary.js';
export { type TwoProportionResult, twoProportionZTest } from './stats/two-proportion.js';
export { type WelchResult, welchTTest } from './stats/welch.js';
export { type PairedTTestResult, pairedTTest, type SignedRankResult, signedRankTest, type WinTieLoss, winTieLoss } from './stats/paired.js';
export { DEFAULT_MAX_CELLS, MemoryMetricStore, type MemoryMetricStoreOptions } from './store/memory-metric-store.js';
export type { MetricStore } from './store/metric-store.js';
export {
  DEFAULT_RESPONSE_TTL_MS,
  isResponseId,
  MAX_ATTRIBUTIONS_PER_RESPONSE,
  MAX_RESPONSE_ID_LENGTH,
  type ResponseAttribution,
  type ResponseStore,
  withAttribution,
} from './store/response-store.js';
