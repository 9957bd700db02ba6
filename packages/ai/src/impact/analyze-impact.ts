import {
  compareQuantiles,
  holmCorrection,
  momentsSummary,
  proportionSummary,
  srmTest,
  HLL_RELATIVE_ERROR,
  twoProportionZTest,
  uniqueUnits,
  type LatencySketch,
  type MetricStore,
  type TimeRange,
  type VariantAggregate,
} from '@aiflags/metrics';
import { formatUtcMinute } from './analysis-window.js';
import type {
  GroupSize,
  ImpactMetric,
  ImpactReport,
  MetricDelta,
  ScoreMetricSpec,
  SrmCheck,
  TreatmentImpact,
  VariantJudgeCounts,
  VariantSummary,
} from './impact-report.js';
import { alwaysValid, meanDelta, relative } from './metric-delta.js';
import { compareScores, scoreNames } from './score-comparison.js';

export interface AnalyzeImpactOptions extends TimeRange {
  /** The control variant key. */
  control: string;
  /** Treatments to compare (default: every other variant with traffic). */
  treatments?: string[];
  /** Significance level (default 0.05: 95 % intervals). */
  alpha?: number;
  /**
   * Expected share of units per variant for the SRM check (fractions or percent, normalized), e.g. from
   * the flag's split or rollout; default: equal shares.
   */
  expectedShares?: Record<string, number>;
  /**
   * Leave the SRM check out and say why (shown in the report and the verdict), e.g. when the window spans a
   * change of the split: no single set of expected shares fits it.
   */
  skipSrm?: string;
  /**
   * Count the SRM check from here (epoch ms) instead of from `since`: the first whole hour of a rollout step,
   * since the hour the step started in mixes the previous split with the new one (see `analysisWindow`).
   */
  srmSince?: number;
  /** Lines the report carries about its window (e.g. `analysisWindow(...).notes`). */
  notes?: string[];
  /** Which comparisons to compute (default: all). The p95 comparison is the costly one. */
  metrics?: ImpactMetric[];
  /** Guardrail metrics that can trigger a rollback; the sequential intervals are Bonferroni-split over them (default 4, plus each guardrail score). */
  guardrails?: number;
  /**
   * Named scores declared for the flag (the flag file's `metrics`): direction and guardrail. Every named
   * score with data is compared; one not declared here reads as higher-is-better and not a guardrail.
   */
  scoreMetrics?: Record<string, ScoreMetricSpec>;
}

/** Metrics compared per treatment: the Holm family for each is the set of treatments. */
const HOLM_METRICS: readonly ImpactMetric[] = ['quality', 'latencyP95', 'latencyMean', 'ttftP95', 'ttftMean', 'cost', 'errorRate'];

/**
 * Compares each treatment of a flag with its control over the store's aggregates: quality (Welch),
 * p95 latency and p95 time to first token (order-statistic intervals from the sketches), mean latency,
 * mean time to first token and cost per request (Welch), every named score (Welch),
 * error rate (two-proportion z), with fixed-horizon and always-valid intervals, Holm-adjusted p-values
 * across treatments, and a sample-ratio-mismatch check over units.
 */
