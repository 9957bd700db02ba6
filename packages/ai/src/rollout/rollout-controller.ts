import { AUDIT_ACTIONS, type AuditAction, type CompiledFlag, type FlagOverride, type FlagSet, type RolloutStageName, type StateStore } from '@aiflags/core';
import type { MetricStore } from '@aiflags/metrics';
import { promotedVariant, type GateCriteria } from '../gate/decide.js';
import { fmtHours } from '../gate/format.js';
import { measureFlag } from '../gate/measure-flag.js';
import { expectedShares } from '../impact/expected-shares.js';
import type { ReplayResultStore } from '../replay/replay-types.js';
import { planStages, rolloutPlans, type RolloutPlan, type RolloutPlans } from './plans.js';
import { RolloutSkipError } from './rollout-skip-error.js';
import { type EvidenceOptions, replayEvidence, type StageEvidence, shadowEvidence, skippedEvidence } from './stage-evidence.js';

export interface RolloutControllerOptions {
  state: StateStore;
  /** Read side: `query()` is all the controller uses. */
  metrics: Pick<MetricStore, 'query'>;
  /** The flag set, or a getter for the one being served now (hot reload). */
  flags: FlagSet | (() => FlagSet | undefined);
  /** Epoch ms. */
  clock?: () => number;
  /** Plans replacing the defaults for some change types. */
  plans?: Partial<RolloutPlans>;
  criteria?: GateCriteria;
  /** Significance level of the gate (default 0.05). */
  alpha?: number;
  /** Recorded as the actor of every change (default `rollout-controller`). */
  actor?: string;
  /** Where `aiflags replay` keeps results (e.g. FileReplayResults): the evidence of a plan's replay stage. */
  replays?: ReplayResultStore;
  /** Where shadow results are kept (flag version `shadow`); default: `replays`. */
  shadows?: ReplayResultStore;
}

/** `stage`: a flag moved from one evidence stage to the next (replay → shadow); nobody is exposed yet. */
export type RolloutActionKind = 'start' | 'stage' | 'advance' | 'promote' | 'rollback' | 'hold' | 'drop';

/** What one tick did (or decided not to do) for one flag. */
export interface RolloutAction {
  flagKey: string;
  action: RolloutActionKind;
  /** Percent of units on the treatment before and after. */
  from: number;
  to: number;
  /** Step index after the action (0 while in an evidence stage). */
  step: number;
  /** The evidence stage the flag is in after the action; absent at the percentage steps. */
  stage?: RolloutStageName;
  reasons: string[];
  /** A multi-arm test: the arms taken out by this action ('drop'), or the variant now served to everyone ('promote'). */
  dropped?: string[];
  variant?: string;
}

/** Where a flag stands in its plan. */
export interface RolloutProgress {
  flagKey: string;
  changeType: string;
  treatment: string;
  control: string;
  status: NonNullable<FlagOverride['rolloutStatus']> | 'not-started';
  /** Percent served the treatment now. */
  percentage: number;
  /** The evidence stage the flag is in ('replay', 'shadow'), 'percentages' at the steps, undefined before the plan starts. */
  stage: RolloutStageName | 'percentages' | undefined;
  /**
   * The plan's evidence stages the flag is in or still has ahead, in order (skipped ones included): empty
   * once it is at its percentage steps, and for a flag the file already serves (it joins at a step).
   */
  stages: RolloutStageName[];
  /** Evidence stages a person skipped. */
  skippedStages: RolloutStageName[];
  step: number | undefined;
  steps: number[];
  /** ISO-8601. */
  stepStartedAt: string | undefined;
  /** ms left to hold the current step or shadow stage (0 when the time is met). */
  holdRemainingMs: number;
}

/** A flag's progress with the evidence of each of its plan's stages and what is still missing. */
export interface RolloutEvidence extends RolloutProgress {
  evidence: StageEvidence[];
  /** What the current stage still needs, e.g. `replay: 37 of 200 paired cases`; empty at the percentage steps. */
  missing: string[];
}

