import type { EvaluationContext, EvaluationDetails, FlagValue, Hook, HookContext } from '@openfeature/server-sdk';
import type { OutcomeRecorder } from '../store/recorder.js';
import { targetingKeyOf } from './safe-evaluate.js';

/**
 * An OpenFeature hook that records an exposure (flag, variant, unit) after every successful evaluation it
 * is attached to. Failed evaluations run the `error` stage instead, so a unit served the caller's fallback
 * is never counted as exposed to a variant.
 */
export function exposureHook(store: OutcomeRecorder): Hook {
  return {
    after(hookContext: Readonly<HookContext<FlagValue>>, details: EvaluationDetails<FlagValue>): void {
      if (details.variant !== undefined) recordExposure(store, details.flagKey, details.variant, hookContext.context);
    },
  };
}

/** Records one exposure with the context's targeting key as the unit; never throws. */
export function recordExposure(store: OutcomeRecorder, flagKey: string, variant: string, ctx: EvaluationContext): void {
  try {
    store.recordExposure({ flagKey, variant, unitId: targetingKeyOf(ctx) });
  } catch {
    // Best effort: an exposure that cannot be recorded must not fail the evaluation.
  }
}
