import { AUDIT_ACTIONS, type AuditAction, type CompiledFlag, type FlagOverride, type FlagSet, type StateStore } from '@aiflags/core';
import { HOUR_MS, type MetricStore } from '@aiflags/metrics';
import { promotedVariant, type GateCriteria } from '../gate/decide.js';
import { measureFlag } from '../gate/measure-flag.js';
import { expectedShares } from '../impact/expected-shares.js';
import { rolloutPlans, type RolloutPlan, type RolloutPlans } from './plans.js';

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
}

export type RolloutActionKind = 'start' | 'advance' | 'promote' | 'rollback' | 'hold' | 'drop';

/** What one tick did (or decided not to do) for one flag. */
export interface RolloutAction {
  flagKey: string;
  action: RolloutActionKind;
  /** Percent of units on the treatment before and after. */
  from: number;
  to: number;
  /** Step index after the action. */
  step: number;
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
  step: number | undefined;
  steps: number[];
  /** ISO-8601. */
  stepStartedAt: string | undefined;
  /** ms left to hold the current step (0 when the time is met). */
  holdRemainingMs: number;
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
        const hold = step !== undefined ? (plan.steps[step]?.holdMs ?? 0) : 0;
        return {
          flagKey: flag.key,
          changeType: plan.changeType,
          treatment: flag.definition.rollout!.variant,
          control: flag.definition.defaultVariant,
          status: o?.rolloutStatus ?? 'not-started',
          percentage: o?.percentage ?? flag.definition.rollout!.percentage,
          step,
          steps: plan.steps.map((s) => s.percentage),
          stepStartedAt: o?.stepStartedAt,
          holdRemainingMs: Number.isFinite(started) ? Math.max(0, started + hold - now) : 0,
        };
      });
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
    const stepIndex = override?.rolloutStep;
    if (stepIndex === undefined || plan.steps[stepIndex] === undefined) {
      // A flag already live at some percentage joins its plan at the highest step not above it, so a
      // model swap the file serves at 5 % is not cut back to 1 %, and exposure never widens unmeasured.
      const startIndex = Math.max(
        0,
        plan.steps.findLastIndex((s) => s.percentage <= current),
      );
      const first = plan.steps[startIndex]!;
      const steps = plan.steps.map((s) => `${s.percentage} %`).join(' → ');
      await this.write(
        key,
        override,
        { percentage: first.percentage, rolloutStep: startIndex, stepStartedAt: iso(now), rolloutStatus: 'running' },
        AUDIT_ACTIONS.rolloutStart,
        `${plan.changeType} plan started at ${first.percentage} %`,
      );
      return {
        flagKey: key,
        action: 'start',
        from: current,
        to: first.percentage,
        step: startIndex,
        reasons: [`started the ${plan.changeType} plan (${steps}) at ${first.percentage} %`],
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
    await this.options.state.setFlagOverride(key, { ...before, ...progress }, { actor: this.actor, reason, action });
  }
}

/** Percent of a multi-arm test's units on an arm other than control, under a live override. */
function treatedShare(flag: CompiledFlag, override: FlagOverride | undefined): number {
  const control = expectedShares(flag, override)?.[flag.definition.defaultVariant] ?? 0;
  return Math.round((100 - control) * 1000) / 1000;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function fmtHours(ms: number): string {
  return `${Math.round((ms / HOUR_MS) * 10) / 10} h`;
}
