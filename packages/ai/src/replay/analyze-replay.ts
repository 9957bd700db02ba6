import { type PairedTTestResult, pairedTTest, type SignedRankResult, signedRankTest, type WinTieLoss, winTieLoss } from '@aiflags/metrics';
import { DEFAULT_GATE_CRITERIA, type Decision, type GateCriteria } from '../gate/decide.js';
import { fmt, fmtP, pct, signed, signedPct } from '../gate/format.js';
import { SHADOW_VERSION } from '../shadow/shadow-results.js';
import { ReplayExamples } from './replay-examples.js';
import { ReplayTally, TallyArm } from './replay-tally.js';
import type { ReplayCase, ReplayResult } from './replay-types.js';

/** One metric, treatment against control on the same cases (treatment − control); wins are cases where treatment is better. */
export interface ReplayMetricComparison {
  metric: string;
  /** Cases where both arms have this metric. */
  n: number;
  /** Whether a smaller value is better (latency, cost, metrics named in lowerIsBetter): which way a win points. */
  lowerIsBetter: boolean;
  control: number;
  treatment: number;
  paired: PairedTTestResult;
  signedRank: SignedRankResult;
  winTieLoss: WinTieLoss;
}

/** One variant over the replayed cases. */
export interface ReplayArm {
  variant: string;
  cases: number;
  failures: number;
  latencyP95: number;
  costMean: number | undefined;
}

/** A case whose result changed most between the arms, with what each returned. */
export interface ReplayCaseDiff {
  caseId: string;
  input: unknown;
  reference?: unknown;
  diff: number;
  control: { output: unknown; score: number };
  treatment: { output: unknown; score: number };
}

export interface ReplayTreatment {
  variant: string;
  /** quality first (when scored), then every named metric. */
  metrics: ReplayMetricComparison[];
  /** Paired latency (ms) and cost (USD) per case. */
  latency: ReplayMetricComparison | undefined;
  cost: ReplayMetricComparison | undefined;
  failures: [control: number, treatment: number];
  decision: Decision;
  reasons: string[];
  /** Largest losses on the primary metric, worst first. */
  worst: ReplayCaseDiff[];
  /** Largest wins, best first. */
  best: ReplayCaseDiff[];
}

export interface ReplayReport {
  flagKey: string;
  flagVersion: string;
  control: string;
  alpha: number;
  arms: ReplayArm[];
  treatments: ReplayTreatment[];
}

export interface AnalyzeReplayOptions {
  control: string;
  /** Significance level (default 0.05). */
  alpha?: number;
  /** Cases both arms must have passed before a promote (default 30). */
  minCases?: number;
  /** The primary metric (default 'quality'). */
  primary?: string;
  /** Metrics where lower is better (e.g. toxicity); the rest are higher-is-better. */
  lowerIsBetter?: string[];
  /** How many worst and best cases to list (default 5). */
  examples?: number;
  /** The cases, for listing inputs and references beside the worst and best. */
  cases?: ReplayCase[];
  /** The gate's quality margin and latency and cost budgets (defaults: DEFAULT_GATE_CRITERIA). */
  criteria?: GateCriteria;
}

/**
 * Compares each treatment with the control on the same cases: paired t (mean difference with interval) and
 * Wilcoxon signed-rank per metric, win/tie/loss counts, p95 latency and cost, and a verdict in the gate's
 * words: rollback when any metric is significantly worse or runs fail more often, promote when none is and
 * enough cases passed on both arms, else continue. Results in memory; for a stream see analyzeReplayTally.
 */
export function analyzeReplay(results: ReplayResult[], options: AnalyzeReplayOptions): ReplayReport {
  const report = analyzeReplayTally(ReplayTally.of(results), options);
  const examples = new ReplayExamples(report);
  for (const r of results) examples.offerResult(r);
  for (const c of options.cases ?? []) examples.offerCase(c);
  return examples.fill(report);
}

/**
 * analyzeReplay over a tally: the same report, but the worst and best cases carry only their ids and scores
 * (outputs, inputs and references undefined) until fillReplayExamples reads them back, so memory stays a few
 * numbers per run however large the replay. `options.cases` is not read.
 */