export async function analyzeImpact(store: Pick<MetricStore, 'query'>, flagKey: string, options: AnalyzeImpactOptions): Promise<ImpactReport> {
  const alpha = options.alpha ?? 0.05;
  const range: TimeRange = {};
  if (options.since !== undefined) range.since = options.since;
  if (options.until !== undefined) range.until = options.until;
  const aggregates = await store.query(flagKey, range);
  const control = options.control;
  const controlAgg = aggregates[control];
  const treatmentKeys = (
    options.treatments ??
    Object.keys(aggregates)
      .filter((v) => v !== control)
      .sort()
  ).filter((v) => aggregates[v] !== undefined);

  // HyperLogLog estimates cost a pass over 4096 registers: count each variant's units once.
  const units = new Map<string, number>();
  for (const [v, a] of Object.entries(aggregates)) units.set(v, Math.round(uniqueUnits(a)));
  const sizeOf = (v: string): GroupSize => {
    const a = aggregates[v]!;
    return { exposures: a.exposures, units: units.get(v) ?? 0, outcomes: appOutcomes(a) };
  };
  const variants = [control, ...treatmentKeys].filter((v) => aggregates[v] !== undefined).map((v) => summarize(v, aggregates[v]!, sizeOf(v)));
  const treatments: TreatmentImpact[] = [];
  if (controlAgg) {
    // Bonferroni over guardrails × treatments keeps the family-wise false-rollback rate ≤ alpha.
    const wanted = new Set<ImpactMetric>(options.metrics ?? HOLM_METRICS);
    const specs = options.scoreMetrics ?? {};
    const guardrailScores = Object.values(specs).filter((s) => s.guardrail).length;
    const seqAlpha = alpha / (((options.guardrails ?? 4) + guardrailScores) * Math.max(1, treatmentKeys.length));
    const names = scoreNames(aggregates);
    for (const v of treatmentKeys) {
      const t = compare(v, controlAgg, aggregates[v]!, { control: sizeOf(control), treatment: sizeOf(v) }, wanted, alpha, seqAlpha);
      const scores = compareScores(names, specs, controlAgg, aggregates[v]!, alpha, seqAlpha);
      if (scores !== undefined) t.scores = scores;
      treatments.push(t);
    }
    for (const metric of HOLM_METRICS) holmInPlace(treatments.map((t) => t[metric]));
    // One family for every named score of every treatment: a judge that adds ten scores must not add ten chances of a false alarm.
    holmInPlace(treatments.flatMap((t) => Object.values(t.scores ?? {})));
  }
  const declared = options.scoreMetrics && Object.keys(options.scoreMetrics).length > 0 ? { scoreMetrics: options.scoreMetrics } : {};
  const base = { flagKey, control, range, alpha, variants, treatments, ...(options.notes?.length ? { notes: options.notes } : {}), ...declared };
  if (options.skipSrm) return { ...base, srm: undefined, srmNotChecked: options.skipSrm };
  const srmSince = options.srmSince;
  if (srmSince === undefined || (range.since !== undefined && srmSince <= range.since)) {
    return { ...base, srm: srmCheck([control, ...treatmentKeys], aggregates, units, options.expectedShares) };
  }
  // The SRM counts over whole hours of the step only: a second query from its first whole hour.
  const whole = await store.query(flagKey, { ...range, since: srmSince });
  const wholeUnits = new Map<string, number>();
  for (const [v, a] of Object.entries(whole)) wholeUnits.set(v, Math.round(uniqueUnits(a)));
  const srm = srmCheck([control, ...treatmentKeys], whole, wholeUnits, options.expectedShares);
  if (srm === undefined) {
    const why = Object.keys(whole).length === 0 ? 'no traffic yet in' : 'fewer than two variants with traffic in';
    return {
      ...base,
      srm,
      srmNotChecked: `${why} the whole hours of the step, from ${formatUtcMinute(srmSince)} UTC; the hour before mixes the previous split`,
    };
  }
  return { ...base, srm: { ...srm, since: srmSince } };
}

function holmInPlace(deltas: ReadonlyArray<MetricDelta | undefined>): void {
  const present = deltas.filter((d): d is MetricDelta => d !== undefined);
  const { adjusted } = holmCorrection(present.map((d) => d.p));
  present.forEach((d, i) => {
    d.pAdjusted = adjusted[i]!;
  });
}

/**
 * Requests behind the error rate. An app that uses trackDurationOf and then record({ quality, … }) sends
 * two outcomes per request; every trackDurationOf carries a latency, so the latency count is the request
 * count whenever latencies are recorded.
 */
function requests(a: VariantAggregate): number {
  return a.latency.count > 0 ? Math.max(a.latency.count, a.errors) : appOutcomes(a);
}

/** Outcomes apart from the judges' records: each of those carries judgeSampled 1 (see JudgeRunner). */
function appOutcomes(a: VariantAggregate): number {
  return Math.max(0, a.outcomes - a.judgeSampled);
}

function judgeCounts(a: VariantAggregate): VariantJudgeCounts | undefined {
  if (a.judgeSampled === 0) return undefined;
  return {
    sampled: a.judgeSampled,
    judged: a.judgeJudged,
    failed: a.judgeFailures,
    dropped: a.judgeDropped,
    skippedBudget: a.judgeSkippedBudget,
    costUsd: a.judgeCostUsd,
  };
}

function summarize(variant: string, a: VariantAggregate, size: GroupSize): VariantSummary {
  const s: VariantSummary = {
    variant,
    size,
    inputTokens: a.inputTokens,
    outputTokens: a.outputTokens,
    feedbackPositive: a.feedbackPositive,
    feedbackNegative: a.feedbackNegative,
  };
  if (a.quality.count > 0) {
    s.qualityMean = a.quality.mean;
    s.qualityScores = momentsSummary(a.quality);
  }
  if (a.latency.count > 0) {
    s.latencyMean = a.latency.mean;
    s.latencyP95 = a.latencySketch.getValueAtQuantile(0.95);
  }
  if (a.ttft.count > 0) {
    s.ttftMean = a.ttft.mean;
    s.ttftP95 = a.ttftSketch.getValueAtQuantile(0.95);
  }
  if (a.cost.count > 0) s.costMean = a.cost.mean;
  if (a.computedCosts > 0) s.computedCosts = { computed: a.computedCosts, of: a.cost.count };
  const n = requests(a);
  if (n > 0) s.errorRate = a.errors / n;
  const names = Object.keys(a.scores).filter((name) => a.scores[name]!.count > 0);
  if (names.length > 0) s.scores = Object.fromEntries(names.sort().map((name) => [name, momentsSummary(a.scores[name]!)]));
  const judges = judgeCounts(a);
  if (judges) s.judges = judges;
  return s;
}