const DEFAULT_ACTOR = 'rollout-controller';

/**
 * Walks each flag that has a `changeType` and a top-level `rollout` through its plan, one step per tick
 * at most: advance when the step's hold time and sample size are met and the gate says promote, roll
 * back to 0 % when the gate says rollback, otherwise hold. Every change goes through the live state,
 * whose store writes the audit entry. The clock is passed in so tests and simulations control time.
 */
export class RolloutController {
  private readonly plans: RolloutPlans;
  private readonly clock: () => number;
  private readonly actor: string;

  constructor(private readonly options: RolloutControllerOptions) {
    this.plans = rolloutPlans(options.plans);
    this.clock = options.clock ?? Date.now;
    this.actor = options.actor ?? DEFAULT_ACTOR;
  }

  /** The flags the controller manages, with their plans. */
  managed(): Array<{ flag: CompiledFlag; plan: RolloutPlan }> {
    const set = typeof this.options.flags === 'function' ? this.options.flags() : this.options.flags;
    if (!set) return [];
    const out: Array<{ flag: CompiledFlag; plan: RolloutPlan }> = [];
    for (const flag of set.flags.values()) {
      const plan = flag.changeType ? this.plans[flag.changeType] : undefined;
      const rollout = flag.definition.rollout;
      if (plan && rollout && rollout.variant !== flag.definition.defaultVariant && plan.steps.length > 0) out.push({ flag, plan });
    }
    return out;
  }

  /** Progress of every managed flag (or of one). */
  status(flagKey?: string): RolloutProgress[] {
    const now = this.clock();
    const live = this.options.state.current();
    return this.managed()
      .filter(({ flag }) => flagKey === undefined || flag.key === flagKey)
      .map(({ flag, plan }) => {
        const o = live.flags[flag.key];
        const step = o?.rolloutStep;
        const started = o?.stepStartedAt ? Date.parse(o.stepStartedAt) : NaN;
        const hold =
          o?.rolloutStage === 'shadow' ? (plan.shadow?.holdMs ?? 0) : o?.rolloutStage === undefined && step !== undefined ? (plan.steps[step]?.holdMs ?? 0) : 0;
        return {
          flagKey: flag.key,
          changeType: plan.changeType,
          treatment: flag.definition.rollout!.variant,
          control: flag.definition.defaultVariant,
          status: o?.rolloutStatus ?? 'not-started',
          percentage: o?.percentage ?? flag.definition.rollout!.percentage,
          stage: o?.rolloutStage ?? (step !== undefined ? 'percentages' : undefined),
          stages: stagesAhead(plan, o, o?.percentage ?? flag.definition.rollout!.percentage),
          skippedStages: o?.skippedStages ?? [],
          step,
          steps: plan.steps.map((s) => s.percentage),
          stepStartedAt: o?.stepStartedAt,
          holdRemainingMs: Number.isFinite(started) ? Math.max(0, started + hold - now) : 0,
        };
      });
  }

  /**
   * Progress with evidence: for each managed flag whose plan has evidence stages, what replay and shadow
   * show so far (cases, paired, verdict, worst metric, time held) and what the current stage still needs.
   */
  async evidence(flagKey?: string): Promise<RolloutEvidence[]> {
    const now = this.clock();
    const live = this.options.state.current();
    const byKey = new Map(this.managed().map((m) => [m.flag.key, m]));
    const out: RolloutEvidence[] = [];
    for (const progress of this.status(flagKey)) {
      const { flag, plan } = byKey.get(progress.flagKey)!;
      const override = live.flags[flag.key];
      const evidence: StageEvidence[] = [];
      for (const stage of progress.stages) evidence.push(await this.stageEvidence(flag, plan, override, stage, now));
      const current = evidence.find((e) => e.stage === progress.stage);
      const missing = current ? current.missing : progress.stage === undefined && progress.status === 'not-started' ? evidence.flatMap((e) => e.missing) : [];
      out.push({ ...progress, evidence, missing });
    }
    return out;
  }