export function analyzeReplayTally(tally: ReplayTally, options: AnalyzeReplayOptions): ReplayReport {
  const alpha = options.alpha ?? 0.05;
  const primary = options.primary ?? 'quality';
  const lower = new Set(options.lowerIsBetter ?? []);
  const control = tally.arms.get(options.control) ?? new TallyArm(0);
  const arms = [...tally.arms].map(([variant, a]) => arm(variant, a));
  const treatments = [...tally.arms]
    .filter(([variant]) => variant !== options.control)
    .map(([variant, a]) =>
      compare(variant, control, a, {
        alpha,
        primary,
        lower,
        minCases: options.minCases ?? 30,
        examples: options.examples ?? 5,
        caseIds: tally.caseIds,
        criteria: { ...DEFAULT_GATE_CRITERIA, ...options.criteria },
        // Shadow traffic pairs live requests, a replay recorded cases: the reasons say which.
        unit: tally.flagVersion === SHADOW_VERSION ? 'request' : 'case',
      }),
    );
  return { flagKey: tally.flagKey, flagVersion: tally.flagVersion, control: options.control, alpha, arms, treatments };
}

function arm(variant: string, a: TallyArm): ReplayArm {
  const all = a.cases();
  const latencies: number[] = [];
  const costs: number[] = [];
  for (const ci of all) {
    if (!a.ok(ci)) continue;
    latencies.push(a.latencyMs(ci));
    const cost = a.costUsd(ci);
    if (cost !== undefined) costs.push(cost);
  }
  return {
    variant,
    cases: all.length,
    failures: all.length - latencies.length,
    latencyP95: quantile(latencies, 0.95),
    costMean: costs.length ? costs.reduce((x, y) => x + y, 0) / costs.length : undefined,
  };
}

interface CompareSettings {
  alpha: number;
  primary: string;
  lower: Set<string>;
  minCases: number;
  examples: number;
  caseIds: readonly string[];
  criteria: GateCriteria & typeof DEFAULT_GATE_CRITERIA;
  unit: 'case' | 'request';
}

