import { FlagdCore } from '@openfeature/flagd-core';
import type { EvaluationContext, JsonValue, Provider } from '@openfeature/server-sdk';
import type { BenchFlag, Contender } from '../contender.js';
import { flagdConfig } from './flagd-core.js';
import { openFeatureContender } from './openfeature-client.js';

/**
 * flagd's in-process evaluator behind a minimal OpenFeature provider, the way flagd's own in-process
 * provider wraps it (minus the sync connection), to compare provider stacks on one footing.
 */
export async function openFeatureFlagd(flag: BenchFlag): Promise<Contender> {
  const core = new FlagdCore();
  core.setConfigurations(flagdConfig(flag));
  const provider: Provider = {
    metadata: { name: 'flagd-core (in-process)' },
    runsOn: 'server',
    hooks: [],
    async resolveBooleanEvaluation(key: string, fallback: boolean, ctx: EvaluationContext) {
      return core.resolveBooleanEvaluation(key, fallback, ctx);
    },
    async resolveStringEvaluation(key: string, fallback: string, ctx: EvaluationContext) {
      return core.resolveStringEvaluation(key, fallback, ctx);
    },
    async resolveNumberEvaluation(key: string, fallback: number, ctx: EvaluationContext) {
      return core.resolveNumberEvaluation(key, fallback, ctx);
    },
    async resolveObjectEvaluation<T extends JsonValue>(key: string, fallback: T, ctx: EvaluationContext) {
      return core.resolveObjectEvaluation(key, fallback, ctx);
    },
  };
  return openFeatureContender('OpenFeature + flagd-core provider', 'bench-flagd', provider, flag);
}