  /**
   * Skips an evidence stage of a flag's plan (it counts as passed from the next tick), with the person's
   * reason in the audit log. Refused without a reason, for a stage the plan lacks, or for one already behind.
   */
  async skipStage(flagKey: string, stage: string, meta: { reason?: string; actor?: string }): Promise<void> {
    if (stage !== 'replay' && stage !== 'shadow') throw new RolloutSkipError(`stage: expected 'replay' or 'shadow', got '${stage}'`);
    const reason = meta.reason?.trim();
    if (!reason) throw new RolloutSkipError(`skipping the ${stage} stage of '${flagKey}' needs a reason (--reason "…"): it goes in the audit log`);
    const managed = this.managed().find((m) => m.flag.key === flagKey);
    if (!managed) throw new RolloutSkipError(`'${flagKey}' has no rollout plan: it needs a changeType and a top-level rollout`);
    const stages = planStages(managed.plan);
    if (!stages.includes(stage)) {
      throw new RolloutSkipError(`the ${managed.plan.changeType} plan of '${flagKey}' has no ${stage} stage (its stages: ${stages.join(', ') || 'none'})`);
    }
    const override = this.options.state.current().flags[flagKey];
    if (override?.skippedStages?.includes(stage)) return;
    const status = override?.rolloutStatus;
    const behind =
      (status !== undefined && status !== 'running') ||
      (status === 'running' && override?.rolloutStage === undefined) ||
      (override?.rolloutStage !== undefined && stages.indexOf(override.rolloutStage) > stages.indexOf(stage));
    if (behind) throw new RolloutSkipError(`'${flagKey}' is already past its ${stage} stage (${override?.rolloutStage ?? status})`);
    const change: FlagOverride = { ...override, skippedStages: [...(override?.skippedStages ?? []), stage] };
    await this.options.state.setFlagOverride(flagKey, change, {
      reason: `skipped the ${stage} stage: ${reason}`,
      action: AUDIT_ACTIONS.rolloutSkip,
      ...(meta.actor !== undefined ? { actor: meta.actor } : {}),
    });
  }

  private async stageEvidence(
    flag: CompiledFlag,
    plan: RolloutPlan,
    override: FlagOverride | undefined,
    stage: RolloutStageName,
    now: number,
  ): Promise<StageEvidence> {
    if (override?.skippedStages?.includes(stage)) return skippedEvidence(stage);
    const options: EvidenceOptions = {
      ...(this.options.alpha !== undefined ? { alpha: this.options.alpha } : {}),
      ...(this.options.criteria !== undefined ? { criteria: this.options.criteria } : {}),
    };
    if (stage === 'replay') return replayEvidence(this.options.replays, flag, plan.replay!, options);
    // Shadow evidence counts from when the stage began; before that, nothing has been held yet.
    const since = override?.rolloutStage === 'shadow' && override.stepStartedAt ? Date.parse(override.stepStartedAt) : now;
    return shadowEvidence(this.options.shadows ?? this.options.replays, flag, plan.shadow!, since, now, options);
  }

  /**
   * The multi-arm tests the controller runs: flags with a `changeType` and a top-level `split` over two or
   * more variants (a prompt A/B/C test). Their plan's first step sets the minimum time and units per arm.
   */
  managedTests(): Array<{ flag: CompiledFlag; plan: RolloutPlan }> {
    const set = typeof this.options.flags === 'function' ? this.options.flags() : this.options.flags;
    if (!set) return [];
    const out: Array<{ flag: CompiledFlag; plan: RolloutPlan }> = [];
    for (const flag of set.flags.values()) {
      const plan = flag.changeType ? this.plans[flag.changeType] : undefined;
      const split = flag.definition.split;
      if (plan && plan.steps.length > 0 && !flag.definition.rollout && split && Object.values(split).filter((w) => w > 0).length >= 2) out.push({ flag, plan });
    }
    return out;
  }