function compare(variant: string, control: TallyArm, treatment: TallyArm, s: CompareSettings): ReplayTreatment {
  // Case indexes, in the treatment's order: run by both arms, and passed by both.
  const pairs = Array.from(treatment.cases()).filter((ci) => control.has(ci));
  const both = pairs.filter((ci) => control.ok(ci) && treatment.ok(ci));
  const names = new Set<string>();
  for (const name of control.scoreNames()) {
    if (both.some((ci) => control.score(name, ci) !== undefined && treatment.score(name, ci) !== undefined)) names.add(name);
  }
  const ordered = [...names].sort((a, b) => (a === s.primary ? -1 : b === s.primary ? 1 : a.localeCompare(b)));
  const arms = [control, treatment] as const;
  const metrics = ordered.map((name) => comparison(name, both, arms, (a, ci) => a.score(name, ci), s.lower.has(name)));
  const latency = both.length ? comparison('latencyMs', both, arms, (a, ci) => a.latencyMs(ci), true) : undefined;
  const withCost = both.filter((ci) => control.costUsd(ci) !== undefined && treatment.costUsd(ci) !== undefined);
  const cost = withCost.length ? comparison('costUsd', withCost, arms, (a, ci) => a.costUsd(ci), true) : undefined;
  const failures: [number, number] = [pairs.filter((ci) => !control.ok(ci)).length, pairs.filter((ci) => !treatment.ok(ci)).length];

  const reasons: string[] = [];
  let decision: Decision = 'promote';
  for (const m of metrics) {
    const worse = s.lower.has(m.metric) ? m.paired.diff > 0 : m.paired.diff < 0;
    if (worse && m.paired.p < s.alpha) {
      decision = 'rollback';
      reasons.push(
        `${m.metric} is worse on the same ${s.unit}s: ${signed(m.paired.diff)} (paired t ${fmtP(m.paired.p)}, signed-rank ${fmtP(m.signedRank.p)}, ${m.winTieLoss.losses} losses)`,
      );
    }
  }
  const errorTest =
    pairs.length >= 2
      ? pairedTTest(
          pairs.map((ci) => (control.ok(ci) ? 0 : 1)),
          pairs.map((ci) => (treatment.ok(ci) ? 0 : 1)),
        )
      : undefined;
  if (errorTest && errorTest.diff > 0 && errorTest.p < s.alpha) {
    decision = 'rollback';
    reasons.push(`runs fail more often: ${failures[1]} failures against ${failures[0]} (${fmtP(errorTest.p)})`);
  }
  const blockers: string[] = [];
  const quality = metrics.find((m) => m.metric === s.primary);
  if (quality && !s.lower.has(s.primary)) {
    const margin = s.criteria.qualityMarginAbsolute ?? s.criteria.qualityMargin * Math.abs(quality.control);
    if (quality.paired.ci[0] < -margin)
      blockers.push(`${s.primary}: cannot yet rule out a drop of more than ${fmt(margin)} (CI low ${fmt(quality.paired.ci[0])})`);
  }
  if (cost && cost.control > 0) {
    const budget = s.criteria.maxCostIncrease * cost.control;
    const head = `cost per ${s.unit} ${signedPct(cost.paired.diff / cost.control)}`;
    if (cost.paired.ci[0] > budget) {
      decision = 'rollback';
      reasons.push(`${head}: significantly above the +${pct(s.criteria.maxCostIncrease)} budget`);
    } else if (cost.paired.diff > budget) blockers.push(`${head}: above the +${pct(s.criteria.maxCostIncrease)} budget`);
  }
  const p95 = [arm('control', control).latencyP95, arm(variant, treatment).latencyP95] as const;
  if (p95[0] > 0 && p95[1] > p95[0] * (1 + s.criteria.maxLatencyIncrease)) {
    blockers.push(`p95 latency ${fmt(p95[1])} ms vs ${fmt(p95[0])} ms: more than ${pct(s.criteria.maxLatencyIncrease)} slower`);
  }
  if (decision !== 'rollback') {
    if (!quality) {
      decision = 'continue';
      reasons.push(`no '${s.primary}' score on both arms: add a scorer or return scores from run`);
    } else if (both.length < s.minCases) {
      decision = 'continue';
      reasons.push(`${both.length} ${s.unit}s passed on both arms; ${s.minCases} needed`);
    } else if (blockers.length > 0) {
      decision = 'continue';
      reasons.push(...blockers);
    } else reasons.push(`no metric is worse on ${both.length} paired ${s.unit}s, and latency and cost are within the gate's budgets`);
  }
  // Only the listed cases become objects: the rest stay indexes sorted by their difference (a stable sort,
  // so ties keep the treatment's order).
  const diffs = Float64Array.from(both, (ci) => treatment.score(s.primary, ci)! - control.score(s.primary, ci)!);
  const sorted = quality ? [...both.keys()].sort((a, b) => diffs[a]! - diffs[b]!) : [];
  const sign = s.lower.has(s.primary) ? -1 : 1;
  const losses = sorted.filter((i) => diffs[i]! * sign < 0);
  const wins = sorted.filter((i) => diffs[i]! * sign > 0);
  const example = (i: number): ReplayCaseDiff => {
    const ci = both[i]!;
    return {
      caseId: s.caseIds[ci]!,
      input: undefined,
      diff: diffs[i]!,
      control: { output: undefined, score: control.score(s.primary, ci)! },
      treatment: { output: undefined, score: treatment.score(s.primary, ci)! },
    };
  };
  const worst = (sign > 0 ? losses : losses.reverse()).slice(0, s.examples).map(example);
  const best = (sign > 0 ? wins.reverse() : wins).slice(0, s.examples).map(example);
  return { variant, metrics, latency, cost, failures, decision, reasons, worst, best };
}

function comparison(
  metric: string,
  pairs: number[],
  [control, treatment]: readonly [TallyArm, TallyArm],
  read: (arm: TallyArm, ci: number) => number | undefined,
  lowerIsBetter: boolean,
): ReplayMetricComparison {
  const c = pairs.map((ci) => read(control, ci)!);
  const t = pairs.map((ci) => read(treatment, ci)!);
  const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN);
  return {
    metric,
    n: pairs.length,
    lowerIsBetter,
    control: mean(c),
    treatment: mean(t),
    paired: pairedTTest(c, t),
    signedRank: signedRankTest(c, t),
    winTieLoss: lowerIsBetter ? winTieLoss(t, c) : winTieLoss(c, t),
  };
}

/** The q-quantile by linear interpolation between order statistics (R's type 7); NaN for no values. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  return sorted[lo]! + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]!) - sorted[lo]!);
}
