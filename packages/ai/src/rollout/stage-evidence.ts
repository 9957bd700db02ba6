import type { CompiledFlag, RolloutStageName } from '@aiflags/core';
import type { Decision, GateCriteria } from '../gate/decide.js';
import { fmtHours, fmtP, signed } from '../gate/format.js';
import { analyzeReplayTally, type ReplayReport, type ReplayTreatment } from '../replay/analyze-replay.js';
import { replayFlagVersion } from '../replay/replay-flag-version.js';
import { ReplayTally } from '../replay/replay-tally.js';
import type { ReplayResultStore } from '../replay/replay-types.js';
import { SHADOW_VERSION, shadowArm } from '../shadow/shadow-results.js';
import type { ReplayStage, ShadowStage } from './plans.js';

/** Where an evidence stage stands: passed (or skipped by a person), still collecting, or failed (a regression). */
export type StageState = 'passed' | 'skipped' | 'waiting' | 'failed';

/** The metric the treatment did worst on, by its paired t statistic (scale-free across metrics). */
export interface WorstMetric {
  metric: string;
  /** Mean paired difference, treatment − control, in the metric's unit. */
  diff: number;
  /** Two-sided p of the paired t-test. */
  p: number;
}

/** The evidence one stage of a flag's plan has so far, and what it still lacks. */
export interface StageEvidence {
  stage: RolloutStageName;
  state: StageState;
  /** Replay: cases the treatment ran for the current flag version. Shadow: sampled requests the shadow arm ran since the stage began. */
  cases: number;
  /** Cases (replay) or requests (shadow) where both arms succeeded: what the paired statistics use. */
  paired: number;
  /** Paired cases or requests the stage needs. */
  required: number;
  /** The paired analysis's verdict in the gate's words; undefined without results. */
  verdict?: Decision;
  worst?: WorstMetric;
  /** Replay: the flag version the results were read for. */
  flagVersion?: string;
  /** Shadow: ms spent in the stage, and ms it must hold. */
  heldMs?: number;
  holdMs?: number;
  /** What is missing before the stage passes, e.g. `replay: 37 of 200 paired cases`. */
  missing: string[];
  /** Why it failed or passed (the analysis's reasons). */
  reasons: string[];
}

export interface EvidenceOptions {
  alpha?: number;
  criteria?: GateCriteria;
}

/**
 * The replay evidence of a flag's current version: control (the default variant) against the rollout's
 * treatment on the same cases. It fails on a regression, however few the cases; it passes with at least
 * `minCases` paired cases and no regression.
 */
export async function replayEvidence(
  store: ReplayResultStore | undefined,
  flag: CompiledFlag,
  stage: ReplayStage,
  options: EvidenceOptions = {},
): Promise<StageEvidence> {
  const flagVersion = replayFlagVersion(flag.definition);
  const base = { stage: 'replay' as const, required: stage.minCases, flagVersion };
  if (store === undefined) {
    return { ...base, state: 'waiting', cases: 0, paired: 0, missing: ['replay: no replay results store was given to the rollout controller'], reasons: [] };
  }
  const { control, treatment } = arms(flag);
  // Streamed into a tally: the verdict needs the numbers, not the outputs, of however many results there are.
  const tally = await ReplayTally.from(store.stream(flag.key, flagVersion), (r) => r.variant === control || r.variant === treatment);
  const report = analyzeReplayTally(tally, { control, minCases: stage.minCases, ...analysisOptions(options) });
  const cases = report.arms.find((a) => a.variant === treatment)?.cases ?? 0;
  const run = `aiflags replay ${flag.key} --cases <file> --run <module>`;
  if (cases === 0) {
    return {
      ...base,
      state: 'waiting',
      cases: 0,
      paired: 0,
      missing: [`replay: 0 of ${stage.minCases} cases for flag version ${flagVersion} (run \`${run}\`)`],
      reasons: [],
    };
  }
  return judged(base, report, treatment, cases, stage.minCases, 'cases');
}

/**
 * The shadow evidence since the shadow stage began (`since`, epoch ms): the treatment's shadow arm paired
 * per request with the served control. It fails on a regression; it passes once `holdMs` has passed with
 * at least `minSamples` paired requests and no regression.
 */