  /** One pass over every managed flag and test; returns what happened to each. */
  async tick(): Promise<RolloutAction[]> {
    const actions: RolloutAction[] = [];
    for (const { flag, plan } of this.managed()) actions.push(await this.tickFlag(flag, plan));
    for (const { flag, plan } of this.managedTests()) actions.push(await this.tickTest(flag, plan));
    return actions;
  }

  /**
   * A multi-arm test, per arm: an arm the gate drops is taken out at once (its units re-split over the
   * others by their weights; everyone else keeps their arm) and the measurement window restarts; when
   * every arm is dropped, or the control wins, the test rolls back to control; a winner is promoted once
   * the plan's first-step hold and units per arm are met. `percentage` in the actions is the share of
   * units on a variant other than control.
   */
  private async tickTest(flag: CompiledFlag, plan: RolloutPlan): Promise<RolloutAction> {
    const key = flag.key;
    const now = this.clock();
    const override = this.options.state.current().flags[key];
    const control = flag.definition.defaultVariant;
    const status = override?.rolloutStatus;
    const current = treatedShare(flag, override);
    if (status === 'rolled-back' || status === 'promoted' || status === 'paused') {
      return { flagKey: key, action: 'hold', from: current, to: current, step: 0, reasons: [`test ${status}; nothing to do`] };
    }
    const step = plan.steps[0]!;
    if (status !== 'running') {
      const arms = Object.keys(flag.definition.split!).join(', ');
      await this.write(
        key,
        override,
        { rolloutStatus: 'running', rolloutStep: 0, stepStartedAt: iso(now) },
        AUDIT_ACTIONS.rolloutStart,
        `${plan.changeType} test of ${arms} started`,
      );
      return {
        flagKey: key,
        action: 'start',
        from: current,
        to: current,
        step: 0,
        reasons: [`started the ${plan.changeType} test of ${arms}: at least ${fmtHours(step.holdMs)} and ${step.minUnitsPerGroup} units per arm`],
      };
    }
    const startedAt = override?.stepStartedAt ? Date.parse(override.stepStartedAt) : now;
    const alreadyDropped = new Set(override?.droppedVariants ?? []);
    // From the test's (or the last drop's) start, with the shares the live override gives the remaining arms.
    const treatments = Object.keys(flag.definition.split!).filter((v) => v !== control && !alreadyDropped.has(v));
    const { report, verdict } = await this.judge(flag, override, startedAt, now, treatments, expectedShares(flag, override));

    if (verdict.decision === 'rollback') {
      const reason = `rolled back to '${control}': ${verdict.reasons.join('; ')}`;
      await this.write(key, override, { variant: control, rolloutStatus: 'rolled-back', stepStartedAt: iso(now) }, AUDIT_ACTIONS.rolloutRollback, reason);
      return { flagKey: key, action: 'rollback', from: current, to: 0, step: 0, reasons: verdict.reasons, variant: control, dropped: verdict.dropped };
    }
    const newlyDropped = verdict.dropped.filter((v) => !alreadyDropped.has(v));
    if (newlyDropped.length > 0) {
      const droppedVariants = [...alreadyDropped, ...newlyDropped];
      const reason = `dropped ${newlyDropped.map((v) => `'${v}'`).join(', ')}: ${verdict.reasons.filter((r) => newlyDropped.some((v) => r.startsWith(`${v}: `))).join('; ')}`;
      await this.write(key, override, { droppedVariants, stepStartedAt: iso(now) }, AUDIT_ACTIONS.rolloutDrop, reason);
      const to = treatedShare(flag, { ...override, droppedVariants });
      return { flagKey: key, action: 'drop', from: current, to, step: 0, reasons: verdict.reasons, dropped: newlyDropped };
    }
    const waiting: string[] = [];
    if (now - startedAt < step.holdMs) waiting.push(`hold: ${fmtHours(now - startedAt)} of ${fmtHours(step.holdMs)}`);
    const fewest = Math.min(...report.variants.filter((v) => !alreadyDropped.has(v.variant)).map((v) => v.size.units));
    if (!(fewest >= step.minUnitsPerGroup)) waiting.push(`samples: ${Number.isFinite(fewest) ? fewest : 0} of ${step.minUnitsPerGroup} units per arm`);
    const winner = promotedVariant(verdict);
    if (winner === undefined) waiting.push(...verdict.reasons);
    if (waiting.length > 0 || winner === undefined) return { flagKey: key, action: 'hold', from: current, to: current, step: 0, reasons: waiting };

    const reason = `promoted '${winner}': ${verdict.reasons.join('; ')}`;
    await this.write(key, override, { variant: winner, rolloutStatus: 'promoted', stepStartedAt: iso(now) }, AUDIT_ACTIONS.rolloutPromote, reason);
    return { flagKey: key, action: 'promote', from: current, to: winner === control ? 0 : 100, step: 0, reasons: verdict.reasons, variant: winner };
  }

