/**
 * What the AI layer records per request. Every numeric measurement is declared once, in OUTCOME_METRICS:
 * the outcome's field, the aggregate's field, how it aggregates and the smallest value it can have. The
 * Outcome type, the aggregate, its merge and serialization, and the record-time check all follow from it,
 * so adding a metric is one entry here (plus its analysis where it is reported).
 */

/**
 * The largest magnitude a metric value may have. Its square (1e200) times any count a process could reach
 * stays far below Number.MAX_VALUE (≈1.8e308), so Welford's M2 and Chan's merge term stay finite; a value
 * beyond it is a unit mix-up or a corrupt number, never a measurement (1e100 ms, USD or tokens).
 */
export const MAX_METRIC_MAGNITUDE = 1e100;

/** How one numeric outcome field is aggregated. */
export interface OutcomeMetricSpec {
  /** The field of VariantAggregate (and of its serialized form) that holds it. */
  readonly aggregate: string;
  /** 'moments': count, mean, variance, min, max, sum (Welford); 'sum': a plain total. */
  readonly kind: 'moments' | 'sum';
  /** The smallest value that can be a measurement of it. */
  readonly minimum: number;
  /** Negative values count as 0 (a clock step, not a measurement). */
  readonly negativeAsZero?: boolean;
  /** Also kept in this DDSketch of the aggregate, for quantiles. */
  readonly sketch?: SketchField;
  /** Added after format v1 was first written: left out of a serialized aggregate while empty (or 0), and read as empty when absent. */
  readonly added?: boolean;
}

/** The aggregate fields that hold a DDSketch. */
export type SketchField = 'latencySketch' | 'ttftSketch';

/** The numeric outcome fields, in the order they are aggregated and serialized. */
export const OUTCOME_METRICS = {
  /** Any numeric quality score (e.g. a 1-5 rating or an eval score); higher is better. */
  quality: { aggregate: 'quality', kind: 'moments', minimum: -MAX_METRIC_MAGNITUDE },
  /** Latency in ms; also kept in a DDSketch for p95 and other quantiles. */
  latencyMs: { aggregate: 'latency', kind: 'moments', minimum: -MAX_METRIC_MAGNITUDE, negativeAsZero: true, sketch: 'latencySketch' },
  /** Time to the first token of a streamed answer, in ms; also kept in a DDSketch for p95. */
  ttftMs: { aggregate: 'ttft', kind: 'moments', minimum: -MAX_METRIC_MAGNITUDE, negativeAsZero: true, sketch: 'ttftSketch', added: true },
  /** Cost in USD of the request. */
  costUsd: { aggregate: 'cost', kind: 'moments', minimum: 0 },
  inputTokens: { aggregate: 'inputTokens', kind: 'sum', minimum: 0 },
  outputTokens: { aggregate: 'outputTokens', kind: 'sum', minimum: 0 },
  /** 1 for an outcome whose costUsd was computed from a price table rather than reported (a count, so the report can say so). */
  computedCosts: { aggregate: 'computedCosts', kind: 'sum', minimum: 0, added: true },
  // What the judges did, recorded by JudgeRunner on the response's flag and variant once each sample's fate is
  // known, so another process (`aiflags report`) sees it. Each judge record carries judgeSampled: 1, which is
  // how the analysis tells judge records from request outcomes.
  /** Responses in a judge's sample (each judge counts its own), whatever became of them. */
  judgeSampled: { aggregate: 'judgeSampled', kind: 'sum', minimum: 0, added: true },
  /** Samples a judge scored. */
  judgeJudged: { aggregate: 'judgeJudged', kind: 'sum', minimum: 0, added: true },
  /** Samples whose judge threw, timed out or answered a non-score. */
  judgeFailures: { aggregate: 'judgeFailures', kind: 'sum', minimum: 0, added: true },
  /** Samples dropped because the judge queue was full (or the runner closed). */
  judgeDropped: { aggregate: 'judgeDropped', kind: 'sum', minimum: 0, added: true },
  /** Samples not judged because the hourly judge budget was spent. */
  judgeSkippedBudget: { aggregate: 'judgeSkippedBudget', kind: 'sum', minimum: 0, added: true },
  /** USD the judges reported spending; apart from costUsd, so judging never moves the gate's cost per request. */
  judgeCostUsd: { aggregate: 'judgeCostUsd', kind: 'sum', minimum: 0, added: true },
} as const satisfies Record<string, OutcomeMetricSpec>;

type Metrics = typeof OUTCOME_METRICS;

/** A numeric outcome field: quality, latencyMs, ttftMs, costUsd, inputTokens, outputTokens, computedCosts and the judge counts. */
export type OutcomeNumericField = keyof Metrics;

/** The aggregate fields that hold moments (quality, latency, ttft, cost). */
export type MomentsMetric = { [K in OutcomeNumericField]: Metrics[K]['kind'] extends 'moments' ? Metrics[K]['aggregate'] : never }[OutcomeNumericField];

/** The aggregate fields that hold plain totals (inputTokens, outputTokens, computedCosts, the judge counts). */
export type SumMetric = { [K in OutcomeNumericField]: Metrics[K]['kind'] extends 'sum' ? Metrics[K]['aggregate'] : never }[OutcomeNumericField];

/** One numeric field with its spec, for loops over every metric. */
export interface OutcomeMetric {
  readonly field: OutcomeNumericField;
  readonly aggregate: MomentsMetric | SumMetric;
  readonly kind: 'moments' | 'sum';
  readonly minimum: number;
  readonly negativeAsZero: boolean;
  readonly sketch: SketchField | undefined;
  readonly added: boolean;
}

/** OUTCOME_METRICS as a list, in declaration order. */
export const OUTCOME_METRIC_LIST: readonly OutcomeMetric[] = Object.entries(OUTCOME_METRICS).map(([field, spec]) => {
  const s: OutcomeMetricSpec = spec;
  return {
    field: field as OutcomeNumericField,
    aggregate: s.aggregate as MomentsMetric | SumMetric,
    kind: s.kind,
    minimum: s.minimum,
    negativeAsZero: s.negativeAsZero === true,
    sketch: s.sketch,
    added: s.added === true,
  };
});

/**
 * Bounds on named scores, so a caller sending unbounded names cannot grow an aggregate: an outcome with
 * more names, a longer name or a name outside the pattern is rejected whole (outcomeProblem); an aggregate
 * keeps the first `perAggregate` names it sees and ignores later ones.
 */
export const NAMED_SCORE_LIMITS = {
  perOutcome: 16,
  nameLength: 64,
  perAggregate: 64,
  pattern: /^[A-Za-z0-9_.-]+$/,
} as const;

/** The numeric measurements of one request, each optional; a non-finite value means "not measured". */
export type OutcomeMeasurements = { [K in OutcomeNumericField]?: number };

export interface Exposure {
  flagKey: string;
  variant: string;
  /** The bucketing unit (usually the targeting key). */
  unitId?: string;
  /** Epoch ms; defaults to now. */
  at?: number;
}

export interface Outcome extends OutcomeMeasurements {
  flagKey: string;
  variant: string;
  unitId?: string;
  /** Epoch ms; defaults to now. */
  at?: number;
  /** true for a failed request (counts toward the error rate). */
  error?: boolean;
  feedback?: 'positive' | 'negative';
  /** Named scores (helpfulness, toxicity, a judge's verdict…), each aggregated as its own moments; see NAMED_SCORE_LIMITS. */
  scores?: Record<string, number>;
}

export interface TimeRange {
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
}