export async function shadowEvidence(
  store: ReplayResultStore | undefined,
  flag: CompiledFlag,
  stage: ShadowStage,
  since: number,
  now: number,
  options: EvidenceOptions = {},
): Promise<StageEvidence> {
  const heldMs = Math.max(0, now - since);
  const base = { stage: 'shadow' as const, required: stage.minSamples, heldMs, holdMs: stage.holdMs };
  const hold = heldMs < stage.holdMs ? [`shadow: held ${fmtHours(heldMs)} of ${fmtHours(stage.holdMs)}`] : [];
  if (store === undefined) {
    return {
      ...base,
      state: 'waiting',
      cases: 0,
      paired: 0,
      missing: [...hold, 'shadow: no shadow results store was given to the rollout controller'],
      reasons: [],
    };
  }
  const { control, treatment } = arms(flag);
  const arm = shadowArm(treatment);
  const tally = await ReplayTally.from(
    store.stream(flag.key, SHADOW_VERSION),
    (r) => (r.variant === control || r.variant === arm) && Date.parse(r.at) >= since,
  );
  const report = analyzeReplayTally(tally, { control, minCases: stage.minSamples, ...analysisOptions(options) });
  const cases = report.arms.find((a) => a.variant === arm)?.cases ?? 0;
  if (cases === 0) {
    const missing = [
      ...hold,
      `shadow: 0 of ${stage.minSamples} paired requests since the stage began (the flag needs \`shadow: { variant: ${treatment}, rate }\` and the app \`flags.shadow(...)\`)`,
    ];
    return { ...base, state: 'waiting', cases: 0, paired: 0, missing, reasons: [] };
  }
  const evidence = judged(base, report, arm, cases, stage.minSamples, 'requests');
  if (evidence.state === 'passed' && hold.length > 0) return { ...evidence, state: 'waiting', missing: [...hold, ...evidence.missing] };
  if (evidence.state === 'waiting') evidence.missing.unshift(...hold);
  return evidence;
}

/** The evidence of a stage a person skipped: nothing was required. */
export function skippedEvidence(stage: RolloutStageName): StageEvidence {
  return { stage, state: 'skipped', cases: 0, paired: 0, required: 0, missing: [], reasons: [`${stage} skipped (see the audit log for who and why)`] };
}

function judged<B extends { stage: RolloutStageName }>(
  base: B,
  report: ReplayReport,
  variant: string,
  cases: number,
  required: number,
  unit: 'cases' | 'requests',
): B & StageEvidence {
  const t = report.treatments.find((x) => x.variant === variant);
  const paired = t?.latency?.n ?? 0;
  const verdict = t?.decision;
  const worst = t ? worstMetric(t) : undefined;
  const common = { ...base, cases, paired, required, ...(verdict ? { verdict } : {}), ...(worst ? { worst } : {}) };
  if (verdict === 'rollback') return { ...common, state: 'failed', missing: [], reasons: t!.reasons };
  if (paired < required) {
    return { ...common, state: 'waiting', missing: [`${base.stage}: ${paired} of ${required} paired ${unit}`], reasons: t?.reasons ?? [] };
  }
  return { ...common, state: 'passed', missing: [], reasons: [`${paired} paired ${unit}, no regression${worst ? ` (worst: ${fmtWorst(worst)})` : ''}`] };
}

function worstMetric(t: ReplayTreatment): WorstMetric | undefined {
  let worst: ReplayTreatment['metrics'][number] | undefined;
  for (const m of t.metrics) if (Number.isFinite(m.paired.t) && (worst === undefined || m.paired.t < worst.paired.t)) worst = m;
  return worst ? { metric: worst.metric, diff: worst.paired.diff, p: worst.paired.p } : undefined;
}

/** `quality −0.31 (p = 0.002)`. */
export function fmtWorst(w: WorstMetric): string {
  return `${w.metric} ${signed(w.diff)} (${fmtP(w.p)})`;
}

function arms(flag: CompiledFlag): { control: string; treatment: string } {
  return { control: flag.definition.defaultVariant, treatment: flag.definition.rollout?.variant ?? flag.definition.defaultVariant };
}

function analysisOptions(options: EvidenceOptions): { alpha?: number; criteria?: GateCriteria } {
  return { ...(options.alpha !== undefined ? { alpha: options.alpha } : {}), ...(options.criteria !== undefined ? { criteria: options.criteria } : {}) };
}