  private async tickFlag(flag: CompiledFlag, plan: RolloutPlan): Promise<RolloutAction> {
    const key = flag.key;
    const now = this.clock();
    const override = this.options.state.current().flags[key];
    const rollout = flag.definition.rollout!;
    const current = override?.percentage ?? rollout.percentage;
    const status = override?.rolloutStatus;

    if (status === 'rolled-back' || status === 'promoted' || status === 'paused') {
      return { flagKey: key, action: 'hold', from: current, to: current, step: override?.rolloutStep ?? 0, reasons: [`rollout ${status}; nothing to do`] };
    }
    if (override?.rolloutStage !== undefined && status === 'running') return this.tickStage(flag, plan, override, override.rolloutStage, now);
    const stepIndex = override?.rolloutStep;
    if (stepIndex === undefined || plan.steps[stepIndex] === undefined) {
      // Evidence stages come before the first percentage, so they apply to a flag nobody is served yet;
      // a flag the file already serves has begun exposure, and joins its plan at a percentage step.
      const pending = current === 0 ? this.pendingStages(plan, override) : [];
      if (pending.length > 0) {
        const stage = pending[0]!;
        const order = [...pending, `${plan.steps[0]!.percentage} %`].join(' → ');
        await this.write(
          key,
          override,
          { percentage: 0, rolloutStage: stage, stepStartedAt: iso(now), rolloutStatus: 'running' },
          AUDIT_ACTIONS.rolloutStart,
          `${plan.changeType} plan started with the ${stage} stage`,
        );
        const evidence = await this.stageEvidence(flag, plan, { ...override, rolloutStage: stage, stepStartedAt: iso(now) }, stage, now);
        const reasons = [`started the ${plan.changeType} plan with its evidence stages (${order}); nobody is served '${rollout.variant}' until they pass`];
        return { flagKey: key, action: 'start', from: current, to: 0, step: 0, stage, reasons: [...reasons, ...stageReasons(evidence)] };
      }
      // A flag already live at some percentage joins its plan at the highest step not above it, so a
      // model swap the file serves at 5 % is not cut back to 1 %, and exposure never widens unmeasured.
      const startIndex = Math.max(
        0,
        plan.steps.findLastIndex((s) => s.percentage <= current),
      );
      const first = plan.steps[startIndex]!;
      const steps = plan.steps.map((s) => `${s.percentage} %`).join(' → ');
      const skipped = override?.skippedStages?.length ? ` (skipped: ${override.skippedStages.join(', ')})` : '';
      await this.write(
        key,
        override,
        { percentage: first.percentage, rolloutStep: startIndex, stepStartedAt: iso(now), rolloutStatus: 'running' },
        AUDIT_ACTIONS.rolloutStart,
        `${plan.changeType} plan started at ${first.percentage} %${skipped}`,
      );
      return {
        flagKey: key,
        action: 'start',
        from: current,
        to: first.percentage,
        step: startIndex,
        reasons: [`started the ${plan.changeType} plan (${steps}) at ${first.percentage} %${skipped}`],
      };
    }

    const step = plan.steps[stepIndex]!;
    const startedAt = override?.stepStartedAt ? Date.parse(override.stepStartedAt) : now;
    const { report, verdict } = await this.judge(flag, override, startedAt, now, [rollout.variant], expectedShares(flag, { percentage: step.percentage }));

    if (verdict.decision === 'rollback') {
      const reason = `rolled back from ${step.percentage} %: ${verdict.reasons.join('; ')}`;
      await this.write(
        key,
        override,
        { percentage: 0, rolloutStep: stepIndex, stepStartedAt: iso(now), rolloutStatus: 'rolled-back' },
        AUDIT_ACTIONS.rolloutRollback,
        reason,
      );
      return { flagKey: key, action: 'rollback', from: current, to: 0, step: stepIndex, reasons: verdict.reasons };
    }

    const waiting: string[] = [];
    const heldMs = now - startedAt;
    if (heldMs < step.holdMs) waiting.push(`hold: ${fmtHours(heldMs)} of ${fmtHours(step.holdMs)} at ${step.percentage} %`);
    const t = report.treatments[0];
    const units = t ? Math.min(t.n.control.units, t.n.treatment.units) : 0;
    if (units < step.minUnitsPerGroup) waiting.push(`samples: ${units} of ${step.minUnitsPerGroup} units per group this step`);
    if (verdict.decision !== 'promote') waiting.push(...verdict.reasons);
    if (waiting.length > 0) return { flagKey: key, action: 'hold', from: current, to: current, step: stepIndex, reasons: waiting };
    // A flag that joined already exposed skipped the evidence stages; a replay that failed since still stops it widening.
    if (plan.replay && this.options.replays && !override?.skippedStages?.includes('replay')) {
      const replay = await this.stageEvidence(flag, plan, override, 'replay', now);
      if (replay.state === 'failed') {
        const reasons = [`not widening past ${step.percentage} %: ${stageReasons(replay).join('; ')}`];
        return { flagKey: key, action: 'hold', from: current, to: current, step: stepIndex, reasons };
      }
    }

    const nextIndex = stepIndex + 1;
    const next = plan.steps[nextIndex];
    if (!next || next.percentage >= 100) {
      const reason = `promoted to 100 % after ${plan.steps.length - 1} steps: ${verdict.reasons.join('; ')}`;
      await this.write(
        key,
        override,
        { percentage: 100, rolloutStep: next ? nextIndex : stepIndex, stepStartedAt: iso(now), rolloutStatus: 'promoted' },
        AUDIT_ACTIONS.rolloutPromote,
        reason,
      );
      return { flagKey: key, action: 'promote', from: current, to: 100, step: next ? nextIndex : stepIndex, reasons: verdict.reasons };
    }
    const reason = `advanced ${step.percentage} % → ${next.percentage} %: ${verdict.reasons.join('; ')}`;
    await this.write(
      key,
      override,
      { percentage: next.percentage, rolloutStep: nextIndex, stepStartedAt: iso(now), rolloutStatus: 'running' },
      AUDIT_ACTIONS.rolloutAdvance,
      reason,
    );
    return { flagKey: key, action: 'advance', from: current, to: next.percentage, step: nextIndex, reasons: verdict.reasons };
  }

