import type { Interval, TimeRange } from '@aiflags/metrics';

/** The metrics compared between a treatment and the control. */
export type ImpactMetric = 'quality' | 'latencyP95' | 'latencyMean' | 'ttftP95' | 'ttftMean' | 'cost' | 'errorRate';

/** How a named score is read (the flag file's `metrics` entry, defaults filled in). */
export interface ScoreMetricSpec {
  direction: 'higher' | 'lower';
  guardrail: boolean;
}

/**
 * One metric, treatment against control. Differences are treatment − control in the metric's own unit:
 * quality points, ms, USD per request, or a fraction of requests for the error rate.
 */
export interface MetricDelta {
  /** A built-in metric, or `scores.<name>` for a named score. */
  metric: ImpactMetric | `scores.${string}`;
  /** Control estimate (mean, p95, mean cost, or error rate as a fraction). */
  control: number;
  treatment: number;
  diff: number;
  /** diff / control as a fraction (0.1 = +10 %); undefined when the control estimate is 0. */
  relative: number | undefined;
  /** Fixed-horizon (1 − alpha) interval of diff: valid for one look at the data. */
  ci: Interval;
  /** Two-sided p-value of "no difference". */
  p: number;
  /** p after Holm's correction over all treatments compared on this metric (equals p with one treatment). */
  pAdjusted: number;
  /**
   * Always-valid interval of diff (mixture sequential test), Bonferroni-split over the guardrail metrics
   * and treatments: it may be checked after every new batch without inflating the false-alarm rate.
   * Undefined where no sequential method applies (p95).
   */
  sequentialCi: Interval | undefined;
  /** Observations per group (outcomes carrying this metric): [control, treatment]. */
  n: [number, number];
}

/** How much traffic a variant got in the analysed range. */
export interface GroupSize {
  exposures: number;
  /** Distinct units (HyperLogLog estimate, rounded). */
  units: number;
  /** Outcomes the app recorded: the judges' own records (scores, failures, skips) are left out. */
  outcomes: number;
}

export interface TreatmentImpact {
  variant: string;
  n: { control: GroupSize; treatment: GroupSize };
  /** Undefined when either group has too few observations of the metric (fewer than 2). */
  quality?: MetricDelta;
  latencyP95?: MetricDelta;
  latencyMean?: MetricDelta;
  /** Time to first token of streamed answers (ms): p95 and mean. */
  ttftP95?: MetricDelta;
  ttftMean?: MetricDelta;
  cost?: MetricDelta;
  errorRate?: MetricDelta;
  /**
   * Named scores (Welch on the means, score − control in the score's unit), with p Holm-adjusted over
   * every named score and treatment together; a name is missing when either group has fewer than 2 scores.
   */
  scores?: Record<string, ScoreDelta>;
}

/** A named score, treatment against control; `diff` is treatment − control whichever direction is better. */
export interface ScoreDelta extends MetricDelta {
  name: string;
  direction: 'higher' | 'lower';
  guardrail: boolean;
}

/** Per-variant figures, for the table a person reads. */
export interface VariantSummary {
  variant: string;
  size: GroupSize;
  qualityMean?: number;
  /** The quality scores' count, mean and standard deviation (what ranking the arms of a test needs). */
  qualityScores?: { n: number; mean: number; sd: number };
  /** ms */
  latencyP95?: number;
  /** ms */
  latencyMean?: number;
  /** Time to first token, ms (streamed answers only). */
  ttftP95?: number;
  /** ms */
  ttftMean?: number;
  /** USD per request. */
  costMean?: number;
  /** Costs computed from the variant's token prices because none was reported (out of the cost count). */
  computedCosts?: { computed: number; of: number };
  /** Fraction of requests that failed. */
  errorRate?: number;
  inputTokens: number;
  outputTokens: number;
  feedbackPositive: number;
  feedbackNegative: number;
  /** Each named score's count, mean and standard deviation. */
  scores?: Record<string, { n: number; mean: number; sd: number }>;
  /** What the judges did on this variant, from the store (all judges together; each judge's scores are in `scores`). */
  judges?: VariantJudgeCounts;
}

/**
 * Judge samples of one variant, each counted once its fate is known (so one still running is not in yet),
 * summed over the variant's judges.
 */
export interface VariantJudgeCounts {
  sampled: number;
  judged: number;
  /** The judge threw, timed out or answered a non-score. */
  failed: number;
  /** Dropped because the judge queue was full. */
  dropped: number;
  /** Not judged because the hourly judge budget was spent: sampling was paused. */
  skippedBudget: number;
  /** USD the judges reported spending; apart from `costMean`, which is the requests' own cost. */
  costUsd: number;
}

export interface SrmCheck {
  /** What was counted: distinct units when known, else exposures. */
  basis: 'units' | 'exposures';
  variants: string[];
  observed: number[];
  /** Expected shares (fractions summing to 1), in the order of `variants`. */
  expected: number[];
  chi2: number;
  df: number;
  p: number;
  /** true when p < 0.001: the split is broken and no comparison can be trusted. */
  mismatch: boolean;
  /** Epoch ms the counts start when later than the report's window (the rollout step's first whole hour). */
  since?: number;
}

export interface ImpactReport {
  flagKey: string;
  control: string;
  range: TimeRange;
  /** Significance level of the intervals (0.05 = 95 % intervals). */
  alpha: number;
  variants: VariantSummary[];
  treatments: TreatmentImpact[];
  /** Undefined when fewer than two variants have traffic, or when the check was left out (`srmNotChecked`). */
  srm: SrmCheck | undefined;
  /** Why the SRM check was left out, when the caller asked for that or the step has no whole hour yet. */
  srmNotChecked?: string;
  /** What the window holds beyond its range, in words (e.g. the partial hour before a step started). */
  notes?: string[];
  /** The named scores declared for the flag (direction, guardrail); a declared guardrail with no data blocks promotion. */
  scoreMetrics?: Record<string, ScoreMetricSpec>;
}
