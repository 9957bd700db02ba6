import type { ChangeType, RolloutStageName } from '@aiflags/core';
import { HOUR_MS } from '@aiflags/metrics';

/** One step of a rollout plan. */
export interface RolloutStep {
  /** Percent of units (0-100) served the treatment during this step. */
  percentage: number;
  /** Minimum time at this step before moving on, ms. */
  holdMs: number;
  /** Minimum distinct units per group (control and treatment) measured during this step before moving on. */
  minUnitsPerGroup: number;
}

/** Offline evidence before anyone is exposed: recorded cases run through control and treatment (`aiflags replay`). */
export interface ReplayStage {
  /** Cases that must have passed on both arms (paired) for the current flag version. */
  minCases: number;
}

/** Evidence beside live traffic, never served: the treatment's shadow arm paired with the served control. */
export interface ShadowStage {
  /** Minimum time in the shadow stage, ms. */
  holdMs: number;
  /** Minimum requests with both arms recorded (paired) since the stage began. */
  minSamples: number;
}

export interface RolloutPlan {
  changeType: ChangeType;
  /** A leading replay stage: passes when enough cases are paired and the replay shows no regression. */
  replay?: ReplayStage;
  /** A shadow stage after replay: passes after its hold with enough paired requests and no regression. */
  shadow?: ShadowStage;
  /** In order; the last step is normally 100 %, reaching it promotes the flag. */
  steps: RolloutStep[];
}

export type RolloutPlans = Record<ChangeType, RolloutPlan>;

/** Steps from the start percentage up to 100 %, each held `holdHours`, needing more units as exposure grows. */
function plan(changeType: ChangeType, holdHours: number, percentages: number[]): RolloutPlan {
  const minUnits = [100, 200, 500, 1000];
  return {
    changeType,
    steps: percentages.map((percentage, i) => ({
      percentage,
      holdMs: percentage === 100 ? 0 : holdHours * HOUR_MS,
      minUnitsPerGroup: percentage === 100 ? 0 : minUnits[Math.min(i, minUnits.length - 1)]!,
    })),
  };
}

/**
 * The evidence stages in front of a model swap or a new agent workflow: 200 paired replay cases find a
 * quality drop of about 0.2 sd of the paired differences at the 5 % level with 80 % power; 24 h of shadow traffic covers a whole
 * daily cycle, and 500 paired requests find about 0.13 sd.
 */
const EVIDENCE = { replay: { minCases: 200 }, shadow: { holdMs: 24 * HOUR_MS, minSamples: 500 } } as const satisfies Pick<RolloutPlan, 'replay' | 'shadow'>;

/**
 * Default plans per change type. The riskier the change, the smaller the first step and the longer each
 * hold: a model swap or a new agent workflow touches every answer, so replay and shadow come first; a
 * parameter tweak is cheap to undo.
 */
export const DEFAULT_ROLLOUT_PLANS: RolloutPlans = {
  'model-swap': { ...plan('model-swap', 48, [1, 5, 25, 50, 100]), ...EVIDENCE },
  'system-prompt': plan('system-prompt', 24, [10, 25, 50, 100]),
  'new-tool': plan('new-tool', 48, [5, 25, 50, 100]),
  parameter: plan('parameter', 12, [25, 50, 100]),
  'agent-workflow': { ...plan('agent-workflow', 72, [1, 5, 25, 50, 100]), ...EVIDENCE },
};

/** A plan's evidence stages in the order they run (replay, then shadow). */
export function planStages(plan: RolloutPlan): RolloutStageName[] {
  const stages: RolloutStageName[] = [];
  if (plan.replay) stages.push('replay');
  if (plan.shadow) stages.push('shadow');
  return stages;
}

/** The default plans with some change types replaced. */
export function rolloutPlans(overrides: Partial<RolloutPlans> = {}): RolloutPlans {
  return { ...DEFAULT_ROLLOUT_PLANS, ...overrides };
}