  /**
   * A flag in an evidence stage (served to nobody): holds while the evidence is short or shows a regression,
   * and moves on to the next stage, or to the plan's first percentage, once it passes or was skipped.
   */
  private async tickStage(flag: CompiledFlag, plan: RolloutPlan, override: FlagOverride, stage: RolloutStageName, now: number): Promise<RolloutAction> {
    const key = flag.key;
    const current = override.percentage ?? 0;
    const evidence = await this.stageEvidence(flag, plan, override, stage, now);
    if (evidence.state === 'failed') {
      const reasons = [
        `${stage} failed: ${evidence.reasons.join('; ')}`,
        `nobody is served '${flag.definition.rollout!.variant}'; fix the candidate and run the ${stage} again, or skip it with a reason (--skip-stage ${stage} --reason "…")`,
      ];
      return { flagKey: key, action: 'hold', from: current, to: current, step: 0, stage, reasons };
    }
    if (evidence.state === 'waiting') return { flagKey: key, action: 'hold', from: current, to: current, step: 0, stage, reasons: evidence.missing };

    const passed = `${stage} ${evidence.state === 'skipped' ? 'skipped' : `passed: ${evidence.reasons.join('; ')}`}`;
    const stages = planStages(plan);
    const next = this.pendingStages(plan, override).find((s) => stages.indexOf(s) > stages.indexOf(stage));
    if (next !== undefined) {
      await this.write(key, override, { rolloutStage: next, stepStartedAt: iso(now) }, AUDIT_ACTIONS.rolloutStage, `${passed}; ${next} stage next`);
      return { flagKey: key, action: 'stage', from: current, to: current, step: 0, stage: next, reasons: [passed, `${next} stage started`] };
    }
    const first = plan.steps[0]!;
    await this.write(
      key,
      override,
      { percentage: first.percentage, rolloutStep: 0, rolloutStage: undefined, stepStartedAt: iso(now) },
      AUDIT_ACTIONS.rolloutStage,
      `${passed}; first step ${first.percentage} %`,
    );
    return { flagKey: key, action: 'advance', from: current, to: first.percentage, step: 0, reasons: [passed, `first step: ${first.percentage} %`] };
  }