/** The p95 of two sketches compared (order-statistic interval); undefined below 2 values a group. */
function p95Delta(metric: 'latencyP95' | 'ttftP95', c: LatencySketch, t: LatencySketch, alpha: number): MetricDelta | undefined {
  if (c.count < 2 || t.count < 2) return undefined;
  const q = compareQuantiles(c, t, { alpha, quantile: 0.95 });
  return {
    metric,
    control: q.control,
    treatment: q.treatment,
    diff: q.diff,
    relative: relative(q.diff, q.control),
    ci: q.ci,
    p: q.p,
    pAdjusted: q.p,
    sequentialCi: undefined,
    n: [c.count, t.count],
  };
}

function compare(
  variant: string,
  c: VariantAggregate,
  t: VariantAggregate,
  n: TreatmentImpact['n'],
  wanted: Set<ImpactMetric>,
  alpha: number,
  seqAlpha: number,
): TreatmentImpact {
  const out: TreatmentImpact = { variant, n };
  const quality = wanted.has('quality') ? meanDelta('quality', c.quality, t.quality, alpha, seqAlpha) : undefined;
  if (quality) out.quality = quality;
  const latencyMean = wanted.has('latencyMean') ? meanDelta('latencyMean', c.latency, t.latency, alpha, seqAlpha) : undefined;
  if (latencyMean) out.latencyMean = latencyMean;
  const cost = wanted.has('cost') ? meanDelta('cost', c.cost, t.cost, alpha, seqAlpha) : undefined;
  if (cost) out.cost = cost;
  const latencyP95 = wanted.has('latencyP95') ? p95Delta('latencyP95', c.latencySketch, t.latencySketch, alpha) : undefined;
  if (latencyP95) out.latencyP95 = latencyP95;
  const ttftMean = wanted.has('ttftMean') ? meanDelta('ttftMean', c.ttft, t.ttft, alpha, seqAlpha) : undefined;
  if (ttftMean) out.ttftMean = ttftMean;
  const ttftP95 = wanted.has('ttftP95') ? p95Delta('ttftP95', c.ttftSketch, t.ttftSketch, alpha) : undefined;
  if (ttftP95) out.ttftP95 = ttftP95;
  const nc = requests(c);
  const nt = requests(t);
  if (wanted.has('errorRate') && nc >= 2 && nt >= 2) {
    const z = twoProportionZTest({ n: nc, events: c.errors }, { n: nt, events: t.errors }, { alpha });
    out.errorRate = {
      metric: 'errorRate',
      control: z.controlRate,
      treatment: z.treatmentRate,
      diff: z.diff,
      relative: relative(z.diff, z.controlRate),
      ci: z.ci,
      p: z.p,
      pAdjusted: z.p,
      sequentialCi: alwaysValid(proportionSummary({ n: nc, events: c.errors }), proportionSummary({ n: nt, events: t.errors }), seqAlpha),
      n: [nc, nt],
    };
  }
  return out;
}

function srmCheck(
  keys: string[],
  aggregates: Record<string, VariantAggregate>,
  unitCounts: Map<string, number>,
  shares?: Record<string, number>,
): SrmCheck | undefined {
  // With configured shares every variant that should get traffic counts, including one that got none:
  // a treatment with zero units under a 50/50 split is the plainest mismatch there is.
  const variants = shares ? Object.keys(shares).filter((k) => (shares[k] ?? 0) > 0) : keys.filter((k) => aggregates[k] !== undefined);
  if (variants.length < 2 || variants.every((k) => aggregates[k] === undefined)) return undefined;
  if (shares && keys.some((k) => aggregates[k] !== undefined && !((shares[k] ?? 0) > 0))) return undefined;
  const units = variants.map((k) => unitCounts.get(k) ?? 0);
  const basis: SrmCheck['basis'] = units.some((u) => u > 0) ? 'units' : 'exposures';
  const observed = basis === 'units' ? units : variants.map((k) => aggregates[k]?.exposures ?? 0);
  const ratios = variants.map((k) => (shares ? shares[k]! : 1));
  const total = ratios.reduce((s, r) => s + r, 0);
  // Unit counts are HyperLogLog estimates: their own noise must not read as a broken split.
  const r = srmTest(observed, ratios, basis === 'units' ? { countRelativeError: HLL_RELATIVE_ERROR } : {});
  return { basis, variants, observed, expected: ratios.map((x) => x / total), chi2: r.chi2, df: r.df, p: r.p, mismatch: r.mismatch };
}
