import { FlagdCore } from '@openfeature/flagd-core';
import type { BenchFlag, Contender } from '../contender.js';

/** flagd's in-process evaluator: a `fractional` 10/90 split on targetingKey, as flagd users write it. */
export function flagdConfig(flag: BenchFlag): string {
  return JSON.stringify({
    flags: {
      [flag.key]: {
        state: 'ENABLED',
        variants: { on: true, off: false },
        defaultVariant: 'off',
        targeting: {
          fractional: [
            ['on', flag.percentage],
            ['off', 100 - flag.percentage],
          ],
        },
      },
    },
  });
}

/** `FlagdCore.resolveBooleanEvaluation` over contexts built before timing. */
export async function flagdCore(flag: BenchFlag): Promise<Contender> {
  const core = new FlagdCore();
  core.setConfigurations(flagdConfig(flag));
  const contexts = flag.userKeys.map((targetingKey) => ({ targetingKey }));
  const key = flag.key;
  return {
    name: '@openfeature/flagd-core',
    kind: 'raw',
    runBatch() {
      let hits = 0;
      for (let i = 0; i < contexts.length; i++) {
        if (core.resolveBooleanEvaluation(key, false, contexts[i]).value === true) hits++;
      }
      return hits;
    },
  };
}