  /** The plan's evidence stages not skipped, in order. */
  private pendingStages(plan: RolloutPlan, override: FlagOverride | undefined): RolloutStageName[] {
    return planStages(plan).filter((s) => !override?.skippedStages?.includes(s));
  }

  /** The gate's verdict on a step or test, read over the window that started at `startedAt`. */
  private judge(
    flag: CompiledFlag,
    override: FlagOverride | undefined,
    startedAt: number,
    now: number,
    treatments: string[],
    shares: Record<string, number> | undefined,
  ) {
    return measureFlag(this.options.metrics, flag, {
      live: { ...override, rolloutStatus: 'running', stepStartedAt: iso(startedAt) },
      now,
      treatments,
      expectedShares: shares,
      ...(this.options.alpha !== undefined ? { alpha: this.options.alpha } : {}),
      ...(this.options.criteria !== undefined ? { criteria: this.options.criteria } : {}),
    });
  }

  private async write(key: string, before: FlagOverride | undefined, progress: FlagOverride, action: AuditAction, reason: string): Promise<void> {
    const next: Record<string, unknown> = { ...before, ...progress };
    // A field set to undefined is cleared (leaving an evidence stage), not kept as an undefined key.
    for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k];
    await this.options.state.setFlagOverride(key, next as FlagOverride, { actor: this.actor, reason, action });
  }
}

/** The evidence stages a flag is in or has ahead (see `RolloutProgress.stages`). */
function stagesAhead(plan: RolloutPlan, override: FlagOverride | undefined, percentage: number): RolloutStageName[] {
  const all = planStages(plan);
  if (override?.rolloutStage !== undefined && override.rolloutStatus === 'running') return all.slice(all.indexOf(override.rolloutStage));
  const started = override?.rolloutStatus !== undefined;
  return !started && percentage === 0 ? all : [];
}

/** What an evidence stage shows, for an action's reasons: its failure, what it lacks, or why it passed. */
function stageReasons(e: StageEvidence): string[] {
  if (e.state === 'failed') return [`${e.stage} failed: ${e.reasons.join('; ')}`];
  return e.state === 'waiting' ? e.missing : e.reasons;
}

/** Percent of a multi-arm test's units on an arm other than control, under a live override. */
function treatedShare(flag: CompiledFlag, override: FlagOverride | undefined): number {
  const control = expectedShares(flag, override)?.[flag.definition.defaultVariant] ?? 0;
  return Math.round((100 - control) * 1000) / 1000;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
