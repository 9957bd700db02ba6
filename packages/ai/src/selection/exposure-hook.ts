import type { EvaluationDetails, FlagValue, Hook, HookContext } from '@openfeature/server-sdk';
import type { OutcomeRecorder } from '../store/recorder.js';

/**
 * An OpenFeature hook that records an exposure (flag, variant, unit) after every successful evaluation it
 * is attached to. Failed evaluations run the `error` stage instead, so a unit served the caller's fallback
 * is never counted as exposed to a variant.
 */
export function exposureHook(store: OutcomeRecorder): Hook {
  return {
    after(hookContext: Readonly<HookContext<FlagValue>>, details: EvaluationDetails<FlagValue>): void {
      const variant = details.variant;
      if (variant === undefined) return;
      const key = hookContext.context.targetingKey;
      try {
        store.recordExposure({ flagKey: details.flagKey, variant, unitId: typeof key === 'string' ? key : undefined });
      } catch {
        // Best effort: an exposure that cannot be recorded must not fail the evaluation.
      }
    },
  };
}
