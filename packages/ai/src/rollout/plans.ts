import type { ChangeType } from '@aiflags/core';

const HOUR_MS = 3_600_000;

/** One step of a rollout plan. */
export interface RolloutStep {
  /** Percent of units (0-100) served the treatment during this step. */
  percentage: number;
  /** Minimum time at this step before moving on, ms. */
  holdMs: number;
  /** Minimum distinct units per group (control and treatment) measured during this step before moving on. */
  minUnitsPerGroup: number;
}

export interface RolloutPlan {
  changeType: ChangeType;
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
 * Default plans per change type. The riskier the change, the smaller the first step and the longer each
 * hold: a model swap or a new agent workflow touches every answer, a parameter tweak is cheap to undo.
 */
export const DEFAULT_ROLLOUT_PLANS: RolloutPlans = {
  'model-swap': plan('model-swap', 48, [1, 5, 25, 50, 100]),
  'system-prompt': plan('system-prompt', 24, [10, 25, 50, 100]),
  'new-tool': plan('new-tool', 48, [5, 25, 50, 100]),
  parameter: plan('parameter', 12, [25, 50, 100]),
  'agent-workflow': plan('agent-workflow', 72, [1, 5, 25, 50, 100]),
};

/** The default plans with some change types replaced. */
export function rolloutPlans(overrides: Partial<RolloutPlans> = {}): RolloutPlans {
  return { ...DEFAULT_ROLLOUT_PLANS, ...overrides };
}
